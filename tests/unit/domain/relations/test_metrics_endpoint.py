"""Reading one metrics-endpoint relation, and the event written back."""

import json

from domain.relations.metrics_endpoint import MAX_EVENT_PART, ScrapeRelation, event, read
from domain.values.duration import Duration
from tests.support.scrape_relations import MODEL_UUID, scrape_relation

MINUTE, TEN = Duration.parse("1m"), Duration.parse("10s")


def test_a_relation_without_units_is_not_read():
    assert read(scrape_relation("api", 1, units=0), (2, 53, 0), MINUTE, TEN) is None


def test_legacy_providers_give_prometheus_scrape_host():
    relation = scrape_relation("api", 1, unit_bags=[{"prometheus_scrape_host": "10.0.0.9"}])

    found = read(relation, (2, 53, 0), MINUTE, TEN)

    assert found is not None and [u.address for u in found.units] == ["10.0.0.9"]


def test_alert_rules_are_handed_on_raw_with_the_topology():
    meta = json.dumps({"model": "lma", "model_uuid": MODEL_UUID, "application": "api"})
    relation = scrape_relation("api", 1, app_bag={"scrape_jobs": "[]", "alert_rules": '{"groups": []}',
                                                   "scrape_metadata": meta})

    found = read(relation, (2, 53, 0), MINUTE, TEN)

    assert found is not None and found.alert_rules == '{"groups": []}'
    assert found.topology is not None and found.topology.application == "api" and found.remote_app == "api"


def test_the_event_says_what_was_used_and_stays_bounded():
    clean = ScrapeRelation("metrics-endpoint:1", 1, "api", None, (), ())
    noisy = ScrapeRelation("metrics-endpoint:1", 1, "api", None, (), (), errors=("é" * 100_000,),
                           job_errors=tuple(f"job {n}: bad" for n in range(20_000)))

    assert json.loads(event(clean)) == {"valid": True, "errors": "", "scrape_job_errors": ""}
    report = json.loads(event(noisy))
    assert report["valid"] is False and report["errors"].endswith("more characters)")
    assert len(event(noisy).encode()) < 2 * MAX_EVENT_PART + 200 < 64 * 1024
