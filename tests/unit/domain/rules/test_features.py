"""Each feature is read from the release that introduced it, refused before it (or from the release
that removed it), experimental ones always; the message names the feature and both versions."""

from typing import Tuple

import pytest

from domain.errors import RuleError
from domain.rules import parse_rule_file, render_rule_file
from domain.rules.features import FEATURES, Gate, show_version
from domain.values.version import NEWEST
from tests.unit.domain.rules.cases import VERSIONED, rules_yaml

Version = Tuple[int, int, int]


def just_before(version: Version) -> Version:
    """The last release line before ``version``: 2.53.0 before 2.54.0, 2.55.0 before 3.0.0."""
    major, minor, _ = version
    return (major, minor - 1, 0) if minor else (major - 1, 55, 0)


def refused_at(text: str, version: Version) -> str:
    with pytest.raises(RuleError) as caught:
        parse_rule_file(text, version)
    return str(caught.value)


@pytest.mark.parametrize("text, key, fragments", VERSIONED)
def test_a_feature_is_judged_by_the_version_of_the_image(text: str, key: str, fragments: Tuple[str, ...]) -> None:
    feature = FEATURES[key]
    if feature.flag:
        message = refused_at(text, NEWEST)
        assert f"--enable-feature={feature.flag}" in message and feature.shown in message, message
        return
    if feature.since is not None:
        old = just_before(feature.since)
        message = refused_at(text, old)
        assert f"'{feature.shown}' needs Prometheus >= {show_version(feature.since)} (image is {show_version(old)})" \
            in message, message
        assert [fragment for fragment in fragments if fragment not in message] == [], message
        parsed = parse_rule_file(text, feature.since)
        assert parse_rule_file(render_rule_file(parsed), feature.since) == parsed
    if feature.until is not None:
        message = refused_at(text, feature.until)
        assert f"'{feature.shown}' was removed in Prometheus {show_version(feature.until)}" in message, message
        parse_rule_file(text, just_before(feature.until))


def test_the_message_names_the_feature_and_both_versions() -> None:
    text = rules_yaml({"record": "r", "expr": "up"}, group="g", query_offset="1m")

    assert refused_at(text, (2, 42, 0)) == "group 'g': 'query_offset' needs Prometheus >= 2.53.0 (image is 2.42.0)"


def test_holt_winters_is_read_by_2_x_and_refused_by_3_x() -> None:
    text = rules_yaml({"alert": "A", "expr": "holt_winters(x[10m], 0.5, 0.5) > 0"}, group="g")

    parse_rule_file(text, (2, 53, 0))
    assert refused_at(text, (3, 5, 3)).endswith(
        "'expr' at column 1: 'holt_winters' was removed in Prometheus 3.0.0 (image is 3.5.3)"
    )


def test_every_row_names_a_source_and_a_version_or_a_flag() -> None:
    for key, feature in FEATURES.items():
        assert feature.source.startswith("https://"), key
        assert feature.since or feature.until or feature.flag, key


def test_a_row_cites_the_changelog_section_or_the_page_given() -> None:
    assert FEATURES["limit"].source == "https://github.com/prometheus/prometheus/blob/main/CHANGELOG.md#2310--2021-11-02"
    assert FEATURES["else with"].source == "https://go.dev/doc/go1.23#text/template"
    assert FEATURES["group labels"].source == "https://github.com/prometheus/prometheus/pull/11474"


def test_an_experimental_feature_names_the_flag_prometheus_needs() -> None:
    assert Gate((2, 54, 0)).refusal("limitk") == (
        "'limitk' is experimental in Prometheus (--enable-feature=promql-experimental-functions), "
        "which the charm does not enable"
    )


def test_a_removed_feature_names_a_version_less_image_latest() -> None:
    assert Gate(NEWEST).refusal("holt_winters") == "'holt_winters' was removed in Prometheus 3.0.0 (image is latest)"


def test_a_version_less_image_is_the_newest() -> None:
    gate = Gate(NEWEST)

    assert [key for key in FEATURES if not gate.reads(key)] == [
        key for key, feature in FEATURES.items() if feature.flag or feature.until
    ]


def test_the_config_parser_judges_the_rules_for_the_image_version() -> None:
    from domain.config.parse import parse_config
    from domain.errors import ConfigErrors
    from tests.support.builders import options

    raw = options(alert_rules=rules_yaml({"record": "r", "expr": "up"}, group="g", query_offset="1m"))

    with pytest.raises(ConfigErrors) as caught:
        parse_config(raw, (2, 42, 0))
    assert str(caught.value) == "alert-rules: group 'g': 'query_offset' needs Prometheus >= 2.53.0 (image is 2.42.0)"
    assert parse_config(raw, (2, 53, 0)).alert_rules.groups[0].query_offset is not None
