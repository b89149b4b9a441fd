"""RulesMemo: relations' rule judgements remembered between hooks, keyed on every input.

A warm memo (the entries an earlier plan kept) must answer exactly what judging would: the
same plan, byte for byte, for the good set and for every row of the hostile relations table.
"""

import json
from dataclasses import replace
from typing import Tuple

import pytest

from domain.plan import Plan
from domain.relations.endpoints import METRICS_ENDPOINT, RECEIVE_REMOTE_WRITE
from domain.relations.rules_memo import MAX_DROPPED, MAX_TEXT_CHARS, Judged, RulesMemo, memo_key
from domain.relations.rules_scope import scope_rules
from domain.relations.topology import Topology
from tests.support.builders import make_config
from tests.support.hostile_relations import GOOD_SET, facts_with
from tests.unit.test_hostile_relations import NEWER, ROWS

STAMP = "stamp-1"
UUID = "1234abcd-0000-4000-8000-000000000000"
TOPOLOGY = Topology("lma", UUID, "api", "api-k8s")
V2 = (2, 53, 0)
RULES = json.dumps({"groups": [{"name": "g", "rules": [
    {"alert": "Down", "expr": "up == 0", "for": "1m", "labels": {"severity": "page"}}]}]})
# One rule kept, one left out: the memo must carry both the text and the reason.
MIXED = json.dumps({"groups": [{"name": "g", "rules": [
    {"alert": "Down", "expr": "up == 0"}, {"alert": "Bad", "expr": "up ==== 0"}]}]})
INPUTS = (RULES, TOPOLOGY, V2, METRICS_ENDPOINT, 7)


def cold(memo: RulesMemo, *inputs) -> Judged:
    found = memo.scoped(*inputs)
    assert memo.judged == 1
    return found


def warm(memo: RulesMemo, stamp: str = STAMP) -> RulesMemo:
    """A memo for the next hook: what ``memo`` kept, through JSON as the adapter stores it."""
    return RulesMemo(stamp, json.loads(json.dumps(memo.kept())))


def test_the_same_inputs_are_answered_from_the_memo():
    first = RulesMemo(STAMP)
    judged = cold(first, *INPUTS)

    second = warm(first)
    found = second.scoped(*INPUTS)

    assert (second.judged, second.reused) == (0, 1)
    assert found == judged
    direct = scope_rules(*INPUTS)
    assert (found.file_name, found.text, found.dropped) == (direct.file_name, direct.text, direct.dropped)
    assert found.text.startswith("groups:\n") and 'juju_application="api"' in found.text


def test_reasons_of_rules_left_out_come_back_the_same():
    first = RulesMemo(STAMP)
    judged = cold(first, MIXED, TOPOLOGY, V2, METRICS_ENDPOINT, 7)
    assert judged.dropped and judged.text  # one kept, one left out

    second = warm(first)

    assert second.scoped(MIXED, TOPOLOGY, V2, METRICS_ENDPOINT, 7) == judged and second.judged == 0
    assert [str(rule) for rule in judged.dropped] == [str(rule) for rule in scope_rules(
        MIXED, TOPOLOGY, V2, METRICS_ENDPOINT, 7).dropped]


CHANGED = {
    "rules text": (RULES.replace("1m", "2m"), TOPOLOGY, V2, METRICS_ENDPOINT, 7),
    "model": (RULES, replace(TOPOLOGY, model="other"), V2, METRICS_ENDPOINT, 7),
    "model_uuid": (RULES, replace(TOPOLOGY, model_uuid=UUID.replace("1234", "4321")), V2, METRICS_ENDPOINT, 7),
    "application": (RULES, replace(TOPOLOGY, application="web"), V2, METRICS_ENDPOINT, 7),
    "charm": (RULES, replace(TOPOLOGY, charm="web-k8s"), V2, METRICS_ENDPOINT, 7),
    "charm unknown": (RULES, replace(TOPOLOGY, charm=""), V2, METRICS_ENDPOINT, 7),
    "version": (RULES, TOPOLOGY, (3, 5, 0), METRICS_ENDPOINT, 7),
    "patch version": (RULES, TOPOLOGY, (2, 53, 1), METRICS_ENDPOINT, 7),
    "endpoint": (RULES, TOPOLOGY, V2, RECEIVE_REMOTE_WRITE, 7),
    "relation id": (RULES, TOPOLOGY, V2, METRICS_ENDPOINT, 8),
}


