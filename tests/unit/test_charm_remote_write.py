"""The two remote-write relations through ops' Harness: receivers' URLs in prometheus.yml as units
come and go, the receiver flag and each unit's endpoint while senders are related, the senders'
rules scoped and reported; hostile bags dropped alone beside a good relation."""

import json

import pytest

from tests.support.extract import prometheus_yml
from tests.support.harness import charm_harness, published_yml

GOOD = "http://mimir-0.mimir-endpoints.cos.svc.cluster.local:9009/api/v1/push"
OWN_URL = "http://prometheus-0.prometheus-endpoints.lma.svc.cluster.local:9090/api/v1/write"
RULES = json.dumps({"groups": [{"name": "agent_alerts", "rules": [
    {"alert": "Down", "expr": "up < 1", "labels": {"juju_application": "somebody-else"}},
    {"alert": "Broken", "expr": "up <"}]}]})


@pytest.fixture
def harness(request):
    yield from charm_harness(getattr(request, "param", "prom/prometheus:v3.5.0"), model="lma")


def remote_write(harness):
    published = harness.get_pod_spec()
    assert published is not None, "no pod spec was set"
    return [entry["url"] for entry in prometheus_yml(published[0]).get("remote_write", [])]


def args(harness):
    return harness.get_pod_spec()[0]["containers"][0]["args"]


def related(harness, endpoint, app, *units, app_data=None):
    rid = harness.add_relation(endpoint, app)
    if app_data:
        harness.update_relation_data(rid, app, app_data)
    for i, data in enumerate(units):
        harness.add_relation_unit(rid, f"{app}/{i}")
        harness.update_relation_data(rid, f"{app}/{i}", data)
    return rid


def receiver_bag(url):
    return {"remote_write": json.dumps({"url": url})}


# --- send-remote-write -------------------------------------------------------------------------

def test_receivers_units_come_and_go_and_a_broken_relation_takes_its_urls(harness):
    harness.set_leader(True)
    rid = related(harness, "send-remote-write", "mimir", receiver_bag(GOOD),
                  receiver_bag("http://mimir-1.mimir-endpoints.cos.svc.cluster.local:9009/api/v1/push"),
                  receiver_bag(GOOD), {})  # a duplicate, and a unit that wrote nothing yet
    other = related(harness, "send-remote-write", "thanos", receiver_bag("https://10.1.2.3/api/v1/receive"))

    assert remote_write(harness) == [GOOD, "http://mimir-1.mimir-endpoints.cos.svc.cluster.local:9009/api/v1/push",
                                     "https://10.1.2.3:443/api/v1/receive"]
    assert "ignored relation data" not in harness.charm.unit.status.message

    harness.remove_relation_unit(rid, "mimir/1")
    assert remote_write(harness) == [GOOD, "https://10.1.2.3:443/api/v1/receive"]

    harness.update_relation_data(other, "thanos/0", {"remote_write": ""})  # the key deleted
    assert remote_write(harness) == [GOOD]

    harness.remove_relation(rid)
    assert remote_write(harness) == []
    assert "remote_write" not in published_yml(harness)


def test_a_non_leader_publishes_nothing_but_reports_the_dropped_bag(harness):
    harness.set_leader(False)
    related(harness, "send-remote-write", "mimir", receiver_bag("http://169.254.169.254/latest"))

    assert harness.get_pod_spec() is None
    assert "mimir/0: remote_write url 'http://169.254.169.254/latest'" in harness.charm.unit.status.message


