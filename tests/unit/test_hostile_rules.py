"""What a related charm may send as ``alert_rules``, at its worst, and what the charm makes of it.

Each payload has its expected outcome: the rules kept (by name, in order) and one expected
reason for each group or rule dropped (a payload that must be refused whole has one reason and
keeps nothing). ``scope_rules`` never raises, and what it keeps is always a rule file the
checker of that version accepts, scoped to the relation's own topology.
"""

import json

import pytest

from domain.relations.rules_scope import scope_rules
from domain.relations.topology import Topology
from domain.rules import parse_rule_file
from domain.rules.model import MAX_RULE_FILE_BYTES

V2, V3 = (2, 42, 0), (3, 5, 0)
TOPOLOGY = Topology("lma", "1234abcd-0000-4000-8000-000000000000", "api", "api-k8s")
GOOD = {"alert": "Good", "expr": "up < 1"}


def doc(*groups) -> str:
    return json.dumps({"groups": list(groups)})


def group(*rules, name="g", **extra) -> dict:
    return {"name": name, **extra, "rules": list(rules)}


def alert(expr="up", name="A", **extra) -> dict:
    return {"alert": name, "expr": expr, **extra}


def nested(depth: int) -> str:
    return '{"groups": ' + "[" * depth + "]" * depth + "}"


# (id, payload, version, kept rule names, one reason per drop)
CASES = [
    ("malformed JSON", '{"groups": [', V3, [], ["is not valid JSON"]),
    ("trailing garbage", doc(group(GOOD)) + "}", V3, [], ["is not valid JSON"]),
    ("a list, not an object", "[]", V3, [], ["must be a JSON object"]),
    ("a string", '"groups"', V3, [], ["must be a JSON object"]),
    ("groups not a list", '{"groups": {"name": "g"}}', V3, [], ["'groups' must be a list"]),
    ("an unknown top key", '{"groups": [], "files": ["/etc/passwd"]}', V3, [], ["has the key 'files'"]),
    ("a repeated top key", '{"groups": [], "groups": []}', V3, [], ["repeats the key 'groups'"]),
    ("empty object", "{}", V3, [], []),
    ("nothing at all", "", V3, [], []),
    ("groups null", '{"groups": null}', V3, [], []),
    ("over 1 MiB", doc(group(alert(annotations={"x": "a" * MAX_RULE_FILE_BYTES}))), V3, [], ["over the 1048576"]),
    ("10,000 levels deep", nested(10_000), V3, [], ["nests arrays and objects 10001 deep"]),
    ("deep inside labels", doc(group(alert(labels={"a": json.loads(nested(14))})), group(GOOD, name="h")),
     V3, [], ["nests arrays and objects 21 deep, more than the 16 accepted"]),
    ("NaN", '{"groups": [{"name": "g", "limit": NaN, "rules": []}]}', V3, [], ["NaN, which JSON does not have"]),
    ("a 40-digit number", '{"groups": [{"name": "g", "limit": 1' + "0" * 40 + ', "rules": []}]}', V3, [],
     ["a number of 41 digits"]),
    ("a group that is a string", doc("g", group(GOOD)), V3, ["Good"], ["group 1: is not a JSON object"]),
    ("a group without a name", doc({"rules": [GOOD]}, group(GOOD, name="h")), V3, ["Good"],
     ["group 1: has no 'name'"]),
    ("a bad interval", doc(group(GOOD, interval="1 minute"), group(GOOD, name="h")), V3, ["Good"],
     ["group 'g': 'interval' value '1 minute' is not a duration"]),
    ("rules not a list", doc({"name": "g", "rules": {"alert": "A"}}), V3, [], ["group 'g': 'rules' must be a list"]),
    ("an unknown group key", doc(group(GOOD, eval_every="1m")), V3, [], ["group 'g': unknown key 'eval_every'"]),
    ("wrong types in a rule", doc(group({"alert": 5, "expr": ["up"]}, GOOD)), V3, ["Good"],
     ["group 'g' rule 1 (alert '5'): 'expr' must be a single value"]),
    ("alert and record at once", doc(group({"alert": "A", "record": "r", "expr": "up"}, GOOD)), V3, ["Good"],
     ["group 'g' rule 1: has both 'alert' and 'record'"]),
    ("a rule that is a number", doc(group(7, GOOD)), V3, ["Good"],
     ["group 'g' rule 1: must be a mapping of keys to values"]),
    ("invalid PromQL", doc(group(alert("up ((", "Bad"), GOOD, alert("evil()", "Evil"))), V3, ["Good"],
     ["rule 1 (alert 'Bad'): 'expr' calls 'up' at column 1", "rule 3 (alert 'Evil'): 'expr' calls 'evil'"]),
    ("ungrammatical past the tokens", doc(group(alert("up up"), alert("up offset", "B"), GOOD)), V3, ["Good"],
     ["rule 1 (alert 'A'): 'expr' has up at column 4 where an operator belongs",
      "rule 2 (alert 'B'): 'expr' ends where a time or duration belongs"]),
    ("a repeated key in a rule", '{"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", '
     '"expr": "vector(1)"}, {"alert": "Good", "expr": "up"}]}]}', V3, ["Good"],
     ["group 'g' rule 1: repeats the key 'expr'"]),
    ("a repeated key in group labels", '{"groups": [{"name": "g", "labels": {"a": "1", "a": "2"}, "rules": []}]}', V3,
     [], ["group 'g': repeats the key 'a'"]),
    ("duplicate group names", doc(group(alert(name="A")), group(alert(name="B"))), V3, ["A", "B"], []),
    ("query in an annotation", doc(group(alert("vector(1)", annotations={
        "summary": '{{ with query "secret_total{juju_application=\'other\'}" }}{{ . | first | value }}{{ end }}'}),
        GOOD)), V3, ["Good"], ["'summary' calls the template function 'query'"]),
    ("query in a label", doc(group(alert(labels={"x": '{{ "up" | query | len }}'}))), V3, [],
     ["'x' calls the template function 'query'"]),
    ("an unclosed template", doc(group(alert(annotations={"s": "{{ .Labels.job"}), GOOD)), V3, ["Good"],
     ["annotation 's' has a template error"]),
    ("an unknown template function", doc(group(alert(annotations={"s": '{{ exec "sh" }}'}), GOOD)), V3, ["Good"],
     ["annotation 's' has a template error"]),
    ("claimed foreign labels", doc(group(alert(labels={"juju_application": "other", "juju_model": "prod",
                                                       "juju_unit": "other/0", "severity": "page"}))), V3, ["A"], []),
    ("a foreign topology matcher", doc(group(alert('up{juju_application="other"}'), GOOD)), V3, ["Good"],
     ["'expr' matches juju_application=\"other\", outside this relation's own"]),
    ("a regex topology matcher", doc(group(alert('rate(x{juju_model=~".+"}[5m])'), GOOD)), V3, ["Good"],
     ["'expr' matches juju_model=~\".+\""]),
    ("placeholder in braces", doc(group(alert('up{%%juju_topology%%,job="a"} < 1'))), V3, ["A"], []),
    ("placeholder outside braces", doc(group(alert("up %%juju_topology%% < 1"))), V3, ["A"], []),
    ("placeholder twice", doc(group(alert("up{%%juju_topology%%%%juju_topology%%}"))), V3, ["A"], []),
    ("a broken placeholder", doc(group(alert("up{%%juju_topology%}"), GOOD)), V3, ["Good"],
     ["'expr' has % at column 4 inside {...}"]),
    ("a placeholder in a label value", doc(group(alert(labels={"s": "%%juju_topology%%"}))), V3, ["A"], []),
    ("UTF-8 selector on 2.42", doc(group(alert('{"http.requests"} > 1'), GOOD)), V2, ["Good"],
     ["'quoted UTF-8 names' needs Prometheus >= 3.0"]),
    ("UTF-8 selector on 3.x", doc(group(alert('{"http.requests", "juju_application"="api"} > 1'))), V3, ["A"], []),
    ("UTF-8 foreign matcher on 3.x", doc(group(alert('{"http.requests", "juju_application"="b"}'), GOOD)), V3,
     ["Good"], ["'expr' matches juju_application=\"b\""]),
    ("group labels on 2.42", doc(group(GOOD, labels={"team": "a"})), V2, [], ["'labels' needs Prometheus >= 3.0"]),
    ("foreign group labels on 3.x", doc(group(GOOD, labels={"juju_application": "other", "team": "a"})), V3,
     ["Good"], []),
    ("a record forging another's series", doc(group({"record": "up", "expr": "vector(1)",
                                                     "labels": {"juju_application": "other"}})), V3, ["up"], []),
    ("a control character in a name", doc(group(alert(name="A\u0007"), GOOD)), V3, ["Good"],
     ["holds the control character"]),
    ("a lone surrogate", doc(group(alert(annotations={"s": "\ud800"}), GOOD)), V3, ["Good"], ["lone surrogate"]),
    ("a group name posing as another app's", doc(group(GOOD, name="prod_deadbeef_other_rules")), V3, ["Good"], []),
    ("'for' as a number", doc(group(alert(**{"for": 5}), GOOD)), V3, ["Good"], ["'for' value"]),
    ("many rules, one bad", doc(group(*[alert(name=f"R{n}") for n in range(50)], alert("", "Empty"))), V3,
     [f"R{n}" for n in range(50)], ["rule 51 (alert 'Empty'): 'expr' is missing or empty"]),
]