@pytest.mark.parametrize("changed", CHANGED.values(), ids=CHANGED.keys())
def test_any_changed_input_is_judged_again(changed):
    first = RulesMemo(STAMP)
    cold(first, *INPUTS)

    second = warm(first)
    found = second.scoped(*changed)

    assert (second.judged, second.reused) == (1, 0)
    assert memo_key(STAMP, *changed) != memo_key(STAMP, *INPUTS)
    assert (found.file_name, found.text) == (scope_rules(*changed).file_name, scope_rules(*changed).text)


def test_another_stamp_is_judged_again():
    first = RulesMemo(STAMP)
    cold(first, *INPUTS)

    second = warm(first, stamp="stamp-2")
    second.scoped(*INPUTS)

    assert (second.judged, second.reused) == (1, 0)


def test_keys_do_not_run_fields_together():
    # "lma" + "x" and "lmax" + "": a plain concatenation of the fields would not tell them apart
    joined = memo_key(STAMP, RULES, Topology("lma", UUID, "x"), V2, METRICS_ENDPOINT, 7)
    moved = memo_key(STAMP, RULES, Topology("lmax", UUID, ""), V2, METRICS_ENDPOINT, 7)
    assert joined != moved
    assert memo_key(STAMP + RULES[:1], RULES[1:], TOPOLOGY, V2, METRICS_ENDPOINT, 7) != memo_key(STAMP, *INPUTS)


def test_kept_entries_are_exactly_those_used():
    first = RulesMemo(STAMP)
    for rid in (1, 2, 3):
        first.scoped(RULES, TOPOLOGY, V2, METRICS_ENDPOINT, rid)
    keys = {rid: memo_key(STAMP, RULES, TOPOLOGY, V2, METRICS_ENDPOINT, rid) for rid in (1, 2, 3)}
    assert set(first.kept()) == set(keys.values()) and first.changed()

    second = warm(first)
    second.scoped(RULES, TOPOLOGY, V2, METRICS_ENDPOINT, 2)
    second.scoped(RULES, TOPOLOGY, V2, METRICS_ENDPOINT, 2)  # asked twice in one plan: judged once, kept once

    assert set(second.kept()) == {keys[2]} and second.changed()  # 1 and 3 are gone: their relations are
    third = warm(second)
    third.scoped(RULES, TOPOLOGY, V2, METRICS_ENDPOINT, 2)
    assert not third.changed() and third.kept() == second.kept()


def test_an_empty_memo_judges_each_relation_once():
    memo = RulesMemo()

    first = memo.scoped(*INPUTS)
    again = memo.scoped(*INPUTS)

    assert first is again and (memo.judged, memo.reused) == (1, 0)


GOOD_ENTRY = [f"juju_lma_1234abcd_api_{METRICS_ENDPOINT}_7.rules", "groups:\n- name: x\n", []]
CORRUPT = {
    "not a list": {"name": "x"},
    "too short": GOOD_ENTRY[:2],
    "too long": [*GOOD_ENTRY, 1],
    "name not text": [7, *GOOD_ENTRY[1:]],
    "name of another relation": [f"juju_lma_1234abcd_api_{METRICS_ENDPOINT}_8.rules", *GOOD_ENTRY[1:]],
    "name of another endpoint": [f"juju_lma_1234abcd_api_{RECEIVE_REMOTE_WRITE}_7.rules", *GOOD_ENTRY[1:]],
    "name with a slash": [f"../juju_lma_{METRICS_ENDPOINT}_7.rules", *GOOD_ENTRY[1:]],
    "name too long": ["x" * 300 + f"_{METRICS_ENDPOINT}_7.rules", *GOOD_ENTRY[1:]],
    "text not text": [GOOD_ENTRY[0], None, []],
    "text not a rule file": [GOOD_ENTRY[0], "scrape_configs: []\n", []],
    "text too long": [GOOD_ENTRY[0], "groups:\n" + "x" * MAX_TEXT_CHARS, []],
    "dropped not a list": [GOOD_ENTRY[0], "", "reason"],
    "dropped pair too short": [GOOD_ENTRY[0], "", [["where"]]],
    "dropped reason not text": [GOOD_ENTRY[0], "", [["where", 3]]],
    "dropped too many": [GOOD_ENTRY[0], "", [["", "r"]] * (MAX_DROPPED + 1)],
}