# Each payload sits in its own relation beside a good one: it is dropped (its reason in the status),
# the good relation's URL stays the only remote_write entry and nothing else reaches the file.
HOSTILE = [
    # (bag value, what the status says about it)
    (receiver_bag("http://169.254.169.254/latest/meta-data"), "link-local address"),
    (receiver_bag("http://[fe80::1]:9009/api/v1/push"), "link-local address"),
    (receiver_bag("http://[::ffff:169.254.169.254]/x"), "link-local address"),
    (receiver_bag("http://[fe80::1%25eth0]:9009/"), "is not a remote-write URL"),
    (receiver_bag("http://0.0.0.0:9009/api/v1/push"), "unspecified, multicast or link-local"),
    (receiver_bag("http://224.0.0.1:9009/"), "unspecified, multicast or link-local"),
    (receiver_bag("https://kubernetes.default.svc:443/api/v1/namespaces"), "names the Kubernetes API service"),
    (receiver_bag("https://KUBERNETES.default.svc.cluster.local./x"), "names the Kubernetes API service"),
    (receiver_bag("http://kubernetes/"), "names the Kubernetes API service"),
    (receiver_bag("http://admin:secret@mimir:9009/api/v1/push"), "without credentials, query or spaces"),
    (receiver_bag("http://mimir:9009/api/v1/push?tenant=evil"), "without credentials, query or spaces"),
    (receiver_bag("http://mimir:9009/api/v1/push#x"), "without credentials, query or spaces"),
    (receiver_bag("file:///var/run/secrets/kubernetes.io/serviceaccount/token"), "expected http(s)://"),
    (receiver_bag("http://mimir:9009/x\n  bearer_token: stolen"), "need escaping"),
    (receiver_bag("http://mimir\x00:9009/"), "not a DNS name or IP address"),
    (receiver_bag("http://m\u0131mir:9009/"), "not a DNS name or IP address"),
    (receiver_bag("http://mimir:99999/"), "out of range"),
    (receiver_bag("http://mimir:9009/../../api"), "'.'/'..' segments"),
    (receiver_bag("http://mimir:9009/%2e%2e/api"), "need escaping"),
    (receiver_bag("http://mimir:9009/a b"), "need escaping"),
    ({"remote_write": "not json"}, "is not JSON"),
    ({"remote_write": "[" * 3000}, "is not JSON"),
    ({"remote_write": json.dumps(["http://mimir:9009/"])}, "is not an object with a string 'url'"),
    ({"remote_write": json.dumps({"url": 9009})}, "is not an object with a string 'url'"),
    ({"remote_write": json.dumps({"url": "http://m/" + "a" * 5000})}, "more than the 4096 accepted"),
    ({"remote_write": '{"url": "http://mimir:9009/", "url": "http://169.254.169.254/"}'}, "link-local"),
]


