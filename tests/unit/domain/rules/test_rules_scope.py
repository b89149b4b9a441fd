"""scope_rules: one relation's alert_rules, checked, scoped to the relation and named for it."""

import json

import pytest

from domain.relations.rules_scope import rule_file_name, scope_rules
from domain.relations.topology import Topology
from domain.rules import parse_rule_file
from domain.rules.rules_json import RulesJsonError, load_rule_groups

V3 = (3, 5, 0)
UUID = "1234abcd-0000-4000-8000-000000000000"
TOPOLOGY = Topology("lma", UUID, "api", "api-k8s")
SCOPE = f'juju_model="lma",juju_model_uuid="{UUID}",juju_application="api"'


def scope(groups, topology=TOPOLOGY, version=V3):
    return scope_rules(json.dumps({"groups": groups}), topology, version, "metrics-endpoint", 12)


def test_a_provider_rule_becomes_a_scoped_rule_file():
    sent = [{"name": "lma_1234abcd_api_HostHealth_rules", "rules": [{
        "alert": "HostDown", "expr": "up{%%juju_topology%%} < 1", "for": "5m",
        "labels": {"severity": "critical", "juju_model": "lma", "juju_model_uuid": UUID,
                   "juju_application": "api", "juju_charm": "api-k8s"},
        "annotations": {"summary": "{{ $labels.instance }} is down"}}]}]

    scoped = scope(sent)

    assert scoped.file_name == "juju_lma_1234abcd_api_metrics-endpoint_12.rules"
    assert scoped.dropped == ()
    assert scoped.text == f"""groups:
- name: lma_1234abcd_api_HostHealth_rules
  rules:
  - alert: HostDown
    expr: up{{{SCOPE}}} < 1
    for: 5m
    labels:
      severity: critical
      juju_model: lma
      juju_model_uuid: {UUID}
      juju_application: api
      juju_charm: api-k8s
    annotations:
      summary: '{{{{ $labels.instance }}}} is down'
"""
    assert parse_rule_file(scoped.text, V3) == scoped.rule_file


def test_without_a_charm_name_no_juju_charm_label_is_set_and_a_claimed_one_is_removed():
    topology = Topology("lma", UUID, "api")

    rule = scope([{"name": "g", "rules": [{"record": "r", "expr": "up", "labels": {"juju_charm": "x"}}]}],
                 topology).rule_file.groups[0].rules[0]

    assert rule.labels == topology.matchers


def test_group_names_get_the_identifier_and_stay_unique():
    groups = [{"name": name, "rules": [{"alert": "A", "expr": "up"}]}
              for name in ("g", "lma_1234abcd_api_g", "g", "lma_1234abcd_api_g_2")]

    names = [group.name for group in scope(groups).rule_file.groups]

    assert names == ["lma_1234abcd_api_g", "lma_1234abcd_api_g_2", "lma_1234abcd_api_g_3", "lma_1234abcd_api_g_2_2"]


def test_a_group_left_without_rules_is_not_written():
    scoped = scope([{"name": "g", "rules": [{"alert": "A", "expr": 'up{juju_model="x"}'}]}, {"name": "e", "rules": []}])

    assert scoped.rule_file.groups == ()
    assert scoped.text == ""
    assert [str(d) for d in scoped.dropped] == [
        "alert_rules group 'g' rule 1 (alert 'A'): 'expr' matches juju_model=\"x\", outside this relation's own "
        "juju_model \"lma\""]


def test_kept_rules_keep_their_order_and_group_settings():
    group = {"name": "g", "interval": "1m", "limit": 10, "query_offset": "30s", "rules": [
        {"alert": "A", "expr": "up"}, {"alert": "B", "expr": "up ("}, {"record": "c", "expr": "sum(up)"}]}

    kept = scope([group]).rule_file.groups[0]

    assert [r.name for r in kept.rules] == ["A", "c"]
    assert (kept.interval.text, kept.limit, kept.query_offset.text) == ("1m", 10, "30s")


@pytest.mark.parametrize(("topology", "reason"), [
    (Topology("LMA", UUID, "api"), "the topology's model 'LMA' is not a Juju model"),
    (Topology("lma", "1234", "api"), "the topology's model_uuid '1234' is not a Juju model uuid"),
    (Topology("lma", UUID, "api_x"), "the topology's application 'api_x' is not a Juju application"),
    (Topology("lma", UUID, "api", "x/y"), "the topology's charm name 'x/y' is not a charm name"),
    (Topology("lma", UUID, ""), "the topology's application '' is not a Juju application"),
])
def test_a_topology_that_cannot_scope_keeps_no_rule(topology, reason):
    scoped = scope([{"name": "g", "rules": [{"alert": "A", "expr": "up"}]}], topology)

    assert (scoped.text, [str(d) for d in scoped.dropped]) == ("", [f"alert_rules {reason}"])


def test_file_names_are_configmap_keys():
    long = Topology("m" * 200, UUID, "a" * 200)

    assert rule_file_name(TOPOLOGY, "receive-remote-write", 3) == "juju_lma_1234abcd_api_receive-remote-write_3.rules"
    name = rule_file_name(long, "metrics-endpoint", 7)
    assert len(name) <= 253 and name.startswith("juju_") and name.endswith("_metrics-endpoint_7.rules")
    assert name != rule_file_name(Topology("m" * 200, UUID, "a" * 199), "metrics-endpoint", 7)


def test_json_bounds_are_checked_before_decoding():
    with pytest.raises(RulesJsonError, match="nests arrays and objects 17 deep"):
        load_rule_groups('{"groups": ["[' + "[" * 15 + "]" * 15 + ']"]}' + "[" * 17 + "]" * 17)
    assert load_rule_groups('{"groups": ["' + "[" * 100 + '"]}').groups == ("[" * 100,)  # inside a string


def test_the_output_is_the_same_on_every_call():
    groups = [{"name": "g", "rules": [{"alert": f"A{n}", "expr": f"rate(x{n}[5m]) > {n}"} for n in range(20)]}]

    assert scope(groups) == scope(groups)
