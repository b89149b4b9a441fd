"""metrics-endpoint through the charm (ops' Harness): several applications and units, units
leaving, relations broken, leader and non-leader, malformed bags."""

import json

import pytest
import yaml
from ops import ActiveStatus

from domain.reload import PROPAGATION_SECONDS
from tests.support.extract import config_file, config_map_files
from tests.support.harness import charm_harness, published_yml
from tests.support.scrape_relations import MODEL_UUID, metadata

JOBS = json.dumps([{"job_name": "m", "static_configs": [{"targets": ["*:8080"]}]}])


@pytest.fixture
def harness():
    yield from charm_harness(model="lma", model_uuid=MODEL_UUID)



def relate(harness, app: str, units: int = 1, jobs: str = JOBS, meta: str = "") -> int:
    rid = harness.add_relation("metrics-endpoint", app)
    for n in range(units):
        harness.add_relation_unit(rid, f"{app}/{n}")
        harness.update_relation_data(rid, f"{app}/{n}", {"prometheus_scrape_unit_address": f"10.0.{rid}.{n}",
                                                         "prometheus_scrape_unit_name": f"{app}/{n}"})
    harness.update_relation_data(rid, app, {"scrape_metadata": meta or metadata(app, uuid_=MODEL_UUID),
                                            "scrape_jobs": jobs})
    return rid


def jobs(harness) -> dict:
    document = yaml.safe_load(published_yml(harness))
    return {j["job_name"]: j for j in document["scrape_configs"] if j["job_name"].startswith("juju_")}


def targets(harness) -> dict:
    """Each relation job's targets: job name -> {target: labels}."""
    files = config_map_files(harness.get_pod_spec()[0], "targets")
    found = {}
    for name, job in jobs(harness).items():
        groups = json.loads(files[job["file_sd_configs"][0]["files"][0].rsplit("/", 1)[1]])
        found[name] = {t: g["labels"] for g in groups for t in g["targets"]}
    return found


def event(harness, rid: int) -> dict:
    return json.loads(harness.get_relation_data(rid, harness.charm.app.name)["event"])


API = "juju_lma_12345678_api_prometheus_scrape_m"
DB = "juju_lma_12345678_db_prometheus_scrape_m"


def test_several_applications_and_units_become_jobs_and_targets(harness):
    harness.set_leader(True)
    api, db = relate(harness, "api", units=2), relate(harness, "db", units=1)

    assert targets(harness) == {
        API: {f"10.0.{api}.0:8080": {"juju_unit": "api/0"}, f"10.0.{api}.1:8080": {"juju_unit": "api/1"}},
        DB: {f"10.0.{db}.0:8080": {"juju_unit": "db/0"}},
    }
    assert {"target_label": "juju_application", "replacement": "api"} in jobs(harness)[API]["relabel_configs"]
    assert event(harness, api) == {"valid": True, "errors": "", "scrape_job_errors": ""}
    settle(harness)
    assert harness.charm.unit.status == ActiveStatus("")


def settle(harness) -> None:
    """The files have reached the pods and Prometheus reloaded them."""
    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()


def test_a_departing_unit_changes_only_the_target_list(harness):
    harness.set_leader(True)
    api = relate(harness, "api", units=2)
    settle(harness)
    before = harness.get_pod_spec()[0]

    harness.remove_relation_unit(api, "api/1")

    after = harness.get_pod_spec()[0]
    assert harness.charm.unit.status == ActiveStatus("")  # the same digest: nothing to reload
    assert targets(harness)[API] == {f"10.0.{api}.0:8080": {"juju_unit": "api/0"}}
    assert config_file(after, "prometheus.yml") == config_file(before, "prometheus.yml")
    assert after["containers"] == before["containers"]


def test_a_broken_relation_takes_its_jobs_away_and_leaves_the_others(harness):
    harness.set_leader(True)
    api, db = relate(harness, "api"), relate(harness, "db")

    harness.remove_relation(api)

    assert set(jobs(harness)) == {DB}
    assert event(harness, db)["valid"] is True


def test_a_relation_without_units_has_no_jobs_yet(harness):
    harness.set_leader(True)
    relate(harness, "api", units=0)

    assert jobs(harness) == {}


def test_a_non_leader_publishes_nothing_and_writes_no_event(harness):
    harness.set_leader(False)
    api = relate(harness, "api")

    assert harness.get_pod_spec() is None
    assert "event" not in harness.get_relation_data(api, harness.charm.app.name)


@pytest.mark.parametrize("bag, reason", [
    ({"scrape_jobs": "[" * 10_000}, "nested"),
    ({"scrape_jobs": '[{"job_name": "x", "bearer_token_file": "/etc/passwd"}]'}, "local files"),
    ({"scrape_jobs": "not json"}, "not valid JSON"),
    ({"scrape_metadata": metadata("db")}, "names the application"),
])
def test_a_malformed_bag_is_reported_and_the_other_relation_keeps_working(harness, bag, reason):
    harness.set_leader(True)
    db = relate(harness, "db")
    api = relate(harness, "api")

    harness.update_relation_data(api, "api", bag)

    assert set(jobs(harness)) == {DB}
    report = event(harness, api)
    assert report["valid"] is False and reason in report["errors"] + report["scrape_job_errors"]
    assert event(harness, db)["valid"] is True
    assert reason in harness.charm.unit.status.message


def test_the_kubernetes_api_service_of_the_pod_environment_is_no_proxy(harness, monkeypatch):
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.152.183.1")
    harness.set_leader(True)
    proxied = json.dumps([{"job_name": "m", "proxy_url": "http://10.152.183.1:443"}])

    api = relate(harness, "api", jobs=proxied)

    assert jobs(harness) == {}
    assert "Kubernetes API" in event(harness, api)["scrape_job_errors"]


def test_alert_rules_become_the_relations_own_scoped_rule_file_and_bad_ones_are_reported(harness):
    harness.set_leader(True)
    rules = json.dumps({"groups": [{"name": "api", "rules": [
        {"alert": "ApiDown", "expr": "up == 0", "for": "5m", "labels": {"juju_application": "other"}},
        {"alert": "Broken", "expr": "up ==== 0"}]}]})
    rid = relate(harness, "api")
    harness.update_relation_data(rid, "api", {"alert_rules": rules})

    files = config_map_files(harness.get_pod_spec()[0], "cfg")
    [name] = [n for n in files if n.endswith(f"_metrics-endpoint_{rid}.rules")]
    [group] = yaml.safe_load(files[name])["groups"]
    [rule] = group["rules"]
    assert rule["alert"] == "ApiDown" and rule["labels"]["juju_application"] == "api"
    assert 'juju_application="api"' in rule["expr"] and f'juju_model_uuid="{MODEL_UUID}"' in rule["expr"]
    event = json.loads(harness.get_relation_data(rid, "prometheus")["event"])
    assert event["valid"] is False and "Broken" in event["errors"]
    assert "ignored relation data" in harness.charm.unit.status.message

    harness.remove_relation(rid)
    assert not [n for n in config_map_files(harness.get_pod_spec()[0], "cfg") if "metrics-endpoint" in n]