@pytest.mark.parametrize("bag, reason", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_receiver_is_dropped_alone(harness, bag, reason):
    harness.set_leader(True)
    related(harness, "send-remote-write", "mimir", receiver_bag(GOOD))
    related(harness, "send-remote-write", "evil", bag)

    assert remote_write(harness) == [GOOD]
    text = published_yml(harness)
    assert "stolen" not in text and "169.254" not in text and "kubernetes.default" not in text.split("remote_write:")[1]
    message = harness.charm.unit.status.message
    assert "ignored relation data: send-remote-write:" in message and "evil/0: remote_write" in message
    assert reason in message


def test_hostile_table_is_large_enough():
    assert len(HOSTILE) >= 15


# --- receive-remote-write ----------------------------------------------------------------------

def test_every_unit_publishes_its_endpoint_and_the_flag_lasts_as_long_as_a_relation(harness):
    harness.set_leader(True)
    harness.update_config({})
    assert "--web.enable-remote-write-receiver" not in args(harness)

    rid = related(harness, "receive-remote-write", "agent", {})
    second = related(harness, "receive-remote-write", "otel", {})

    assert args(harness).count("--web.enable-remote-write-receiver") == 1
    for relation in (rid, second):
        own = harness.get_relation_data(relation, harness.charm.unit.name)
        assert json.loads(own["remote_write"]) == {"url": OWN_URL}
        app = json.loads(harness.get_relation_data(relation, harness.charm.app.name)["event"])
        assert app == {"valid": True, "errors": ""}

    harness.remove_relation(rid)
    assert "--web.enable-remote-write-receiver" in args(harness)
    harness.remove_relation(second)
    assert "--web.enable-remote-write-receiver" not in args(harness)


def test_the_route_prefix_is_part_of_the_published_url(harness):
    harness.set_leader(True)
    harness.update_config({"web-external-url": "http://example.com/prom/"})
    rid = related(harness, "receive-remote-write", "agent", {})

    own = json.loads(harness.get_relation_data(rid, harness.charm.unit.name)["remote_write"])
    assert own == {"url": "http://prometheus-0.prometheus-endpoints.lma.svc.cluster.local:9090/prom/api/v1/write"}


def test_a_non_leader_writes_its_unit_bag_but_not_the_event(harness):
    harness.set_leader(False)
    rid = related(harness, "receive-remote-write", "agent", {}, app_data={"alert_rules": "{not json"})

    assert json.loads(harness.get_relation_data(rid, harness.charm.unit.name)["remote_write"]) == {"url": OWN_URL}
    assert "event" not in harness.get_relation_data(rid, harness.charm.app.name)
    assert "receive-remote-write:" in harness.charm.unit.status.message


def test_the_senders_bad_rules_are_reported_in_event_and_the_status(harness):
    harness.set_leader(True)
    rid = related(harness, "receive-remote-write", "agent", {}, app_data={"alert_rules": RULES})

    event = json.loads(harness.get_relation_data(rid, harness.charm.app.name)["event"])
    assert event["valid"] is False
    assert "rule 2 (alert 'Broken')" in event["errors"] and "Down" not in event["errors"]
    assert "agent: alert_rules: group 'agent_alerts' rule 2" in harness.charm.unit.status.message

    harness.update_relation_data(rid, "agent", {"alert_rules": "[" * 100000})
    event = json.loads(harness.get_relation_data(rid, harness.charm.app.name)["event"])
    assert event["valid"] is False and len(event["errors"]) < 20000

    harness.update_relation_data(rid, "agent", {"alert_rules": ""})
    assert json.loads(harness.get_relation_data(rid, harness.charm.app.name)["event"]) == {"valid": True, "errors": ""}


@pytest.mark.parametrize("harness", ["prom/prometheus:v2.30.3"], indirect=True)
def test_a_2_25_to_2_32_image_takes_the_feature_flag(harness):
    harness.set_leader(True)
    related(harness, "receive-remote-write", "agent", {})

    assert "--enable-feature=remote-write-receiver" in args(harness)
    assert "--web.enable-remote-write-receiver" not in args(harness)


@pytest.mark.parametrize("harness", ["prom/prometheus:v2.24.1"], indirect=True)
def test_an_image_before_2_25_cannot_receive_and_says_so(harness):
    harness.set_leader(True)
    rid = related(harness, "receive-remote-write", "agent", {})

    assert not any("remote-write-receiver" in arg for arg in args(harness))
    assert "remote_write" not in harness.get_relation_data(rid, harness.charm.unit.name)
    message = harness.charm.unit.status.message
    assert "Prometheus 2.24.1 cannot receive remote write: prometheus-image must be 2.25.0 or later" in message
    event = json.loads(harness.get_relation_data(rid, harness.charm.app.name)["event"])
    assert event["valid"] is False and "cannot receive remote write" in event["errors"]


# --- the senders' rule files (RelationInputs.rule_files; placed by the pod spec's builder) -------

UUID = "12345678-1234-4234-8234-123456789abc"
THEIR_UUID = "abcdef01-1234-4234-8234-123456789abc"


def inputs_for(*relations):
    from domain.facts import Facts, Identity
    from domain.relations.inputs import read_inputs
    from domain.values.image import ImageDetails
    identity = Identity("prometheus", "lma", UUID, "prometheus/0")
    return read_inputs(Facts(ImageDetails("prom/prometheus:v3.5.0"), identity, relations=relations))


def sender(rid, app, **app_data):
    from domain.relations.data import Bag, Relation
    return Relation("receive-remote-write", rid, app, Bag.of(app, app_data), (Bag.of(f"{app}/0", {}),))


def test_rules_are_scoped_to_the_remote_application_one_file_per_relation():
    found = inputs_for(sender(4, "agent", alert_rules=RULES), sender(5, "agent", alert_rules=RULES),
                       sender(6, "quiet"))

    assert [name for name, _ in found.rule_files] == ["juju_lma_12345678_agent_receive-remote-write_4.rules",
                                                      "juju_lma_12345678_agent_receive-remote-write_5.rules"]
    text = found.rule_files[0][1]
    assert f'up{{juju_model="lma",juju_model_uuid="{UUID}",juju_application="agent"}} < 1' in text
    assert "somebody-else" not in text and "Broken" not in text
    assert [str(d) for d in found.dropped] == [
        f"receive-remote-write:{rid} agent: alert_rules: group 'agent_alerts' rule 2 (alert 'Broken'): "
        "'expr' ends where an operand belongs" for rid in (4, 5)]
    assert found.receives_remote_write


def test_scrape_metadata_names_the_topology_only_for_the_remote_application():
    theirs = json.dumps({"model": "edge", "model_uuid": THEIR_UUID, "application": "agent",
                         "charm_name": "grafana-agent-k8s"})
    claimed = json.dumps({"model": "prod", "model_uuid": THEIR_UUID, "application": "billing"})
    found = inputs_for(sender(4, "agent", alert_rules=RULES, scrape_metadata=theirs),
                       sender(5, "agent", alert_rules=RULES, scrape_metadata=claimed),
                       sender(6, "agent", alert_rules=RULES, scrape_metadata="[" * 5000))

    own, other, broken = (text for _, text in found.rule_files)
    assert f'juju_model="edge",juju_model_uuid="{THEIR_UUID}",juju_application="agent"' in own
    assert "juju_charm: grafana-agent-k8s" in own
    for text in (other, broken):
        assert f'juju_model="lma",juju_model_uuid="{UUID}",juju_application="agent"' in text
        assert "billing" not in text and "prod" not in text


def test_no_receive_relation_no_rule_files_and_no_flag():
    found = inputs_for()
    assert found.rule_files == () and not found.receives_remote_write
