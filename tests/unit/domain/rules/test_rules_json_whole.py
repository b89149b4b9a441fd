"""checked_group judges a group whole first: the verdict must be the one rule by rule gives."""

import json

import pytest

from domain.rules.rules_json import DroppedRule, checked_group, load_rule_groups

V2, V3 = (2, 42, 0), (3, 5, 0)
GOOD = [{"alert": f"A{n}", "expr": f'rate(x{{%%juju_topology%%,code=~"5.."}}[5m]) > {n}', "for": "5m",
         "labels": {"severity": "page"}, "annotations": {"summary": "{{ $labels.instance }} down"}}
        for n in range(5)] + [{"record": "job:x:sum", "expr": "sum by (job) (x)"}]
BAD = {"alert": "Bad", "expr": "up{", "for": "5m"}
LOADED = load_rule_groups("{}")


def judged(group, version):
    dropped = []
    return checked_group(group, 1, LOADED, version, dropped), dropped


def rule_by_rule(group, version):
    """Each rule in a group of its own: what the checker keeps of each, numbered as sent."""
    header = {k: v for k, v in group.items() if k != "rules"}
    kept = []
    for number, rule in enumerate(group["rules"], 1):
        found, dropped = judged(dict(header, rules=[rule]), version)
        if found is not None and found[1]:
            kept.append((number, found[1][0][1]))
    return tuple(kept)


@pytest.mark.parametrize("version", [V2, V3])
@pytest.mark.parametrize("header", [{"name": "g"}, {"name": "g", "interval": "30s", "limit": 3}])
def test_a_good_group_keeps_what_each_rule_alone_keeps(version, header):
    group = dict(header, rules=GOOD)
    (checked, kept), dropped = judged(group, version)

    assert dropped == []
    assert checked.rules == () and checked.name == "g"
    assert kept == rule_by_rule(group, version)
    assert [number for number, _ in kept] == list(range(1, len(GOOD) + 1))


@pytest.mark.parametrize("version", [V2, V3])
def test_one_bad_rule_is_dropped_alone_and_named(version):
    group = {"name": "g", "rules": GOOD[:2] + [BAD] + GOOD[2:]}
    (checked, kept), dropped = judged(group, version)

    assert [number for number, _ in kept] == [1, 2, 4, 5, 6, 7]
    assert kept == rule_by_rule(group, version)
    assert len(dropped) == 1 and dropped[0].where.startswith("group 'g' rule 3")


def test_a_bad_header_drops_the_group_whatever_its_rules():
    assert judged({"name": "g", "interval": "soon", "rules": GOOD}, V3)[0] is None


def test_a_repeated_key_in_a_rule_is_still_named():
    loaded = load_rule_groups('{"groups": [{"name": "g", "rules": [{"alert": "A", "alert": "B", "expr": "up"},'
                              '{"alert": "C", "expr": "up"}]}]}')
    dropped = []
    _, kept = checked_group(loaded.groups[0], 1, loaded, V3, dropped)

    assert [number for number, _ in kept] == [2]
    assert dropped == [DroppedRule("group 'g' rule 1", "repeats the key 'alert'")]


def test_an_empty_group_is_judged_as_before():
    (checked, kept), dropped = judged(json.loads('{"name": "g", "rules": []}'), V3)
    assert kept == () and dropped == []
