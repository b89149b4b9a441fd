"""The rule-file schema as Prometheus reads it (https://prometheus.io/docs/prometheus/latest/
configuration/recording_rules/#rule-group): each refusal's message names the group, the rule and
the field exactly, and each field lands in the typed value."""

import pytest

from domain.errors import RuleError
from domain.rules import parse_rule_file
from domain.values.duration import Duration
from domain.values.version import NEWEST
from tests.unit.domain.rules.cases import alert, rules_yaml

V2_42 = (2, 42, 0)
GROUP = "group 'node'"
HOST_DOWN = "group 'node' rule 1 (alert 'HostDown')"


def refusal(text: str, version=NEWEST) -> str:
    with pytest.raises(RuleError) as caught:
        parse_rule_file(text, version)
    return str(caught.value)


@pytest.mark.parametrize("text, message", [
    ("- 1\n", "the rule file must be a yaml mapping with a 'groups' list"),
    ("rules: []\n", "the rule file: unknown key 'rules' (known: groups)"),
    ("groups: []\ngroups: []\n", "the rule file: key 'groups' appears twice"),
    ("groups:\n", "the rule file has no 'groups' list"),
    ("groups: {}\n", "'groups' must be a list"),
    ("groups:\n- 1\n", "group 1 must be a mapping of keys to values"),
    ("groups:\n- rules: []\n", "group 1 has no 'name'; every group needs one"),
    ("groups:\n- name: ''\n  rules: []\n", "group 1 has no 'name'; every group needs one"),
    ("groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n",
     "group 'a' appears twice; group names must be unique"),
    ("groups:\n- name: a\n  rules: []\n- rules: []\n", "group 2 has no 'name'; every group needs one"),
    ("groups:\n- name: a\n", "group 'a' has no 'rules' list"),
    ("groups:\n- name: a\n  rules:\n", "group 'a' has no 'rules' list"),
    ("groups:\n- name: a\n  rules: 1\n", "group 'a': 'rules' must be a list"),
    ("groups:\n- name: a\n  nom: 1\n  rules: []\n",
     "group 'a': unknown key 'nom' (known: name, interval, query_offset, limit, labels, rules)"),
    ("groups:\n- nom: 1\n  rules: []\n",
     "group 1: unknown key 'nom' (known: name, interval, query_offset, limit, labels, rules)"),
    ("groups:\n- name: ~\n  nom: 1\n  rules: []\n",
     "group 1: unknown key 'nom' (known: name, interval, query_offset, limit, labels, rules)"),
    ("groups:\n- name: [a]\n  rules: []\n", "group 1: 'name' must be a single value, not a list or mapping"),
    (rules_yaml({"alert": None, "expr": "up", "nom": 1}),
     "group 'node' rule 1: unknown key 'nom' (known: alert, record, expr, for, keep_firing_for, labels, annotations)"),
    (rules_yaml(limit="10"), "group 'node': 'limit' value '10' is not a whole number such as 0 or 100"),
    (rules_yaml(limit=-1), "group 'node': 'limit' value '-1' is not a whole number such as 0 or 100"),
    (rules_yaml(limit=1.5), "group 'node': 'limit' value '1.5' is not a whole number such as 0 or 100"),
    (rules_yaml(limit=[1]), "group 'node': 'limit' must be a single value, not a list or mapping"),
    (rules_yaml(interval={"m": 5}), "group 'node': 'interval' must be a single value, not a list or mapping"),
    (alert(**{"for": ["5m"]}), f"{HOST_DOWN}: 'for' must be a single value, not a list or mapping"),
    (rules_yaml(interval="5 minutes and 30 seconds"),
     "group 'node': 'interval' value '5 minutes and 30 seconds' is not a duration such as 30s, 1h30m or 500ms"),
    (rules_yaml(interval="thirty seconds, or a minute when it is busy"),
     "group 'node': 'interval' value 'thirty seconds, or a minute when it is b...' (43 characters) is not a "
     "duration such as 30s, 1h30m or 500ms"),
    ("groups:\n- name: node\n  limit: 010\n  rules: []\n",
     "group 'node': 'limit' value '010' is not a whole number such as 0 or 100"),
    (rules_yaml(interval="5 minutes"),
     "group 'node': 'interval' value '5 minutes' is not a duration such as 30s, 1h30m or 500ms"),
    (rules_yaml(1), "group 'node' rule 1 must be a mapping of keys to values"),
    (rules_yaml({"expr": "up"}), "group 'node' rule 1 has neither 'alert' nor 'record'"),
    (rules_yaml({"alert": "A", "record": "r", "expr": "up"}),
     "group 'node' rule 1 has both 'alert' and 'record'; a rule is one or the other"),
    (rules_yaml({"alert": "A", "expr": "up", "nom": 1}),
     "group 'node' rule 1 (alert 'A'): unknown key 'nom' (known: alert, record, expr, for, keep_firing_for, "
     "labels, annotations)"),
    (rules_yaml({"record": "r", "expr": "up", "nom": 1}),
     "group 'node' rule 1 (record 'r'): unknown key 'nom' (known: alert, record, expr, for, keep_firing_for, "
     "labels, annotations)"),
    (rules_yaml({"alert": "", "expr": "up"}), "group 'node' rule 1: 'alert' is empty"),
    (rules_yaml({"alert": "Host\nDown", "expr": "up"}),
     "group 'node' rule 1 (alert 'Host\\nDown'): its name holds the control character \\n"),
    (rules_yaml({"record": "r\x7f", "expr": "up"}),
     "group 'node' rule 1 (record 'r\\x7f'): its name holds the control character \\x7f"),
    (rules_yaml({"record": None, "expr": "up"}), "group 'node' rule 1: 'record' is empty"),
    (rules_yaml({"record": "a{b}", "expr": "up"}),
     "group 'node' rule 1 (record 'a{b}'): a recording rule name must be a metric name such as job:up:sum, "
     "without { or }"),
    (rules_yaml({"record": "r", "expr": "up", "for": "5m"}),
     "group 'node' rule 1 (record 'r'): 'for' is only allowed on alerting rules"),
    (rules_yaml({"record": "r", "expr": "up", "keep_firing_for": "5m"}),
     "group 'node' rule 1 (record 'r'): 'keep_firing_for' is only allowed on alerting rules"),
    (rules_yaml({"record": "r", "expr": "up", "annotations": {"a": "b"}}),
     "group 'node' rule 1 (record 'r'): 'annotations' is only allowed on alerting rules"),
    (rules_yaml({"alert": "A"}), "group 'node' rule 1 (alert 'A'): 'expr' is missing or empty"),
    (rules_yaml({"alert": "A", "expr": "  "}), "group 'node' rule 1 (alert 'A'): 'expr' is missing or empty"),
    (alert("up)"), f"{HOST_DOWN}: 'expr' has a ')' at column 3 that closes nothing"),
    (alert(keep_firing_for="soon"),
     f"{HOST_DOWN}: 'keep_firing_for' value 'soon' is not a duration such as 30s, 1h30m or 500ms"),
    (alert(labels={"severity": None}),
     f"{HOST_DOWN}: label 'severity' has no value; write '' for an empty one"),
    (alert(annotations={"summary": None}),
     f"{HOST_DOWN}: annotation 'summary' has no value; write '' for an empty one"),
    (alert(labels={"a": "{{ end }}"}), f"{HOST_DOWN}: label 'a' has a template error: {{{{end}}}} closes nothing"),
    (alert(annotations={"a": "{{ end }}"}),
     f"{HOST_DOWN}: annotation 'a' has a template error: {{{{end}}}} closes nothing"),
    (alert(labels={"__x": "1"}), f"{HOST_DOWN}: label '__x' starts with '__', which Prometheus reserves"),
    (alert(labels=[1]), f"{HOST_DOWN}: 'labels' must be a mapping of keys to values"),
    (alert(annotations=[1]), f"{HOST_DOWN}: 'annotations' must be a mapping of keys to values"),
    (rules_yaml({"record": "r", "expr": "up"}, labels=[1]),
     "group 'node': 'labels' must be a mapping of keys to values"),
])
def test_a_rule_file_prometheus_refuses_is_named_exactly(text, message):
    assert refusal(text) == message


