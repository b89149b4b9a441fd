"""The two Alertmanager relations through ops' Harness: what reaches prometheus.yml and the pod
spec as units come and go, relations break, options change; bad bags dropped alone."""

import json

import pytest
from ops import WaitingStatus

from tests.support.extract import prometheus_yml
from tests.support.harness import charm_harness

AS_SENT = json.dumps({"alertmanagers": [{"kubernetes_sd_configs": [{
    "role": "pod", "namespaces": {"names": ["elsewhere"]},
    "selectors": [{"role": "pod", "label": "juju-app=alertmanager"}]}]}]})


@pytest.fixture
def harness(request):
    yield from charm_harness(getattr(request, "param", "prom/prometheus:v3.5.0"), model="lma")


def alertmanagers(harness):
    published = harness.get_pod_spec()
    assert published is not None, "no pod spec was set"
    return prometheus_yml(published[0]).get("alerting", {}).get("alertmanagers", [])


def static_targets(harness):
    return sorted(t for entry in alertmanagers(harness) for static in entry.get("static_configs", [])
                  for t in static["targets"])


def service_account(harness):
    return harness.get_pod_spec()[0]["serviceAccount"]


def dispatch(harness, *units):
    rid = harness.add_relation("alertmanager-dispatch", "alertmanager")
    for i, data in enumerate(units):
        harness.add_relation_unit(rid, f"alertmanager/{i}")
        harness.update_relation_data(rid, f"alertmanager/{i}", data)
    return rid


def legacy(harness, *units, app="alertmanager"):
    rid = harness.add_relation("alertmanager", app)
    for i, data in enumerate(units):
        harness.add_relation_unit(rid, f"{app}/{i}")
        harness.update_relation_data(rid, f"{app}/{i}", data)
    return rid


def test_dispatch_units_v0_and_v1_come_and_go(harness):
    harness.set_leader(True)
    rid = dispatch(harness, {"url": "http://am-0.am-endpoints.lma.svc.cluster.local:9093"},
                   {"public_address": "10.1.0.7:9093", "scheme": "http"})

    assert static_targets(harness) == ["10.1.0.7:9093", "am-0.am-endpoints.lma.svc.cluster.local:9093"]
    assert alertmanagers(harness)[0]["timeout"] == "10s"

    harness.update_config({"alertmanager-timeout": "3s"})
    assert [e["timeout"] for e in alertmanagers(harness)] == ["3s"]

    harness.remove_relation_unit(rid, "alertmanager/1")
    assert static_targets(harness) == ["am-0.am-endpoints.lma.svc.cluster.local:9093"]

    harness.remove_relation(rid)
    assert alertmanagers(harness) == []


def test_dispatch_groups_by_scheme_and_path(harness):
    harness.set_leader(True)
    dispatch(harness, {"url": "https://am-0:9093/am"}, {"url": "https://am-1:9093/am/"},
             {"public_address": "am-2:9093"})

    entries = [(e["scheme"], e["path_prefix"], e["static_configs"][0]["targets"]) for e in alertmanagers(harness)]
    assert entries == [("http", "/", ["am-2:9093"]), ("https", "/am", ["am-0:9093", "am-1:9093"])]


def test_a_malformed_bag_is_dropped_alone_with_the_reason_in_the_status(harness):
    harness.set_leader(True)
    dispatch(harness, {"url": "http://am-0:9093"}, {"url": "http://user:secret@am-1:9093"})
    legacy(harness, {"alerting_config": AS_SENT})

    assert static_targets(harness) == ["am-0:9093"]
    assert any("kubernetes_sd_configs" in e for e in alertmanagers(harness))
    status = harness.charm.unit.status
    assert isinstance(status, WaitingStatus)  # the pod's own state, with the note appended
    assert "ignored relation data: alertmanager-dispatch:" in status.message
    assert "alertmanager/1: url 'http://***@am-1:9093' is not an Alertmanager URL" in status.message
    assert "secret" not in status.message


def test_a_non_leader_publishes_nothing_but_reports_the_dropped_bag(harness):
    harness.set_leader(False)
    legacy(harness, {"alerting_config": "{not json"})

    assert harness.get_pod_spec() is None
    assert "alertmanager/0: alerting_config: is not JSON" in harness.charm.unit.status.message


def test_a_broken_relation_takes_its_bad_bag_note_with_it(harness):
    harness.set_leader(True)
    rid = dispatch(harness, {"url": "ftp://am-0"})
    assert "ignored relation data" in harness.charm.unit.status.message

    harness.remove_relation(rid)

    assert "ignored relation data" not in harness.charm.unit.status.message


