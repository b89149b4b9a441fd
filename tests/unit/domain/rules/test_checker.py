"""parse_rule_file accepts what the image's Prometheus loads, names the first problem, and renders
losslessly."""

import pytest

from domain.errors import RuleError
from domain.rules import MAX_RULE_FILE_BYTES, Rule, RuleFile, RuleGroup, parse_rule_file, render_rule_file
from domain.values.duration import Duration
from domain.values.version import NEWEST
from tests.unit.domain.rules.cases import ALIASES, INVALID, NULL_FIELDS, TYPICAL, VALID, annotated, rules_yaml

V2_42 = (2, 42, 0)
VERSIONS = pytest.mark.parametrize("version", [V2_42, NEWEST], ids=["2.42", "latest"])


@VERSIONS
@pytest.mark.parametrize("text", VALID)
def test_valid_rule_file_parses(text, version):
    rule_file = parse_rule_file(text, version)

    assert isinstance(rule_file, RuleFile)


@VERSIONS
@pytest.mark.parametrize("text", VALID)
def test_rendered_rule_file_parses_back_to_the_same_value(text, version):
    rule_file = parse_rule_file(text, version)

    again = parse_rule_file(render_rule_file(rule_file), version)

    assert again == rule_file


@VERSIONS
@pytest.mark.parametrize("text, fragments, kind", INVALID)
def test_invalid_rule_file_is_refused_with_a_message_naming_the_place(text, fragments, kind, version):
    with pytest.raises(RuleError) as caught:
        parse_rule_file(text, version)

    message = str(caught.value)
    assert [fragment for fragment in fragments if fragment not in message] == [], message
    assert "\n" not in message
    assert message == message.strip()


def test_the_message_of_the_brief_reads_as_promised():
    text = rules_yaml({"alert": "Up", "expr": "up"}, {"alert": "HostDown", "expr": "up == 0", "for": "5 minutes"})

    with pytest.raises(RuleError) as caught:
        parse_rule_file(text, NEWEST)

    assert str(caught.value) == (
        "group 'node' rule 2 (alert 'HostDown'): 'for' value '5 minutes' is not a duration such as "
        "30s, 1h30m or 500ms"
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "# nothing yet\n"])
def test_blank_text_gives_no_groups(text):
    assert parse_rule_file(text, NEWEST) == RuleFile(groups=())


def test_a_typical_file_becomes_typed_values():
    rule_file = parse_rule_file(TYPICAL, NEWEST)

    node, apiserver = rule_file.groups
    host_down, job_up = node.rules
    assert (node.name, node.interval, node.limit) == ("node", Duration.parse("30s"), 100)
    assert (host_down.alert, host_down.record, host_down.name) == ("HostDown", None, "HostDown")
    assert host_down.expr == 'up{job="node"} == 0'
    assert (host_down.for_, host_down.keep_firing_for) == (Duration.parse("5m"), Duration.parse("10m"))
    assert host_down.labels == (("severity", "page"),)
    assert host_down.annotations[1][1].endswith("Value: {{ $value | humanize }}\n")
    assert (job_up.alert, job_up.record, job_up.name, job_up.labels) == (
        None, "job:up:sum", "job:up:sum", (("team", "infra"),)
    )
    assert (apiserver.interval, apiserver.limit) == (None, None)
    assert apiserver.rules[0].expr.startswith("sum by (job)")


def test_yaml_scalars_keep_the_text_prometheus_reads():
    text = rules_yaml({"alert": "A", "expr": 1.50, "labels": {"n": 1.0, "flag": True, "z": "007"}})

    rule = parse_rule_file(text, NEWEST).groups[0].rules[0]

    assert rule.expr == "1.5"
    assert rule.labels == (("n", "1.0"), ("flag", "true"), ("z", "007"))


def test_yaml_text_is_kept_as_written_not_as_python_reads_it():
    text = "groups:\n- name: n\n  rules:\n  - record: r\n    expr: 0x1F\n    labels: {a: 1:30, b: yes, c: 1e3}\n"

    rule = parse_rule_file(text, NEWEST).groups[0].rules[0]

    assert rule.expr == "0x1F"
    assert rule.labels == (("a", "1:30"), ("b", "yes"), ("c", "1e3"))


def test_aliases_are_expanded():
    first, second = parse_rule_file(ALIASES, NEWEST).groups[0].rules

    assert first.labels == second.labels == (("team", "infra"),)


def test_null_optional_fields_are_absent():
    group = parse_rule_file(NULL_FIELDS, NEWEST).groups[0]

    assert (group.interval, group.limit) == (None, None)
    assert group.rules[0] == Rule(expr="up", alert="A")


def test_a_file_of_exactly_the_limit_is_accepted():
    text = "# " + "x" * (MAX_RULE_FILE_BYTES - len("# \ngroups: []\n")) + "\ngroups: []\n"

    assert len(text.encode("utf-8")) == MAX_RULE_FILE_BYTES
    assert parse_rule_file(text, NEWEST) == RuleFile(groups=())


def test_a_file_rendering_to_exactly_the_limit_is_accepted():
    def rendered(size: int) -> str:
        rule = Rule(expr="up", alert="A", annotations=(("a", "x" * size),))
        return render_rule_file(RuleFile(groups=(RuleGroup("g", None, None, (rule,)),)))

    size = MAX_RULE_FILE_BYTES - len(rendered(1)) + 1
    text = rendered(size)

    assert len(text.encode("utf-8")) == MAX_RULE_FILE_BYTES
    assert parse_rule_file(text, NEWEST).groups[0].rules[0].annotations == (("a", "x" * size),)


def test_parentheses_nested_past_python_recursion_are_a_rule_error():
    text = annotated("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}")

    with pytest.raises(RuleError) as caught:
        parse_rule_file(text, NEWEST)
    assert str(caught.value) == "the rule file nests lists, mappings or parentheses too deeply"


@pytest.mark.parametrize("character", ["\x9b", "\u2028", "\u2029", "\x1b"])
def test_text_in_a_rule_file_follows_the_one_text_rule_of_the_charm(character):
    """The rule file refuses what every other option refuses (domain.values.text), layout aside."""
    text = rules_yaml({"alert": "A", "expr": "up", "annotations": {"summary": f"a{character}b"}})

    with pytest.raises(RuleError, match="control character"):
        parse_rule_file(text, NEWEST)
    assert parse_rule_file(rules_yaml({"alert": "A", "expr": "up", "annotations": {"summary": "a\n\tb"}}), NEWEST)