@pytest.mark.parametrize("entry", CORRUPT.values(), ids=CORRUPT.keys())
def test_an_odd_value_is_judged_again(entry):
    key = memo_key(STAMP, *INPUTS)
    memo = RulesMemo(STAMP, {key: entry})

    found = memo.scoped(*INPUTS)

    assert (memo.judged, memo.reused) == (1, 0)
    assert (found.file_name, found.text) == (scope_rules(*INPUTS).file_name, scope_rules(*INPUTS).text)
    assert memo.kept()[key] != entry and memo.changed()


def test_a_well_formed_value_is_believed():
    """The other side of the corruption table: its good entry is used as it stands (the key
    vouches for the inputs, the shape for the rest), so the table's entries are misses only for
    what is wrong with them."""
    key = memo_key(STAMP, *INPUTS)
    memo = RulesMemo(STAMP, {key: GOOD_ENTRY})

    found = memo.scoped(*INPUTS)

    assert (memo.judged, memo.reused) == (0, 1) and found.text == GOOD_ENTRY[1]


def plans(relations) -> Tuple[Plan, Plan, RulesMemo]:
    """The plan of ``relations`` cold, and warm from the judgements the cold one kept."""
    facts = replace(facts_with(relations), judged=RulesMemo(STAMP))
    config = make_config(facts.image.version)
    from domain.plan import plan

    first = plan(config, facts)
    again = replace(facts, judged=warm(facts.judged))
    return first, plan(config, again), again.judged


def test_a_cold_plan_judges_each_relation_once():
    facts = replace(facts_with(GOOD_SET), judged=RulesMemo(STAMP))
    from domain.plan import plan

    plan(make_config(facts.image.version), facts)

    # receive-remote-write is read for the inputs and again for what is written back: judged once
    assert (facts.judged.judged, facts.judged.reused) == (2, 0) and len(facts.judged.kept()) == 2


def test_a_warm_plan_is_the_cold_plan_for_the_good_set():
    first, second, memo = plans(GOOD_SET)

    assert second == first and second.files.files == first.files.files
    assert (memo.judged, memo.reused) == (0, 2)  # the scrape provider's rules and the sender's


@pytest.mark.parametrize("row", ROWS, ids=[f"{row.endpoint}: {row.id}" for row in ROWS])
def test_a_warm_plan_is_the_cold_plan_for_hostile_data(row):
    first, second, memo = plans(GOOD_SET + (row.relation(NEWER),))

    assert second == first  # files, pod spec, resources, digest, relation writes, dropped
    assert memo.judged == 0


@pytest.mark.parametrize("row", [row for row in ROWS if "alert_rules" in row.app_bag and not row.unreadable],
                         ids=lambda row: f"{row.endpoint}: {row.id}")
def test_a_hostile_relation_added_later_is_judged_alone(row):
    """The steady state: the good set's judgements are known, the new relation's are not."""
    _, _, known = plans(GOOD_SET)
    facts = replace(facts_with(GOOD_SET + (row.relation(NEWER),)), judged=warm(known))
    from domain.plan import plan

    config = make_config(facts.image.version)
    fresh = replace(facts, judged=RulesMemo(STAMP))
    assert plan(config, facts) == plan(config, fresh)
    assert (facts.judged.judged, facts.judged.reused) == (fresh.judged.judged - 2, 2)
    assert fresh.judged.judged in (2, 3)
