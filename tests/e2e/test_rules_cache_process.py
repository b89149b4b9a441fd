"""The judgements of relations' rules kept between hooks, through the real process (./dispatch ->
ops.main -> the charm, with the hook-tool doubles): a hook judges only the relations whose rules
it has not judged before, and publishes exactly what a hook without the file publishes."""

import json
import re

import pytest

from adapters.rules_cache import FILE_NAME
from tests.e2e.test_charm_process import make_sim

pytestmark = pytest.mark.e2e
UUID = "12345678-1234-4234-8234-123456789abc"


def metadata(app: str) -> str:
    return json.dumps({"model": "lma", "model_uuid": UUID, "application": app, "unit": f"{app}/0",
                       "charm_name": f"{app}-k8s"})


def rules(app: str, threshold: int) -> str:
    return json.dumps({"groups": [{"name": f"lma_12345678_{app}_alerts", "rules": [
        {"alert": f"{app.title()}Down", "expr": f"up < {threshold}", "for": "1m", "labels": {"severity": "page"}},
        {"alert": "Bad", "expr": "up ==== 0"}]}]})  # left out, with its reason


def judged(sim, since: int) -> int:
    """Relations judged since the ``since``-th log line (the charm's debug line)."""
    found = [re.search(r"rules judgements: (\d+) relations judged", line) for line in sim.juju_log()[since:]]
    return sum(int(match.group(1)) for match in found if match)


def outputs(sim, api: int, agent: int):
    """What the hook published: the pod spec (its ConfigMaps), how many, and our bags."""
    return (sim.pod_spec(), sim.pod_spec_count(), sim.relation_data(api, "prometheus"),
            sim.relation_data(agent, "prometheus"), sim.unit_status())


def run(sim, api: int) -> int:
    """One metrics-endpoint-relation-changed; how many relations' rules it judged."""
    since = len(sim.juju_log())
    result = sim.run_hook("metrics-endpoint-relation-changed", relation_id=api)
    assert result.ok, str(result)
    return judged(sim, since)


def test_a_hook_judges_only_the_rules_it_has_not_judged_before(tmp_path):
    sim = make_sim(tmp_path)
    sim.set_leader(True)  # the relations' hooks plan and publish by themselves: no install hook needed
    api = sim.add_relation("metrics-endpoint", "api", units=1, app_data={
        "scrape_metadata": metadata("api"), "alert_rules": rules("api", 1),
        "scrape_jobs": json.dumps([{"static_configs": [{"targets": ["*:8080"]}]}])},
        unit_data={"api/0": {"prometheus_scrape_unit_address": "10.1.0.1", "prometheus_scrape_unit_name": "api/0"}})
    agent = sim.add_relation("receive-remote-write", "agent", units=1, app_data={
        "scrape_metadata": metadata("agent"), "alert_rules": rules("agent", 1)})
    cache = sim.charm_dir / FILE_NAME

    assert run(sim, api) == 2  # cold: both relations' rules
    first = json.loads(cache.read_bytes().partition(b"\n")[2])
    assert len(first) == 2 and all(len(entry[2]) == 1 for entry in first.values())  # "Bad" left out, said why

    sim.update_relation(api, app_data={"alert_rules": rules("api", 2)})
    assert run(sim, api) == 1  # warm: only api's changed rules; the agent's are known
    second = json.loads(cache.read_bytes().partition(b"\n")[2])
    assert len(second) == 2 and len(set(first) & set(second)) == 1  # api's old judgement is gone
    warm = outputs(sim, api, agent)
    published = json.dumps(warm[0])
    assert "ApiDown" in published and "} < 2" in published and "AgentDown" in published and "} < 1" in published
    assert "Bad" in json.loads(warm[2]["event"])["errors"]

    cache.unlink()  # the operator pod recreated: its files lost
    assert run(sim, api) == 2
    assert outputs(sim, api, agent) == warm  # nothing to publish again: the cold plan is the warm one
    assert json.loads(cache.read_bytes().partition(b"\n")[2]) == second
