"""self-metrics-endpoint through ops' Harness: what the leader and each unit write, and what a
consumer Prometheus makes of it, read as today's prometheus_scrape consumer reads it."""

import json
import re
from typing import Any, Dict, List

import promql_parser
import pytest
import yaml

from domain.facts import Identity
from domain.relations import self_metrics
from domain.relations.data import MAX_VALUE_BYTES
from domain.relations.rules_scope import scope_rules
from domain.relations.self_alerts import ALERTS
from domain.rules import parse_rule_file
from tests.support.builders import make_config
from tests.support.harness import charm_harness
from tests.support.tls import CERT_PEM, KEY_PEM
from tests.unit.domain.rules.test_inject import EQUAL, matchers, selectors_of

ENDPOINT = "self-metrics-endpoint"
HOST = "prometheus-0.prometheus-endpoints.lma.svc.cluster.local"


@pytest.fixture
def harness():
    yield from charm_harness(model="lma")


def _relate(harness, app="other-prometheus"):
    rid = harness.add_relation(ENDPOINT, app)
    harness.add_relation_unit(rid, f"{app}/0")
    return rid


def identifier(harness) -> str:
    return f"lma_{harness.model.uuid[:8]}_prometheus"


def test_leader_writes_metadata_jobs_and_rules_as_the_provider_library_does(harness):
    harness.set_leader(True)
    rid = _relate(harness)
    app = harness.get_relation_data(rid, "prometheus")

    assert set(app) == {"scrape_metadata", "scrape_jobs", "alert_rules"}
    metadata = json.loads(app["scrape_metadata"])
    assert list(metadata) == ["model", "model_uuid", "application", "unit", "charm_name"]
    assert metadata == {"model": "lma", "model_uuid": harness.model.uuid, "application": "prometheus",
                        "unit": "prometheus/0", "charm_name": "prometheus"}
    assert app["scrape_jobs"] == '[{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:9090"]}]}]'
    for key in app:  # json.dumps' own separators and key order: the same input, the same bytes
        assert app[key] == json.dumps(json.loads(app[key]))
    unit = harness.get_relation_data(rid, "prometheus/0")
    assert unit == {"prometheus_scrape_unit_address": HOST, "prometheus_scrape_unit_fqdn": HOST,
                    "prometheus_scrape_unit_name": "prometheus/0"}  # the empty path is deleted


def test_the_rules_are_named_labelled_and_scoped_to_our_topology(harness):
    harness.set_leader(True)
    rid = _relate(harness)
    groups = json.loads(harness.get_relation_data(rid, "prometheus")["alert_rules"])["groups"]

    assert [group["name"] for group in groups] == [f"{identifier(harness)}_self_monitoring_alerts"]
    rules = groups[0]["rules"]
    assert [rule["alert"] for rule in rules] == [alert.name for alert in ALERTS]
    ours = {"juju_model": "lma", "juju_model_uuid": harness.model.uuid, "juju_application": "prometheus"}
    for rule, alert in zip(rules, ALERTS):
        assert list(rule) == ["alert", "expr", "for", "labels", "annotations"]
        assert rule["labels"] == {"severity": alert.severity, **ours, "juju_charm": "prometheus"}
        assert set(rule["annotations"]) == {"summary", "description"}
        selectors = list(selectors_of(promql_parser.parse(rule["expr"])))
        assert selectors, rule["expr"]
        for selector in selectors:  # as a real PromQL parser reads the expression
            found = [(name, value) for name, op, value in matchers(selector) if name.startswith("juju_")]
            assert sorted(found) == sorted(ours.items()), rule["expr"]
            assert all(op == EQUAL for name, op, _ in matchers(selector) if name.startswith("juju_"))