def test_legacy_alerting_config_is_pinned_rendered_and_lasts_as_long_as_the_relation(harness):
    harness.set_leader(True)
    harness.update_config({"log-level": "info"})
    assert service_account(harness)["automountServiceAccountToken"] is False
    rid = legacy(harness, {"alerting_config": AS_SENT}, {"alerting_config": AS_SENT})

    (entry,) = alertmanagers(harness)
    assert [sd["namespaces"] for sd in entry["kubernetes_sd_configs"]] == [{"names": ["lma"]}] * 2
    assert [sd["selectors"][0]["label"] for sd in entry["kubernetes_sd_configs"]] == [
        "juju-app=alertmanager", "app.kubernetes.io/name=alertmanager"]
    assert entry["relabel_configs"][0]["regex"] == "TCP;9093"
    account = service_account(harness)
    assert account["automountServiceAccountToken"] is True
    assert {"name": "prometheus-alertmanager-discovery", "global": False,
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]
            } in account["roles"]

    # every later change rebuilds it from the current bags: it survives them
    harness.update_config({"scrape-interval": "30s", "alert-rules": "groups: []"})
    harness.charm.on.update_status.emit()
    assert alertmanagers(harness) == [entry]

    harness.remove_relation_unit(rid, "alertmanager/1")
    assert alertmanagers(harness) == [entry]  # the other unit sends the same section

    harness.remove_relation(rid)
    assert alertmanagers(harness) == []
    account = service_account(harness)
    assert account["automountServiceAccountToken"] is False
    assert [role["name"] for role in account["roles"]] == ["prometheus-k8s-discovery"]


def test_legacy_bag_written_later_and_rewritten(harness):
    harness.set_leader(True)
    rid = legacy(harness, {})
    assert alertmanagers(harness) == []

    harness.update_relation_data(rid, "alertmanager/0", {"alerting_config": AS_SENT})
    assert len(alertmanagers(harness)) == 1

    bad = json.dumps({"alertmanagers": [{"kubernetes_sd_configs": [{"role": "pod", "api_server": "https://x"}]}]})
    harness.update_relation_data(rid, "alertmanager/0", {"alerting_config": bad})
    assert alertmanagers(harness) == []
    assert "'api_server' is not accepted" in harness.charm.unit.status.message


def test_two_legacy_relations_and_dispatch_together(harness):
    harness.set_leader(True)
    other = AS_SENT.replace("juju-app=alertmanager", "juju-app=am2")
    legacy(harness, {"alerting_config": AS_SENT})
    second = legacy(harness, {"alerting_config": other}, app="am2")
    dispatch(harness, {"url": "http://am-9:9093"})

    labels = [sd["selectors"][0]["label"] for e in alertmanagers(harness) for sd in e.get("kubernetes_sd_configs", [])]
    assert labels == ["juju-app=alertmanager", "app.kubernetes.io/name=alertmanager",
                      "juju-app=am2", "app.kubernetes.io/name=am2"]
    assert static_targets(harness) == ["am-9:9093"]
    assert alertmanagers(harness)[0]["static_configs"]  # dispatch entries come first

    harness.remove_relation(second)
    labels = [sd["selectors"][0]["label"] for e in alertmanagers(harness) for sd in e.get("kubernetes_sd_configs", [])]
    assert labels == ["juju-app=alertmanager", "app.kubernetes.io/name=alertmanager"]


V1 = json.dumps({"alertmanagers": [{"static_configs": [{"targets": ["am:9093"]}], "api_version": "v1"}]})


def test_api_version_v1_is_refused_for_a_prometheus_3_image(harness):
    harness.set_leader(True)
    legacy(harness, {"alerting_config": V1})

    assert alertmanagers(harness) == []
    assert "api_version 'v1' is not one of v2 (Prometheus 3.5.0)" in harness.charm.unit.status.message


@pytest.mark.parametrize("harness", ["prom/prometheus:v2.53.0"], indirect=True)
def test_api_version_v1_is_read_for_a_prometheus_2_image(harness):
    harness.set_leader(True)
    legacy(harness, {"alerting_config": V1})

    assert [(e.get("api_version"), e["static_configs"]) for e in alertmanagers(harness)] == [
        ("v1", [{"targets": ["am:9093"]}])]
    assert "ignored" not in harness.charm.unit.status.message
    assert service_account(harness)["automountServiceAccountToken"] is False  # no discovery, no token
