"""What the ``alertmanager`` relation yields (see ``legacy_alerting``), as a light type. Pure.

The Prometheus configuration and the plan name this type on every hook; the reader of the
relation's data is imported only when such a relation exists.
"""

from dataclasses import dataclass
from typing import Optional, Tuple

from domain.values.duration import Duration


@dataclass(frozen=True)
class LegacyAlertmanagers:
    """One Alertmanager entry as read: pods found by label selectors in ``namespace``, and/or
    static targets, with the entry's HTTP settings (None: Prometheus' default / the option)."""

    namespace: str
    selectors: Tuple[str, ...] = ()  # one kubernetes_sd_config of role pod each ("": all pods)
    static_targets: Tuple[str, ...] = ()
    scheme: str = "http"
    path_prefix: str = "/"
    timeout: Optional[Duration] = None
    api_version: Optional[str] = None


def needs_pod_discovery(alertmanagers: Tuple[LegacyAlertmanagers, ...]) -> bool:
    return any(entry.selectors for entry in alertmanagers)
