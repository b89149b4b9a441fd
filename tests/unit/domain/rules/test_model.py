"""The typed rule file: a rule's ``name`` (what messages about a rule quote) is its alert name or
its record name, whichever the rule has."""

from domain.rules import Rule, parse_rule_file
from domain.values.version import NEWEST
from tests.unit.domain.rules.cases import TYPICAL


def test_a_rule_is_named_by_its_alert_or_its_record():
    groups = parse_rule_file(TYPICAL, NEWEST).groups

    assert [[rule.name for rule in group.rules] for group in groups] == [
        ["HostDown", "job:up:sum"], ["job:request_errors:ratio_rate5m"]]


def test_a_rule_built_without_either_name_has_an_empty_one():
    assert Rule(expr="up").name == ""
    assert Rule(expr="up", alert="A", record="r").name == "A"
