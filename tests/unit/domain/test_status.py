"""The unit status: from the unit's pod, a pending reload, or an error."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ConfigError, ConfigErrors, ResourceError, WorkloadRejected, WorkloadUnavailable
from domain.ports import Pod, PodState
from domain.status import (
    MAX_MESSAGE_CHARS,
    StatusKind,
    UnitStatus,
    decide_status,
    pod_for_unit,
    safe_message,
    status_for_error,
)


def pod(name="prometheus-0", unit="prometheus/0", state=PodState.READY, reason=""):
    return Pod(name=name, unit=unit, state=state, address="10.1.2.3", port=9090, reason=reason)


def test_pod_is_found_by_unit_annotation():
    pods = [pod("prometheus-1", "prometheus/0"), pod("prometheus-0", "prometheus/1")]

    assert pod_for_unit(pods, "prometheus/0").name == "prometheus-1"


def test_pod_without_annotation_is_found_by_statefulset_name():
    assert pod_for_unit([pod("prometheus-0", None)], "prometheus/0").name == "prometheus-0"


def test_no_pod_for_an_unknown_unit():
    assert pod_for_unit([pod()], "prometheus/3") is None


def test_an_unannotated_pod_of_another_unit_is_never_taken_for_this_one():
    pods = [pod("prometheus-1", None), pod("other-0", None)]

    assert pod_for_unit(pods, "prometheus/0") is None


def test_a_pod_annotated_for_another_unit_is_not_taken_by_its_name():
    # after a unit is removed and added again, prometheus-0 may belong to prometheus/1
    assert pod_for_unit([pod("prometheus-0", "prometheus/1")], "prometheus/0") is None


def test_the_annotation_wins_over_the_name():
    pods = [pod("prometheus-0", None), pod("prometheus-4", "prometheus/0")]

    assert pod_for_unit(pods, "prometheus/0").name == "prometheus-4"


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


def test_a_failing_pod_without_a_reason_is_reported_as_failing():
    status = decide_status("prometheus/0", pod(state=PodState.FAILING), False)

    assert status.message == "pod prometheus-0: failing"


def test_a_pending_reload_says_when_it_happens():
    status = decide_status("prometheus/0", pod(), True)

    assert status.message == ("configuration published; each pod loads it by itself "
                              "(checked again at the next update-status)")


def test_every_bad_option_is_named_in_one_message():
    errors = ConfigErrors([ConfigError("log-level", "'loud' is not one of debug, info, warn, error"),
                           ConfigError("scrape-interval", "'often' is not a duration")])

    status = status_for_error(errors)

    assert status.kind is StatusKind.BLOCKED
    assert status.message == ("log-level: 'loud' is not one of debug, info, warn, error; "
                              "scrape-interval: 'often' is not a duration")
    assert errors.options == ("log-level", "scrape-interval")


@pytest.mark.parametrize("error, kind", [
    (WorkloadUnavailable("kubernetes api: cannot connect"), StatusKind.WAITING),
    (WorkloadRejected("prometheus-0: reload refused"), StatusKind.BLOCKED),
    (ResourceError("prometheus-image: resource missing"), StatusKind.BLOCKED),
    (ConfigError("log-level", "'loud' is not one of debug, info, warn, error"), StatusKind.BLOCKED),
])
def test_an_error_blocks_unless_it_may_pass_by_itself(error, kind):
    status = status_for_error(error)

    assert status.kind is kind
    assert status.message == str(error)


# What status-set takes as an argument: no NUL (Python refuses to pass one), at most 128 KiB
# (the kernel refuses more with E2BIG); tests/e2e/test_crash_classes.py shows both refusals.
ARGUMENT_BYTES = 128 * 1024 - 1


@pytest.mark.parametrize("text, shown", [
    ("plain words, quotes ' \" and é ✓", "plain words, quotes ' \" and é ✓"),
    ("a\x00b", "a\\x00b"),
    ("line\nbreak\ttab\rreturn", "line\\nbreak\\ttab\\rreturn"),
    ("del\x7f c1\x85 ls\u2028 ps\u2029", "del\\x7f c1\\x85 ls\\u2028 ps\\u2029"),
    ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
    ("zero\u200bwidth", "zero\\u200bwidth"),
])
def test_a_message_is_one_line_with_its_control_characters_escaped(text, shown):
    assert safe_message(text) == shown


def test_a_long_message_is_cut_with_an_ellipsis_and_the_count_left_out():
    message = safe_message("x" * 200 * 1024)

    assert len(message) == MAX_MESSAGE_CHARS
    assert message == "x" * 996 + "... (203804 more characters)"


def test_a_message_of_exactly_the_bound_is_kept_whole():
    assert safe_message("y" * MAX_MESSAGE_CHARS) == "y" * MAX_MESSAGE_CHARS
    assert safe_message("y" * (MAX_MESSAGE_CHARS + 1)).endswith("... (27 more characters)")


def test_escapes_count_towards_the_bound_and_are_never_split():
    message = safe_message("\x00" * 300)

    assert len(message) <= MAX_MESSAGE_CHARS
    assert message == "\\x00" * 249 + "... (51 more characters)"


@given(st.text(alphabet=st.characters(), max_size=3000))
def test_any_text_becomes_a_message_status_set_can_take(text):
    message = safe_message(text)

    assert len(message) <= MAX_MESSAGE_CHARS
    assert message.isprintable()  # no NUL, newline or other control character; no lone surrogate
    assert len(message.encode("utf-8")) <= ARGUMENT_BYTES
    assert safe_message(message) == message
    if len(text) <= MAX_MESSAGE_CHARS and text.isprintable():
        assert message == text


def test_every_status_holds_a_safe_message_however_it_was_built():
    error = ConfigError("log-level", "'" + "\x00" * 100_000 + "' is not one of debug, info, warn, error")

    for status in (status_for_error(error), UnitStatus(StatusKind.WAITING, "a\nb"),
                   decide_status("prometheus/0", pod(state=PodState.FAILING, reason="bad\x00" * 50_000), False)):
        assert status.message.isprintable() and len(status.message) <= MAX_MESSAGE_CHARS, status
    assert status_for_error(error).message.startswith("log-level: '\\x00\\x00")
