"""Whether each running Prometheus runs what was published, and when to ask it to reload. Pure.

Every published prometheus.yml carries the digest of its publication, and Prometheus reports
the configuration it runs (``domain.prometheus.config_file``): a Prometheus runs the
publication exactly when it reports its digest. Its last reload time proves nothing: when
Kubernetes refuses a ConfigMap update, the old files stay, and Prometheus reloads them fine.

A changed file reaches the pod only after the hook that published it ends and kubelet syncs
the ConfigMap volume (about a minute; ``PROPAGATION_SECONDS`` leaves a margin). The pod then
applies it by itself within seconds (Prometheus 3's ``auto-reload-config``, or the busybox
watcher of the 2.x official images: ``domain.kubernetes.config_watch``). The leader checks
the outcome on a later hook (``update-status`` at the latest), never by waiting inside one,
and still asks for a reload itself, for images without a watcher and as a fallback:

* it leaves alone a Prometheus that runs the published digest;
* it asks one that does not to reload once the files can have arrived, and reads its digest
  again;
* if it still runs another digest, the files have not arrived: the unit waits, naming the pod
  and both digests, and is blocked once that has lasted ``STUCK_PERIODS`` propagation periods
  (Kubernetes refused the update, or kubelet cannot sync), pointing at the ConfigMap.
"""

import enum
from dataclasses import dataclass
from typing import Optional, Sequence

from domain.errors import DomainError

PROPAGATION_SECONDS = 90.0
STUCK_PERIODS = 4  # 6 minutes with the default propagation: several kubelet syncs have passed
SHORT = 8  # hex digits of a digest shown in a message
SHOWN_PODS = 3  # pods named in a message


class ReloadDecision(enum.Enum):
    CURRENT = "current"  # this Prometheus runs the published files
    TOO_EARLY = "too-early"  # the files may not have reached the pod yet
    RELOAD = "reload"  # ask it to reload now


class ConfigNotDelivered(DomainError):
    """A pod still runs an earlier publication after a reload; kubelet may deliver it yet."""

    transient = True


class ConfigNotDeliveredTooLong(DomainError):
    """A pod has run an earlier publication for far longer than kubelet takes to deliver one."""


@dataclass(frozen=True)
class PodConfig:
    """What one ready pod's Prometheus runs, after any reload the leader asked of it."""

    pod: str
    running: Optional[str]  # the digest it reports; None: none (unmarked, or not reachable)
    due: bool = True  # the files can have arrived: a reload was asked for, if it was needed
    reachable: bool = True


@dataclass(frozen=True)
class Delivery:
    """The leader's verdict on a publication across the pods."""

    pending: bool  # some pod has yet to run it
    undelivered_since: float  # when pods were first found without it after a reload; 0.0: none
    problem: Optional[DomainError] = None  # raise it: waiting, then blocked


def decide_reload(published: str, running: Optional[str], published_at: float, now: float,
                  propagation: float = PROPAGATION_SECONDS) -> ReloadDecision:
    if running == published:
        return ReloadDecision.CURRENT
    if now < published_at + propagation:
        return ReloadDecision.TOO_EARLY
    return ReloadDecision.RELOAD


def judge_delivery(published: str, pods: Sequence[PodConfig], now: float, undelivered_since: float,
                   config_map: str, propagation: float = PROPAGATION_SECONDS) -> Delivery:
    """``undelivered_since`` is the previous hook's verdict, carried by the shell."""
    missing = [p for p in pods if p.reachable and p.due and p.running != published]
    if not missing:
        return Delivery(any(p.running != published for p in pods), 0.0)
    since = undelivered_since or now
    names = ("pods " if len(missing) > 1 else "pod ") + ", ".join(p.pod for p in missing[:SHOWN_PODS])
    names += f" and {len(missing) - SHOWN_PODS} more" if len(missing) > SHOWN_PODS else ""
    if now - since >= STUCK_PERIODS * propagation:
        return Delivery(True, since, ConfigNotDeliveredTooLong(
            f"Kubernetes has not delivered the published configuration to {names} for "
            f"{_duration(now - since)}; check the ConfigMap {config_map} "
            f"(kubectl describe configmap {config_map})"))
    first = missing[0]
    runs = f"configuration {first.running[:SHORT]}" if first.running else "a configuration without a digest"
    more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
    return Delivery(True, since, ConfigNotDelivered(
        f"pod {first.pod}{more} runs {runs}, published {published[:SHORT]}; "
        "waiting for Kubernetes to deliver it"))


def _duration(seconds: float) -> str:
    return f"{int(seconds // 60)} minutes" if seconds >= 120 else f"{int(seconds)} seconds"
