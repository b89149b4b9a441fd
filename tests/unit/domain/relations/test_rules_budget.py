"""Relation rule files against the configuration ConfigMap's 1 MiB: one relation whose rules
alone could not fit is dropped alone, with the reason; many that fit alone but not together
are refused with how much must go."""

import json

import pytest

from domain.container import PROMETHEUS_YML
from domain.kubernetes.budget import CONFIG_MAP_LIMIT, SpecTooLarge
from domain.relations.data import Bag
from domain.relations.rules_scope import scope_rules
from domain.relations.topology import Topology
from tests.support.scrape_relations import MODEL_UUID, metadata, plan_with, scrape_relation

V2 = (2, 53, 0)


def alert_rules(app: str, note: int, rules: int = 4) -> str:
    return json.dumps({"groups": [{"name": "g", "rules": [
        {"alert": f"A{i}", "expr": "up == 0", "annotations": {"note": "n" * note}} for i in range(rules)]}]})


def with_rules(app: str, rid: int, rules: str):
    relation = scrape_relation(app, rid, meta=metadata(app, uuid_=MODEL_UUID))
    return relation.__class__(relation.endpoint, relation.relation_id, relation.remote_app,
                              Bag.of(app, dict(relation.app.items, alert_rules=rules)), relation.units)


def scoped_size(app: str, rid: int, rules: str) -> int:
    topology = Topology("lma", MODEL_UUID, app, "some-charm")
    return len(scope_rules(rules, topology, V2, "metrics-endpoint", rid).text.encode())


def event(plan, rid):
    [write] = [w for w in plan.relation_writes if w.relation_id == rid and w.app]
    return json.loads(dict(write.items)["event"])


def test_a_relation_whose_rules_alone_cannot_fit_is_dropped_alone_with_the_reason():
    note = 255_000
    size = scoped_size("big", 1, alert_rules("big", note))
    note += (CONFIG_MAP_LIMIT - 500 - size) // 4  # the file ends up 500 bytes under 1 MiB:
    big = alert_rules("big", note)                  # beyond the room beside the charm's own files
    assert CONFIG_MAP_LIMIT - 600 < scoped_size("big", 1, big) <= CONFIG_MAP_LIMIT

    plan = plan_with([with_rules("big", 1, big), with_rules("api", 2, alert_rules("api", 10))])

    names = [name for name, _ in plan.files.files]
    assert "juju_lma_12345678_api_metrics-endpoint_2.rules" in names
    assert not any("_big_" in name for name in names)
    [note_] = [d for d in plan.dropped if d.relation == "metrics-endpoint:1"]
    assert note_.owner == "big" and "more than the" in note_.reason and "one relation may" in note_.reason
    assert event(plan, 1)["valid"] is False and "none of its rules are used" in event(plan, 1)["errors"]
    assert event(plan, 2)["valid"] is True


def test_relations_whose_rules_fit_alone_but_not_together_are_refused_saying_by_how_much():
    relations = [with_rules(f"app{n}", n, alert_rules(f"app{n}", 100_000)) for n in range(3)]
    each = scoped_size("app0", 0, alert_rules("app0", 100_000))

    with pytest.raises(SpecTooLarge) as raised:
        plan_with(relations)

    message = str(raised.value)
    total = int(message.split("which would be ")[1].split(" bytes")[0])
    assert message.startswith(f"the alert rules of 3 relations take {3 * each} bytes of the configuration ConfigMap")
    assert f"{total - CONFIG_MAP_LIMIT} more than the {CONFIG_MAP_LIMIT} Kubernetes stores" in message
    assert "ConfigMap prometheus-cfg-config would be" in message  # the budget's own account follows
    fitting = plan_with(relations[:2])
    two = sum(len(c.encode()) for _, c in fitting.files.files)
    assert two + each < total < two + each + 2_000  # the third rule file and the third scrape job
    assert PROMETHEUS_YML in dict(fitting.files.files)
