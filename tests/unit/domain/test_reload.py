"""The reload policy: a running Prometheus is asked to reload once the files can have reached it."""

import pytest

from domain.ports import RuntimeInfo
from domain.reload import APPLY_SECONDS, PROPAGATION_SECONDS, ReloadDecision, decide_reload

PUBLISHED = 1_000_000.0


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


def test_a_prometheus_started_once_the_apply_margin_has_passed_is_current():
    at_margin = RuntimeInfo(True, PUBLISHED + APPLY_SECONDS, start_time=PUBLISHED + APPLY_SECONDS)
    before = RuntimeInfo(True, PUBLISHED + APPLY_SECONDS - 1, start_time=PUBLISHED + APPLY_SECONDS - 1)

    assert decide_reload(PUBLISHED, PUBLISHED + APPLY_SECONDS, at_margin) is ReloadDecision.CURRENT
    assert decide_reload(PUBLISHED, PUBLISHED + APPLY_SECONDS, before) is ReloadDecision.TOO_EARLY
