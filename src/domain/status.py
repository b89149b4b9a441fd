"""Deciding the unit status and when Prometheus must reload. Pure: no I/O, no clock.

Reloading: a changed prometheus.yml reaches the pod only after the hook that published it
ends and kubelet syncs the ConfigMap volume (about a minute; ``PROPAGATION_SECONDS``
leaves a margin). A Prometheus whose last successful (re)load is older than that has not
seen the change: the leader asks it to reload on a later hook (``update-status`` at the
latest), never by waiting inside a hook. A Prometheus started well after the publication
(``APPLY_SECONDS``: Juju applies the spec once the publishing hook ends) read the new files
at start-up and needs no reload.
"""

import enum
from typing import Optional, Sequence

from domain.errors import StatusKind, UnitStatus
from domain.ports import Pod, PodState, RuntimeInfo

PROPAGATION_SECONDS = 90.0
APPLY_SECONDS = 30.0


class ReloadDecision(enum.Enum):
    CURRENT = "current"  # this Prometheus runs the published files
    TOO_EARLY = "too-early"  # the files may not have reached the pod yet
    RELOAD = "reload"  # ask it to reload now


def decide_reload(published_at: float, now: float, info: RuntimeInfo,
                  propagation: float = PROPAGATION_SECONDS) -> ReloadDecision:
    due = published_at + propagation
    started_after = info.start_time >= published_at + APPLY_SECONDS
    # Prometheus reports lastConfigTime in whole seconds: a reload in the second `due`
    # falls in must count, or it would be repeated on the next hook.
    if info.reload_success and (info.last_config_time >= int(due) or started_after):
        return ReloadDecision.CURRENT
    if now < due:
        return ReloadDecision.TOO_EARLY
    return ReloadDecision.RELOAD


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
