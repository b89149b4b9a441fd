"""Facts about the world the core builds from (relations, image, identity). Pure: no I/O."""

from dataclasses import dataclass
from typing import Tuple

from domain.image import ImageDetails


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

    app: str
    model: str
    image: ImageDetails
    alertmanagers: Tuple[AlertmanagerTarget, ...] = ()