@pytest.mark.parametrize(("payload", "version", "kept", "reasons"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_hostile_payload(payload, version, kept, reasons):
    scoped = scope_rules(payload, TOPOLOGY, version, "metrics-endpoint", 3)

    assert [rule.name for group in scoped.rule_file.groups for rule in group.rules] == kept
    assert len(scoped.dropped) == len(reasons), [str(d) for d in scoped.dropped]
    for drop, reason in zip(scoped.dropped, reasons):
        assert reason in str(drop)
    if kept:
        assert parse_rule_file(scoped.text, version) == scoped.rule_file
    else:
        assert scoped.text == ""
    for group in scoped.rule_file.groups:
        assert group.name.startswith("lma_1234abcd_api_")
        assert not [name for name, _ in group.labels if name.startswith("juju_")]
        for rule in group.rules:
            assert [pair for pair in rule.labels if pair[0].startswith("juju_")] == list(TOPOLOGY.labels)
            for name, value in TOPOLOGY.matchers:  # the selectors themselves: tests/unit/domain/rules/test_inject.py
                unquoted = rule.expr.replace(f'"{name}"=', f"{name}=")  # 3.x: {"juju_application"="api"}
                assert f'{name}="{value}"' in unquoted or rule.expr.startswith("vector(")


def test_the_table_is_at_least_twenty_payloads_long():
    assert len(CASES) >= 20
