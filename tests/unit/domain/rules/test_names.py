"""Metric and label names as Prometheus validates them: the legacy character set before 3.0,
any UTF-8 text from 3.0 (https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels),
'__' label names reserved; each refusal's message is exact."""

import pytest

from domain.rules.features import Gate
from domain.rules.names import check_label_name, check_record_name
from domain.rules.tokens import Invalid
from domain.values.version import NEWEST

V2_42 = (2, 42, 0)


def refusal(check, *args) -> str:
    with pytest.raises(Invalid) as caught:
        check(*args)
    return str(caught.value)


@pytest.mark.parametrize("name", ["job:up:sum", "_x", ":a", "A9_:", "a"])
def test_a_legacy_metric_name_is_a_recording_rule_name_everywhere(name):
    check_record_name(name, Gate(V2_42))


@pytest.mark.parametrize("name", ["9up", "up-rate", "é"])
def test_a_utf8_metric_name_is_read_from_3_0(name):
    check_record_name(name, Gate(NEWEST))
    message = refusal(check_record_name, name, Gate(V2_42))
    assert message.startswith("a recording rule name must be a metric name such as job:up:sum; ")
    assert "needs Prometheus >= 3.0.0 (image is 2.42.0)" in message


@pytest.mark.parametrize("name", ["a{b}", "a{", "a}"])
@pytest.mark.parametrize("version", [V2_42, NEWEST])
def test_braces_never_make_a_recording_rule_name(name, version):
    assert refusal(check_record_name, name, Gate(version)) == (
        "a recording rule name must be a metric name such as job:up:sum, without { or }"
    )


@pytest.mark.parametrize("what", ["label", "annotation"])
def test_a_utf8_label_name_is_read_from_3_0(what):
    check_label_name("team-name", Gate(NEWEST), what)
    message = refusal(check_label_name, "team-name", Gate(V2_42), what)
    assert message.startswith(
        f"{what} name 'team-name' is not valid: use letters, digits and '_', not starting with a digit; "
    ), message
    assert "needs Prometheus >= 3.0.0 (image is 2.42.0)" in message


def test_a_control_character_in_a_name_is_refused_in_3_0():
    assert refusal(check_label_name, "a\tb", Gate(NEWEST), "annotation") == (
        "annotation name 'a\\tb' holds the control character \\t"
    )


@pytest.mark.parametrize("version", [V2_42, NEWEST])
def test_label_names_with_two_underscores_are_reserved_but_annotation_names_are_not(version):
    assert refusal(check_label_name, "__name__", Gate(version), "label") == (
        "label '__name__' is the metric name, which a rule cannot set"
    )
    assert refusal(check_label_name, "__x", Gate(version), "label") == (
        "label '__x' starts with '__', which Prometheus reserves"
    )
    check_label_name("__x", Gate(version), "annotation")
    check_label_name("__name__", Gate(version), "annotation")
    check_label_name("_x", Gate(version), "label")
