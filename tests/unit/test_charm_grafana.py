"""grafana-source and http-api through ops' Harness: what each unit and the leader write."""

import json

import pytest

from tests.support.harness import charm_harness
from tests.support.tls import CERT_PEM, KEY_PEM


@pytest.fixture
def harness():
    yield from charm_harness(model="lma")


def _relate(harness, endpoint, app="grafana", units=1):
    rid = harness.add_relation(endpoint, app)
    for n in range(units):
        harness.add_relation_unit(rid, f"{app}/{n}")
    return rid


def test_leader_writes_the_datasource_as_the_grafana_library_reads_it(harness):
    harness.set_leader(True)
    rid = _relate(harness, "grafana-source")

    app = harness.get_relation_data(rid, "prometheus")
    source = json.loads(app["grafana_source_data"])
    assert list(source) == ["model", "model_uuid", "application", "type", "extra_fields",
                            "secure_extra_fields"]
    assert source == {"model": "lma", "model_uuid": harness.model.uuid, "application": "prometheus",
                      "type": "prometheus", "extra_fields": {"timeInterval": "1m"},
                      "secure_extra_fields": None}
    assert app["grafana_source_data"] == json.dumps(source)  # json.dumps' own separators
    assert "grafana_source_app_host" not in app  # written as "", which deletes the key
    unit = harness.get_relation_data(rid, "prometheus/0")
    assert unit["grafana_source_host"] == (
        "http://prometheus-0.prometheus-endpoints.lma.svc.cluster.local:9090")


def test_non_leader_writes_only_its_own_unit_bag(harness):
    harness.set_leader(False)
    rid = _relate(harness, "grafana-source")

    assert "grafana_source_data" not in harness.get_relation_data(rid, "prometheus")
    assert harness.get_relation_data(rid, "prometheus/0")["grafana_source_host"].startswith("http://")


def test_the_scrape_interval_and_external_url_follow_the_options(harness):
    harness.set_leader(True)
    rid = _relate(harness, "grafana-source")

    harness.update_config({"scrape-interval": "30s", "web-external-url": "https://prom.example.com/p/"})

    source = json.loads(harness.get_relation_data(rid, "prometheus")["grafana_source_data"])
    assert source["extra_fields"] == {"timeInterval": "30s"}
    assert harness.get_relation_data(rid, "prometheus/0")["grafana_source_host"] == (
        "https://prom.example.com/p")


def test_with_tls_the_unit_url_is_https(harness):
    harness.set_leader(True)
    rid = _relate(harness, "grafana-source")

    harness.update_config({"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM})

    assert harness.get_relation_data(rid, "prometheus/0")["grafana_source_host"].startswith(
        "https://prometheus-0.")


def test_bad_options_write_nothing_new(harness):
    harness.set_leader(True)
    rid = _relate(harness, "grafana-source")
    before = dict(harness.get_relation_data(rid, "prometheus"))

    harness.update_config({"scrape-interval": "30s", "scrape-timeout": "nonsense"})

    assert harness.get_relation_data(rid, "prometheus") == before
    assert "scrape-timeout" in harness.charm.unit.status.message


def test_http_api_keeps_the_2020_port_and_adds_host_and_url(harness):
    harness.set_leader(False)
    rid = _relate(harness, "http-api")

    assert harness.get_relation_data(rid, "prometheus/0") == {
        "prometheus-port": "9090",
        "host": "prometheus-0.prometheus-endpoints.lma.svc.cluster.local",
        "url": "http://prometheus-0.prometheus-endpoints.lma.svc.cluster.local:9090",
    }
    harness.update_config({"web-external-url": "http://prom.example.com:8080/x"})
    assert harness.get_relation_data(rid, "prometheus/0")["url"] == "http://prom.example.com:8080/x"



def test_the_leader_publishes_the_dashboard_and_others_do_not(harness):
    import base64
    import lzma

    rid = _relate(harness, "grafana-dashboard")
    assert "dashboards" not in harness.get_relation_data(rid, "prometheus")

    harness.set_leader(True)
    harness.charm.on.config_changed.emit()

    data = json.loads(harness.get_relation_data(rid, "prometheus")["dashboards"])
    template = data["templates"]["file:prometheus-overview"]
    assert template["juju_topology"]["model_uuid"] == harness.model.uuid
    dashboard = json.loads(lzma.decompress(base64.b64decode(template["content"])))
    assert dashboard["panels"]


def test_with_tls_grafana_is_given_the_certificate_to_trust_and_never_the_key(harness):
    harness.set_leader(True)
    rid = _relate(harness, "grafana-source")

    harness.update_config({"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM})

    raw = harness.get_relation_data(rid, "prometheus")["grafana_source_data"]
    source = json.loads(raw)
    assert source["extra_fields"]["tlsAuthWithCACert"] is True
    assert source["secure_extra_fields"] == {"tlsCACert": CERT_PEM}
    assert "PRIVATE KEY" not in raw
