"""The reload policy: when a running Prometheus must be asked to reload. Pure: no I/O, no clock.

A changed prometheus.yml reaches the pod only after the hook that published it ends and
kubelet syncs the ConfigMap volume (about a minute; ``PROPAGATION_SECONDS`` leaves a
margin). A Prometheus whose last successful (re)load is older than that has not seen the
change: the leader asks it to reload on a later hook (``update-status`` at the latest),
never by waiting inside a hook. A Prometheus started well after the publication
(``APPLY_SECONDS``: Juju applies the spec once the publishing hook ends) read the new files
at start-up and needs no reload.
"""

import enum

from domain.ports import RuntimeInfo

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