@pytest.mark.parametrize("text, message", [
    (rules_yaml({"record": "r", "expr": "up"}, limit=1),
     "group 'node': 'limit' needs Prometheus >= 2.31.0 (image is 2.30.0)"),
    ("groups:\n- limit: 1\n  rules: []\n", "group 1: 'limit' needs Prometheus >= 2.31.0 (image is 2.30.0)"),
    (alert(keep_firing_for="5m"),
     f"{HOST_DOWN}: 'keep_firing_for' needs Prometheus >= 2.42.0 (image is 2.30.0)"),
])
def test_a_key_older_prometheus_does_not_read_is_refused_by_name(text, message):
    assert refusal(text, (2, 30, 0)) == message


def test_a_recording_rule_does_not_template_its_labels_and_an_alert_does():
    text = rules_yaml({"record": "r", "expr": "up", "labels": {"a": "{{ end }}"}})

    rule = parse_rule_file(text, V2_42).groups[0].rules[0]

    assert rule.labels == (("a", "{{ end }}"),)
    assert "template error" in refusal(alert(labels={"a": "{{ end }}"}), V2_42)


def test_null_fields_read_as_absent():
    text = rules_yaml({"alert": "A", "expr": "up", "for": None, "labels": None, "annotations": None}, interval=None)

    group = parse_rule_file(text, NEWEST).groups[0]

    assert (group.interval, group.limit, group.query_offset, group.labels) == (None, None, None, ())
    rule = group.rules[0]
    assert (rule.for_, rule.keep_firing_for, rule.labels, rule.annotations) == (None, None, (), ())


