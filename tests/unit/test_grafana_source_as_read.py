"""The grafana-source bags read the way today's Grafana charm reads them.

Written from the behaviour of canonical/grafana-k8s-operator
lib/charms/grafana_k8s/v0/grafana_source.py (LIBAPI 0, LIBPATCH 29), ``GrafanaSourceConsumer``:
``_get_source_config`` ignores a relation until the provider's application bag has
``grafana_source_data``; ``_relation_hosts`` takes every unit with a non-empty
``grafana_source_host``; each becomes a datasource named
``juju_<model>_<model uuid>_<application>_<unit number>`` at that host (``http://`` prefixed when
it has no ``<scheme>://``), with ``extra_fields`` as its jsonData and ``secure_extra_fields`` as
its secureJsonData when non-empty (src/grafana_config.py provisions them so).
"""

import json
import re

import pytest

from tests.support.harness import charm_harness
from tests.support.tls import CERT_PEM, KEY_PEM


def grafana_datasources(app_bag, unit_bags):
    source = json.loads(app_bag.get("grafana_source_data", "{}"))
    if not source:
        return []
    found = []
    for unit, bag in unit_bags.items():
        host = bag.get("grafana_source_host")
        if not host:
            continue
        url = host if re.match(r"^\w+://", host) else f"http://{host}"
        datasource = {
            "name": "juju_{}_{}_{}_{}".format(source["model"], source["model_uuid"],
                                              source["application"], unit.split("/")[1]),
            "type": source["type"], "url": url,
        }
        if source.get("extra_fields"):
            datasource["jsonData"] = source["extra_fields"]
        if source.get("secure_extra_fields"):
            datasource["secureJsonData"] = source["secure_extra_fields"]
        found.append(datasource)
    return found


@pytest.fixture
def harness():
    yield from charm_harness(model="lma", leader=True)


def read_as_grafana(harness, rid):
    return grafana_datasources(harness.get_relation_data(rid, "prometheus"),
                               {"prometheus/0": harness.get_relation_data(rid, "prometheus/0")})


def test_grafana_makes_one_prometheus_datasource_for_the_unit(harness):
    rid = harness.add_relation("grafana-source", "grafana")
    harness.add_relation_unit(rid, "grafana/0")

    assert read_as_grafana(harness, rid) == [{
        "name": f"juju_lma_{harness.model.uuid}_prometheus_0", "type": "prometheus",
        "url": "http://prometheus-0.prometheus-endpoints.lma.svc.cluster.local:9090",
        "jsonData": {"timeInterval": "1m"},
    }]


def test_with_tls_grafana_trusts_the_served_certificate(harness):
    rid = harness.add_relation("grafana-source", "grafana")
    harness.add_relation_unit(rid, "grafana/0")
    harness.update_config({"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM})

    [datasource] = read_as_grafana(harness, rid)
    assert datasource["url"].startswith("https://prometheus-0.prometheus-endpoints.lma.svc")
    assert datasource["jsonData"] == {"timeInterval": "1m", "tlsAuthWithCACert": True}
    assert datasource["secureJsonData"] == {"tlsCACert": CERT_PEM}


def test_before_the_leader_writes_grafana_makes_none():
    assert grafana_datasources({}, {"prometheus/0": {"grafana_source_host": "http://x:9090"}}) == []
