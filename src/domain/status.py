"""The unit status: decided from the unit's pod, a pending reload, or an error. Pure: no I/O."""

import enum
from dataclasses import dataclass
from typing import Optional, Sequence

from domain.errors import DomainError
from domain.ports import Pod, PodState


class StatusKind(enum.Enum):
    """The kinds of unit status the core can ask the shell for."""

    ACTIVE = "active"
    WAITING = "waiting"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class UnitStatus:
    """A status decided by the core; the shell maps it to an ops status class."""

    kind: StatusKind
    message: str = ""


def status_for_error(error: DomainError) -> UnitStatus:
    """Waiting for an error that may pass by itself, blocked for one the operator must fix."""
    return UnitStatus(StatusKind.WAITING if error.transient else StatusKind.BLOCKED, str(error))


def pod_for_unit(pods: Sequence[Pod], unit: str) -> Optional[Pod]:
    """The unit's pod: by Juju's unit annotation, else a StatefulSet's ``<app>-<n>`` name."""
    for pod in pods:
        if pod.unit == unit:
            return pod
    app, _, number = unit.partition("/")
    return next((p for p in pods if p.unit is None and p.name == f"{app}-{number}"), None)


def decide_status(unit: str, pod: Optional[Pod], reload_pending: bool) -> UnitStatus:
    name = unit.replace("/", "-")
    if pod is None:
        return UnitStatus(StatusKind.WAITING, f"waiting for pod {name} to be created")
    if pod.state is PodState.FAILING:
        return UnitStatus(StatusKind.BLOCKED, f"pod {pod.name}: {pod.reason or 'failing'}")
    if pod.state is PodState.PENDING:
        return UnitStatus(StatusKind.WAITING, f"waiting for pod {pod.name} to start")
    if pod.state is not PodState.READY:
        return UnitStatus(
            StatusKind.WAITING, f"waiting for prometheus in {pod.name} to be ready (replaying the wal)"
        )
    if reload_pending:
        return UnitStatus(
            StatusKind.WAITING, "configuration published; prometheus reloads it at the next update-status"
        )
    return UnitStatus(StatusKind.ACTIVE, "")