def test_each_field_lands_in_its_place():
    text = rules_yaml(
        {"alert": "A", "expr": "up", "for": "1m", "keep_firing_for": "2m", "labels": {"l": "v"},
         "annotations": {"a": "b"}},
        {"record": "r", "expr": "sum(up)"},
        interval="30s", limit=0, query_offset="1m",
    )

    group = parse_rule_file(text, NEWEST).groups[0]

    assert (group.name, group.interval, group.limit, group.query_offset) == (
        "node", Duration.parse("30s"), 0, Duration.parse("1m"))
    first, second = group.rules
    assert (first.alert, first.record, first.expr) == ("A", None, "up")
    assert (first.for_, first.keep_firing_for) == (Duration.parse("1m"), Duration.parse("2m"))
    assert (first.labels, first.annotations) == ((("l", "v"),), (("a", "b"),))
    assert (second.alert, second.record, second.expr, second.for_) == (None, "r", "sum(up)", None)


def test_groups_keep_their_order_and_numbers():
    text = "groups:\n- name: a\n  rules: []\n- name: b\n  rules:\n  - alert: X\n  - record: r\n    expr: up\n"

    assert refusal(text) == "group 'b' rule 1 (alert 'X'): 'expr' is missing or empty"
    good = "groups:\n- name: a\n  rules: []\n- name: b\n  rules: []\n"
    assert [group.name for group in parse_rule_file(good, NEWEST).groups] == ["a", "b"]


def test_group_labels_are_judged_by_version_and_rule_labels_are_not():
    text = rules_yaml({"alert": "A", "expr": "up", "labels": {"a": "b"}}, labels={"team": "infra"})

    assert refusal(text, V2_42) == "group 'node': 'labels' needs Prometheus >= 3.0.0 (image is 2.42.0)"
    assert parse_rule_file(text, NEWEST).groups[0].labels == (("team", "infra"),)
    assert parse_rule_file(rules_yaml({"alert": "A", "expr": "up", "labels": {"a": "b"}}), V2_42)


# Numbers are bounded before Python reads them: int() refuses more than 4300 digits with a
# ValueError (Python >= 3.11), which no caller would turn into a message.
NINES = "9" * 5000


def group_with(key: str, value: str) -> str:
    return f"groups:\n- name: node\n  {key}: {value}\n  rules:\n  - alert: A\n    expr: up\n"


def rule_with(key: str, value: str) -> str:
    return f"groups:\n- name: node\n  rules:\n  - alert: A\n    expr: up\n    {key}: {value}\n"


@pytest.mark.parametrize("text, message", [
    (group_with("limit", NINES),
     "group 'node': 'limit' value '999999999999999999999999999...' (5000 digits) is over 9223372036854775807, "
     "the largest Prometheus reads"),
    (group_with("limit", str(2**63)),
     "group 'node': 'limit' value '9223372036854775808' (19 digits) is over 9223372036854775807, "
     "the largest Prometheus reads"),
    (group_with("limit", "1" + "0" * 19),
     "group 'node': 'limit' value '10000000000000000000' (20 digits) is over 9223372036854775807, "
     "the largest Prometheus reads"),
    (group_with("interval", NINES + "s"),
     "group 'node': 'interval' value '999999999999999999999999999...' has 5001 characters; no duration "
     "Prometheus can hold needs more than 64"),
    (group_with("query_offset", "1" * 65),
     "group 'node': 'query_offset' value '111111111111111111111111111...' has 65 characters; no duration "
     "Prometheus can hold needs more than 64"),
    (rule_with("for", NINES + "m"),
     "group 'node' rule 1 (alert 'A'): 'for' value '999999999999999999999999999...' has 5001 characters; "
     "no duration Prometheus can hold needs more than 64"),
    (rule_with("keep_firing_for", "0" * 5000 + "1s"),
     "group 'node' rule 1 (alert 'A'): 'keep_firing_for' value '000000000000000000000000000...' has 5002 "
     "characters; no duration Prometheus can hold needs more than 64"),
    (rule_with("for", "9223372036855ms"),
     "group 'node' rule 1 (alert 'A'): 'for' value '9223372036855ms' is longer than Prometheus can represent"),
    (rule_with("for", '"5m\\0"'),
     "group 'node' rule 1 (alert 'A'): 'for' value '5m\\x00' is not a duration such as 30s, 1h30m or 500ms"),
])
def test_numbers_past_what_prometheus_holds_are_refused_before_they_are_read(text, message):
    assert refusal(text) == message


@pytest.mark.parametrize("key, value, read", [
    ("limit", str(2**63 - 1), 2**63 - 1),
    ("interval", "106751d23h47m16s854ms", Duration.parse("9223372036854ms")),
    ("interval", "0" * 62 + "1s", Duration.parse("1s")),
])
def test_the_largest_numbers_prometheus_holds_are_read(key, value, read):
    group = parse_rule_file(group_with(key, value), NEWEST).groups[0]

    assert getattr(group, key) == read
