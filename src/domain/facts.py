"""Facts about the world the core builds from, one value per source. Pure: no I/O.

The image comes from the OCI resource, the identity from the Juju model, the
Alertmanagers from relations. Each builder takes only the part it needs.
"""

from dataclasses import dataclass
from typing import Tuple

from domain.values.image import ImageDetails


@dataclass(frozen=True)
class Identity:
    """Who this charm is in Juju: application and model names."""

    app: str
    model: str


@dataclass(frozen=True)
class AlertmanagerTarget:
    """One Alertmanager Prometheus sends alerts to."""

    host: str
    port: int
    scheme: str = "http"
    path_prefix: str = "/"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Facts:
    """Everything besides the charm options that decides what Prometheus runs."""

    image: ImageDetails
    identity: Identity
    alertmanagers: Tuple[AlertmanagerTarget, ...] = ()
