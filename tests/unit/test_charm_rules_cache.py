"""The charm keeps the rule judgements its plan used (ops' Harness, run as under Juju: with a
JUJU_CHARM_DIR): after a plan, also one refused for size, and never after a hook that did not
get to plan."""

import json

import pytest
from ops import BlockedStatus

from adapters.rules_cache import FILE_NAME
from tests.support.builders import options_overflowing_the_config_map
from tests.support.harness import charm_harness
from tests.support.scrape_relations import MODEL_UUID, metadata


def rules(threshold: int) -> str:
    return json.dumps({"groups": [{"name": "g", "rules": [{"alert": "Down", "expr": f"up < {threshold}"}]}]})


@pytest.fixture
def harness(tmp_path, monkeypatch):
    monkeypatch.setenv("JUJU_CHARM_DIR", str(tmp_path))
    yield from charm_harness(model="lma", model_uuid=MODEL_UUID)


def kept(tmp_path) -> dict:
    return json.loads((tmp_path / FILE_NAME).read_bytes().partition(b"\n")[2])


def relate(harness) -> int:
    rid = harness.add_relation("metrics-endpoint", "api")
    harness.add_relation_unit(rid, "api/0")
    harness.update_relation_data(rid, "api", {"scrape_metadata": metadata("api", uuid_=MODEL_UUID),
                                              "alert_rules": rules(1)})
    return rid


def test_the_judgements_of_a_plan_refused_for_size_are_kept(harness, tmp_path):
    rid = relate(harness)
    first = kept(tmp_path)
    assert len(first) == 1 and "up < 1" not in json.dumps(first)  # scoped: matchers injected
    harness.update_config(options_overflowing_the_config_map())
    assert isinstance(harness.charm.unit.status, BlockedStatus)

    harness.update_relation_data(rid, "api", {"alert_rules": rules(2)})  # judged, then refused for size

    assert isinstance(harness.charm.unit.status, BlockedStatus)
    second = kept(tmp_path)
    assert len(second) == 1 and set(second) != set(first) and "} < 2" in json.dumps(second)


def test_a_hook_that_does_not_get_to_plan_leaves_the_file_alone(harness, tmp_path):
    relate(harness)
    before = (tmp_path / FILE_NAME).stat()

    harness.update_config({"scrape-interval": "not a duration"})  # refused before any plan

    assert isinstance(harness.charm.unit.status, BlockedStatus)
    after = (tmp_path / FILE_NAME).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert len(kept(tmp_path)) == 1
