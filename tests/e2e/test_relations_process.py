"""Relations through the real process: ./dispatch -> ops.main -> the charm, with the hook-tool
doubles refusing what Juju refuses (an application bag written by a non-leader, ...)."""

import json
from pathlib import Path

import pytest

from tests.e2e.test_charm_process import deploy, make_sim, prometheus_yml

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
GOOD = {"url": "http://am-0.am-endpoints.lma.svc.cluster.local:9093"}


@pytest.mark.parametrize("juju_version", ["2.9.44", "3.6.1"])
def test_grafana_source_data_written_by_leader_and_unit(tmp_path, juju_version):
    sim = make_sim(tmp_path, juju_version=juju_version)
    deploy(sim)
    rid = sim.add_relation("grafana-source", "grafana", units=1)

    result = sim.run_hook("grafana-source-relation-joined", relation_id=rid, remote_unit="grafana/0")

    assert result.ok, str(result)
    source = json.loads(sim.relation_data(rid, "prometheus")["grafana_source_data"])
    assert source["application"] == "prometheus" and source["type"] == "prometheus"
    assert sim.relation_data(rid, "prometheus/0")["grafana_source_host"].startswith("http://prometheus-0.")


def test_a_non_leader_writes_its_unit_bag_only(tmp_path):
    sim = make_sim(tmp_path)
    deploy(sim, leader=False)
    rid = sim.add_relation("grafana-source", "grafana", units=1)

    result = sim.run_hook("grafana-source-relation-changed", relation_id=rid, remote_unit="grafana/0")

    assert result.ok, str(result)
    assert sim.relation_data(rid, "prometheus") == {}
    assert sim.relation_data(rid, "prometheus/0")["grafana_source_host"]


def test_a_malformed_alertmanager_bag_is_dropped_alone_and_said(tmp_path):
    sim = make_sim(tmp_path)
    deploy(sim)
    rid = sim.add_relation("alertmanager-dispatch", "am", units=2, unit_data={
        "am/0": GOOD, "am/1": {"url": "http://\x7f:bad\n" + "x" * 5000}})

    result = sim.run_hook("alertmanager-dispatch-relation-changed", relation_id=rid, remote_unit="am/1")

    assert result.ok, str(result)
    alerting = prometheus_yml(sim)["alerting"]["alertmanagers"]
    assert alerting[0]["static_configs"] == [{"targets": ["am-0.am-endpoints.lma.svc.cluster.local:9093"]}]
    status, message = sim.unit_status()
    assert "ignored relation data: alertmanager-dispatch:" in message and "am/1" in message
    assert "\n" not in message

    for result in sim.remove_relation(rid):
        assert result.ok, str(result)
    assert "alerting" not in prometheus_yml(sim)