@pytest.mark.parametrize("version", [(2, 42, 0), (3, 5, 0)], ids=["prom2", "prom3"])
def test_the_rules_pass_the_rule_checker_of_both_generations(harness, version):
    harness.set_leader(True)
    rid = _relate(harness)
    text = yaml.safe_dump(json.loads(harness.get_relation_data(rid, "prometheus")["alert_rules"]))
    assert len(parse_rule_file(text, version).groups[0].rules) == len(ALERTS)


def test_non_leader_writes_only_its_own_unit_bag(harness):
    harness.set_leader(False)
    rid = _relate(harness)

    assert harness.get_relation_data(rid, "prometheus") == {}
    assert harness.get_relation_data(rid, "prometheus/0")["prometheus_scrape_unit_address"] == HOST


def test_tls_scrapes_over_https_trusting_our_certificate_and_back(harness):
    harness.set_leader(True)
    rid = _relate(harness)
    harness.update_config({"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM})
    job = json.loads(harness.get_relation_data(rid, "prometheus")["scrape_jobs"])[0]
    assert list(job) == ["metrics_path", "static_configs", "scheme", "tls_config"]
    assert job["scheme"] == "https"
    assert job["tls_config"] == {"ca_file": CERT_PEM}  # PEM text: the consumer writes it to a file

    harness.update_config(unset=["ssl_cert", "ssl_key"])
    job = json.loads(harness.get_relation_data(rid, "prometheus")["scrape_jobs"])[0]
    assert job == {"metrics_path": "/metrics", "static_configs": [{"targets": ["*:9090"]}]}


def test_the_route_prefix_of_the_external_url_leads_the_metrics_path(harness):
    harness.set_leader(True)
    rid = _relate(harness)
    harness.update_config({"web-external-url": "https://prom.example.com/monitoring/"})
    job = json.loads(harness.get_relation_data(rid, "prometheus")["scrape_jobs"])[0]
    assert job["metrics_path"] == "/monitoring/metrics"
    # Scraped at the pod itself, never through the external URL's host
    assert harness.get_relation_data(rid, "prometheus/0")["prometheus_scrape_unit_address"] == HOST


# --- What a consumer makes of it -----------------------------------------------------------------
# Written from the prometheus_scrape consumer's documented behaviour: jobs prefixed with
# ``juju_<identifier>_prometheus_scrape``, each ``*`` target expanded into one job per unit named
# ``<job>-<unit number>`` at the unit's address, the unit path before the job's path, topology
# labels with ``juju_unit``, and a last relabel rule making ``instance`` from the topology.

def consumer_jobs(app: Dict[str, str], units: Dict[str, Dict[str, str]]) -> List[Dict[str, Any]]:
    metadata = json.loads(app["scrape_metadata"])
    ident = f"{metadata['model']}_{metadata['model_uuid'][:8]}_{metadata['application']}"
    topology = {"juju_model": metadata["model"], "juju_model_uuid": metadata["model_uuid"],
                "juju_application": metadata["application"], "juju_charm": metadata["charm_name"]}
    jobs = []
    for job in json.loads(app["scrape_jobs"]):
        prefix = f"juju_{ident}_prometheus_scrape"
        name = f"{prefix}_{job['job_name']}" if job.get("job_name") else prefix
        for static in job["static_configs"]:
            wildcards = [t for t in static["targets"] if re.match(r"\*(:\d+)?$", t)]
            assert wildcards == static["targets"]  # our job has only wildcard targets
            for unit_name, bag in sorted(units.items()):
                address = bag.get("prometheus_scrape_unit_address")
                if not address:
                    continue
                name_in_bag = bag.get("prometheus_scrape_unit_name", unit_name)
                expanded = {**job, "job_name": f"{name}-{name_in_bag.split('/')[-1]}",
                            "metrics_path": bag.get("prometheus_scrape_unit_path", "") + job["metrics_path"],
                            "static_configs": [{"targets": [t.replace("*", address) for t in wildcards],
                                                "labels": {**topology, "juju_unit": name_in_bag}}],
                            "relabel_configs": [{"source_labels": ["juju_model", "juju_model_uuid",
                                                                   "juju_application", "juju_unit"],
                                                 "separator": "_", "target_label": "instance",
                                                 "regex": "(.*)"}]}
                jobs.append(expanded)
    return jobs


def test_a_consumer_scrapes_every_unit_at_its_stable_name(harness):
    harness.set_leader(True)
    rid = _relate(harness)
    harness.update_config({"web-external-url": "http://prom.example.com/p"})
    app = harness.get_relation_data(rid, "prometheus")
    # A second unit's bag, as that unit writes it (each unit writes only its own)
    units = {"prometheus/0": dict(harness.get_relation_data(rid, "prometheus/0")),
             "prometheus/1": {"prometheus_scrape_unit_address": HOST.replace("-0.", "-1."),
                              "prometheus_scrape_unit_name": "prometheus/1"}}

    jobs = consumer_jobs(app, units)

    ident = identifier(harness)
    assert [job["job_name"] for job in jobs] == [f"juju_{ident}_prometheus_scrape-0",
                                                 f"juju_{ident}_prometheus_scrape-1"]
    assert jobs[0]["static_configs"][0]["targets"] == [f"{HOST}:9090"]
    assert jobs[1]["static_configs"][0]["targets"] == [f"{HOST.replace('-0.', '-1.')}:9090"]
    assert all(job["metrics_path"] == "/p/metrics" for job in jobs)
    assert jobs[0]["static_configs"][0]["labels"] == {
        "juju_model": "lma", "juju_model_uuid": harness.model.uuid, "juju_application": "prometheus",
        "juju_charm": "prometheus", "juju_unit": "prometheus/0"}
    # The labels the consumer gives our series are those our scoped rules match
    groups = json.loads(app["alert_rules"])["groups"]
    selector = next(selectors_of(promql_parser.parse(groups[0]["rules"][0]["expr"])))
    labels = jobs[0]["static_configs"][0]["labels"]
    assert all(labels[name] == value for name, _, value in matchers(selector) if name.startswith("juju_"))


def test_a_unit_that_becomes_leader_writes_the_app_bag(harness):
    harness.set_leader(False)
    rid = _relate(harness)
    assert harness.get_relation_data(rid, "prometheus") == {}
    harness.set_leader(True)
    app = harness.get_relation_data(rid, "prometheus")
    assert json.loads(app["scrape_metadata"])["unit"] == "prometheus/0"
    assert set(app) == {"scrape_metadata", "scrape_jobs", "alert_rules"}


def test_the_app_bag_stays_small_with_the_longest_names():
    app = "a" * 45 + "-" + "b" * 12
    identity = Identity(app, "m" * 63, "d1b2c3d4-0000-4000-8000-000000000000", f"{app}/1000")
    config = make_config(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    assert config.tls is not None
    for key, value in self_metrics.app_data(config, identity):
        assert len(value.encode()) < MAX_VALUE_BYTES / 2, key


@pytest.mark.parametrize("version", [(2, 42, 0), (3, 5, 0)], ids=["prom2", "prom3"])
def test_this_charm_as_the_consumer_keeps_every_rule_as_sent(version):
    # Related to another unit of this very charm (its metrics-endpoint): nothing dropped, nothing
    # scoped twice, the group keeps its name.
    identity = Identity("prometheus", "lma", "d1b2c3d4-0000-4000-8000-000000000000", "prometheus/0")
    sent = json.loads(self_metrics.alert_rules(identity))
    scoped = scope_rules(self_metrics.alert_rules(identity), self_metrics.topology(identity), version,
                         "metrics-endpoint", 7)
    assert scoped.dropped == ()
    loaded = yaml.safe_load(scoped.text)["groups"]
    assert [group["name"] for group in loaded] == [group["name"] for group in sent["groups"]]
    assert [rule["expr"] for rule in loaded[0]["rules"]] == [rule["expr"] for rule in sent["groups"][0]["rules"]]
