"""Facts about the world the core builds from, one value per source. Pure: no I/O.

The image comes from the OCI resource, the identity from the Juju model, the
relations' bags from Juju as read by this unit. Each builder takes only the part it needs.
``judged`` carries earlier judgements of relations' rules (``domain.relations.rules_memo``):
an optimisation only, which the plan also fills; it plays no part in comparing facts.
"""

from dataclasses import dataclass, field
from typing import Tuple

from domain.relations.data import Relation
from domain.relations.rules_memo import RulesMemo
from domain.values.image import ImageDetails


@dataclass(frozen=True)
class Identity:
    """Who this charm is in Juju: application and model names, and the unit running the hook.

    ``namespace`` is the Kubernetes namespace of the model (the model's name unless Juju says
    otherwise); it defaults to ``model``.
    """

    app: str
    model: str
    model_uuid: str = ""
    unit: str = ""
    namespace: str = ""

    def __post_init__(self) -> None:
        if not self.namespace:
            object.__setattr__(self, "namespace", self.model)


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
    alertmanagers: Tuple[AlertmanagerTarget, ...] = ()  # besides those from relations
    relations: Tuple[Relation, ...] = ()
    kubernetes_api_hosts: Tuple[str, ...] = ()  # the API service's addresses, where known
    judged: RulesMemo = field(default_factory=RulesMemo, compare=False, repr=False)
