"""The reload policy and the delivery verdict: a Prometheus runs a publication when it reports its digest."""

import pytest

from domain.reload import (
    PROPAGATION_SECONDS,
    STUCK_PERIODS,
    ConfigNotDelivered,
    ConfigNotDeliveredTooLong,
    PodConfig,
    ReloadDecision,
    decide_reload,
    judge_delivery,
)
from domain.status import StatusKind, status_for_error

PUBLISHED_AT = 1_000_000.0
NEW = "e" * 64
OLD = "a" * 64
CONFIG_MAP = "prometheus-config-config"
STUCK = STUCK_PERIODS * PROPAGATION_SECONDS


@pytest.mark.parametrize("running, now, decision", [
    (NEW, PUBLISHED_AT, ReloadDecision.CURRENT),  # e.g. a pod started with the new files
    (NEW, PUBLISHED_AT + 3600, ReloadDecision.CURRENT),
    (OLD, PUBLISHED_AT + 20, ReloadDecision.TOO_EARLY),
    (OLD, PUBLISHED_AT + PROPAGATION_SECONDS - 0.001, ReloadDecision.TOO_EARLY),
    (OLD, PUBLISHED_AT + PROPAGATION_SECONDS, ReloadDecision.RELOAD),
    (None, PUBLISHED_AT + 300, ReloadDecision.RELOAD),  # runs files from before the marker
])
def test_reload_is_asked_only_of_a_prometheus_without_the_digest_once_the_files_can_have_arrived(
        running, now, decision):
    assert decide_reload(NEW, running, PUBLISHED_AT, now) is decision


def test_the_propagation_delay_can_be_shortened():
    assert decide_reload(NEW, OLD, PUBLISHED_AT, PUBLISHED_AT + 4, propagation=4) is ReloadDecision.RELOAD


def judge(pods, now=PUBLISHED_AT + 100, since=0.0, propagation=PROPAGATION_SECONDS):
    return judge_delivery(NEW, pods, now, since, CONFIG_MAP, propagation)


def test_every_pod_running_the_publication_is_done():
    verdict = judge([PodConfig("prometheus-0", NEW), PodConfig("prometheus-1", NEW)], since=PUBLISHED_AT)

    assert (verdict.pending, verdict.undelivered_since, verdict.problem) == (False, 0.0, None)


def test_no_pods_nothing_pending():
    assert judge([]).pending is False


@pytest.mark.parametrize("pod", [
    PodConfig("prometheus-1", OLD, due=False),  # too early to tell
    PodConfig("prometheus-1", None, due=False, reachable=False),
])
def test_a_pod_not_yet_due_or_unreachable_keeps_the_publication_pending_without_a_problem(pod):
    verdict = judge([PodConfig("prometheus-0", NEW), pod], since=PUBLISHED_AT + 50)

    assert (verdict.pending, verdict.undelivered_since, verdict.problem) == (True, 0.0, None)


def test_a_pod_without_the_digest_after_a_reload_waits_naming_both_digests():
    verdict = judge([PodConfig("prometheus-0", NEW), PodConfig("prometheus-1", OLD)])

    assert verdict.pending and verdict.undelivered_since == PUBLISHED_AT + 100
    assert isinstance(verdict.problem, ConfigNotDelivered)
    assert str(verdict.problem) == ("pod prometheus-1 runs configuration aaaaaaaa, published eeeeeeee; "
                                    "waiting for Kubernetes to deliver it")
    assert status_for_error(verdict.problem).kind is StatusKind.WAITING


def test_a_pod_on_files_from_before_the_marker_says_so():
    verdict = judge([PodConfig("prometheus-0", None), PodConfig("prometheus-1", OLD)])

    assert str(verdict.problem) == ("pod prometheus-0 (and 1 more) runs a configuration without a digest, "
                                    "published eeeeeeee; waiting for Kubernetes to deliver it")


@pytest.mark.parametrize("waited, blocked", [(0, False), (STUCK - 1, False), (STUCK, True), (STUCK * 3, True)])
def test_waiting_turns_to_blocked_after_several_propagation_periods(waited, blocked):
    first_seen = PUBLISHED_AT + PROPAGATION_SECONDS

    verdict = judge([PodConfig("prometheus-0", OLD)], now=first_seen + waited, since=first_seen)

    assert verdict.undelivered_since == first_seen
    assert isinstance(verdict.problem, ConfigNotDeliveredTooLong if blocked else ConfigNotDelivered)
    assert status_for_error(verdict.problem).kind is (StatusKind.BLOCKED if blocked else StatusKind.WAITING)


def test_the_blocked_message_says_how_long_and_which_config_map_to_look_at():
    pods = [PodConfig(f"prometheus-{n}", OLD) for n in range(5)]

    verdict = judge(pods, now=PUBLISHED_AT + 1000, since=PUBLISHED_AT + 100)

    assert str(verdict.problem) == (
        "Kubernetes has not delivered the published configuration to pods prometheus-0, prometheus-1, "
        "prometheus-2 and 2 more for 15 minutes; check the ConfigMap prometheus-config-config "
        "(kubectl describe configmap prometheus-config-config)")


def test_a_short_propagation_gives_a_short_blocked_wait_in_seconds():
    verdict = judge([PodConfig("prometheus-0", OLD)], now=PUBLISHED_AT + 16, since=PUBLISHED_AT, propagation=4)

    assert "to pod prometheus-0 for 16 seconds;" in str(verdict.problem)


def test_a_delivery_clears_the_wait():
    verdict = judge([PodConfig("prometheus-0", NEW)], since=PUBLISHED_AT + 50)

    assert verdict.undelivered_since == 0.0 and verdict.problem is None
