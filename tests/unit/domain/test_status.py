import pytest

from domain.errors import StatusKind
from domain.ports import Pod, PodState, RuntimeInfo
from domain.status import PROPAGATION_SECONDS, ReloadDecision, decide_reload, decide_status, pod_for_unit

PUBLISHED = 1_000_000.0


def pod(name="prometheus-0", unit="prometheus/0", state=PodState.READY, reason=""):
    return Pod(name=name, unit=unit, state=state, address="10.1.2.3", port=9090, reason=reason)


@pytest.mark.parametrize("loaded_at, success, now, decision", [
    (PUBLISHED + PROPAGATION_SECONDS, True, PUBLISHED + 500, ReloadDecision.CURRENT),
    (PUBLISHED + 10, True, PUBLISHED + 20, ReloadDecision.TOO_EARLY),
    (PUBLISHED + 10, True, PUBLISHED + PROPAGATION_SECONDS, ReloadDecision.RELOAD),
    (PUBLISHED - 3600, True, PUBLISHED + 300, ReloadDecision.RELOAD),
    (PUBLISHED + 400, False, PUBLISHED + 500, ReloadDecision.RELOAD),
])
def test_reload_is_asked_only_once_the_files_can_have_arrived(loaded_at, success, now, decision):
    assert decide_reload(PUBLISHED, now, RuntimeInfo(success, loaded_at)) is decision


def test_reload_within_the_second_it_became_due_counts_despite_whole_second_timestamps():
    due = PUBLISHED + PROPAGATION_SECONDS + 0.7

    assert decide_reload(due - PROPAGATION_SECONDS, due, RuntimeInfo(True, int(due))) is ReloadDecision.CURRENT


def test_prometheus_started_after_the_publication_was_applied_is_current():
    info = RuntimeInfo(True, PUBLISHED + 40, start_time=PUBLISHED + 40)

    assert decide_reload(PUBLISHED, PUBLISHED + 45, info) is ReloadDecision.CURRENT


def test_prometheus_started_while_the_publication_was_applied_is_reloaded_later():
    info = RuntimeInfo(True, PUBLISHED + 5, start_time=PUBLISHED + 5)

    assert decide_reload(PUBLISHED, PUBLISHED + 300, info) is ReloadDecision.RELOAD


def test_pod_is_found_by_unit_annotation():
    pods = [pod("prometheus-1", "prometheus/0"), pod("prometheus-0", "prometheus/1")]

    assert pod_for_unit(pods, "prometheus/0").name == "prometheus-1"


def test_pod_without_annotation_is_found_by_statefulset_name():
    assert pod_for_unit([pod("prometheus-0", None)], "prometheus/0").name == "prometheus-0"


def test_no_pod_for_an_unknown_unit():
    assert pod_for_unit([pod()], "prometheus/3") is None


@pytest.mark.parametrize("the_pod, pending, kind, words", [
    (None, False, StatusKind.WAITING, "waiting for pod prometheus-0 to be created"),
    (pod(state=PodState.PENDING), False, StatusKind.WAITING, "to start"),
    (pod(state=PodState.STARTING), False, StatusKind.WAITING, "to be ready"),
    (pod(state=PodState.UNKNOWN), False, StatusKind.WAITING, "to be ready"),
    (pod(state=PodState.FAILING, reason="ImagePullBackOff"), False, StatusKind.BLOCKED, "ImagePullBackOff"),
    (pod(), True, StatusKind.WAITING, "next update-status"),
    (pod(), False, StatusKind.ACTIVE, ""),
])
def test_status_says_what_is_awaited(the_pod, pending, kind, words):
    status = decide_status("prometheus/0", the_pod, pending)

    assert status.kind is kind
    assert words in status.message
