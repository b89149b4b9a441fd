"""Ports: the capabilities the core needs from the outside world, in domain words. Pure."""

import enum
from dataclasses import dataclass
from typing import Optional, Protocol, Sequence


class PodState(enum.Enum):
    """How far a workload pod is, as seen by the Kubernetes API."""

    UNKNOWN = "unknown"  # the API could not tell (no such pod yet, or no API)
    PENDING = "pending"  # scheduled or pulling the image
    STARTING = "starting"  # running, not ready yet (e.g. replaying the WAL)
    READY = "ready"
    FAILING = "failing"  # crash-looping or image pull failing


@dataclass(frozen=True)
class Pod:
    """One workload pod of the application."""

    name: str
    unit: Optional[str]  # the Juju unit the pod belongs to, if annotated
    state: PodState
    address: Optional[str]  # pod IP, once it has one
    port: int  # the Prometheus web port declared by the container
    reason: str = ""  # a short reason when not ready (e.g. "ImagePullBackOff")


@dataclass(frozen=True)
class RuntimeInfo:
    """What a running Prometheus says about its configuration."""

    reload_success: bool
    last_config_time: float  # seconds since the epoch, of the last successful (re)load
    start_time: float = 0.0  # seconds since the epoch, when this Prometheus process started


class PodReadiness(Protocol):
    """Lists the application's workload pods."""

    def pods(self) -> Sequence[Pod]: ...


class PrometheusApi(Protocol):
    """Talks to one Prometheus server."""

    def reload(self) -> None: ...

    def runtime_info(self) -> RuntimeInfo: ...

    def running_config(self) -> str: ...

    def version(self) -> str: ...
