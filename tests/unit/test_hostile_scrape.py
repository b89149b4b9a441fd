"""Hostile metrics-endpoint data, each case beside a well-behaved relation.

Every payload states what must become of it: the job dropped alone (``job``), the relation's
data refused whole (``relation``), a unit skipped (``unit``), or accepted with the unsafe part
left out (``kept``), with a word of the reason. In every case the good relation's targets
and labels come through unchanged, and no rendered file (prometheus.yml, target lists, CA
files) carries a field that makes Prometheus read a local file or discover targets, a juju_*
relabel target from the provider, a link-local or Kubernetes API address, or a secret.
"""

import json
from typing import Any, Dict, List

import pytest
import yaml

from domain.relations.data import Bag
from tests.support.extract import config_map_files
from tests.support.scrape_relations import metadata, plan_with, scrape_relation

GOOD = scrape_relation("good", 1, units=2)
SECRET = "s3cr3t-password-value"
GOOD_JOB = {"job_name": "j", "static_configs": [{"targets": ["*:9100"]}]}


def job(**fields: Any) -> List[Dict[str, Any]]:
    return [dict(GOOD_JOB, **fields)]


def relabel(**rule: Any) -> List[Dict[str, Any]]:
    return job(relabel_configs=[rule])


DEEP = "[" * 100_000 + "]" * 100_000
CASES = [
    # (id, jobs or raw scrape_jobs text, expected fate, word of the reason)
    ("password_file", job(basic_auth={"username": "u", "password_file": "/var/run/secrets/token"}),
     "job", "local files"),
    ("credentials_file", job(authorization={"credentials_file": "/var/run/secrets/kubernetes.io/serviceaccount/token"}),
     "job", "local files"),
    ("bearer_token_file", job(bearer_token_file="/var/run/secrets/kubernetes.io/serviceaccount/token"),
     "job", "local files"),
    ("tls ca path", job(tls_config={"ca_file": "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"}), "job", "PEM"),
    ("tls cert_file", job(tls_config={"cert_file": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                      "key_file": "x"}), "job", "not accepted"),
    ("tls garbage PEM", job(tls_config={"ca_file": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}),
     "job", "DER"),
    ("kubernetes_sd", job(kubernetes_sd_configs=[{"role": "pod"}]), "job", "discover"),
    ("file_sd", job(file_sd_configs=[{"files": ["/etc/passwd"]}]), "job", "discover"),
    ("dns_sd nested", job(static_configs=[{"targets": ["a:1"], "dns_sd_configs": []}]), "job", "discover"),
    ("proxy link-local", job(proxy_url="http://169.254.169.254:80"), "job", "link-local"),
    ("proxy ipv6 link-local", job(proxy_url="http://[fe80::1]:3128"), "job", "link-local"),
    ("proxy mapped link-local", job(proxy_url="http://[::ffff:169.254.169.254]:80"), "job", "link-local"),
    ("proxy kubernetes api", job(proxy_url="https://kubernetes.default.svc:443"), "job", "Kubernetes API"),
    ("proxy kubernetes short", job(proxy_url="http://KUBERNETES.default"), "job", "Kubernetes API"),
    ("proxy api service ip", job(proxy_url="http://10.152.183.1:443"), "job", "Kubernetes API"),
    ("proxy loopback", job(proxy_url="http://127.0.0.1:9090"), "job", "loopback"),
    ("proxy socks", job(proxy_url="socks5://proxy:1080"), "job", "http(s)"),
    ("proxy with credentials", job(proxy_url="http://user:pw@proxy:3128"), "job", "http(s)"),
    ("target link-local", job(static_configs=[{"targets": ["169.254.169.254:80"]}]), "job", "link-local"),
    ("target octal ip", job(static_configs=[{"targets": ["010.0.0.1:80"]}]), "job", "host:port"),
    ("target no port", job(static_configs=[{"targets": ["host"]}]), "job", "host:port"),
    ("target port 0", job(static_configs=[{"targets": ["host:0"]}]), "job", "host:port"),
    ("relabel juju target", relabel(target_label="juju_application", replacement="good"), "job", "juju_"),
    ("relabel juju hashmod", relabel(action="hashmod", target_label="juju_unit", modulus=2), "job", "juju_"),
    ("labelmap into juju", relabel(action="labelmap", regex="x_(.*)", replacement="$1"), "job", "labelmap"),
    ("labelmap juj prefix", relabel(action="labelmap", regex="x(.*)", replacement="juj${1}"), "job", "labelmap"),
    ("labeldrop juju", relabel(action="labeldrop", regex="juju_.*"), "job", "labeldrop"),
    ("labelkeep", relabel(action="labelkeep", regex="a"), "job", "not one of"),
    ("relabel address", relabel(target_label="__address__", replacement="169.254.169.254:80"), "job", "reserved"),
    ("regex backreference", relabel(action="keep", source_labels=["a"], regex="(a)\\1"), "job", "escape"),
    ("regex lookahead", relabel(action="drop", source_labels=["a"], regex="(?=a)"), "job", "groups"),
    ("regex too many repeats", relabel(action="drop", source_labels=["a"], regex="a{1001}"), "job", "1000"),
    ("metric relabel juju", job(metric_relabel_configs=[{"target_label": "juju_model", "replacement": "x"}]),
     "job", "juju_"),
    ("scheme file", job(scheme="file"), "job", "scheme"),
    ("timeout above interval", job(scrape_interval="5s", scrape_timeout="6s"), "job", "longer"),
    ("duration fullwidth", job(scrape_interval="\uff11m"), "job", "duration"),
    ("negative sample limit", job(sample_limit=-1), "job", "non-negative"),
    ("boolean sample limit", job(sample_limit=True), "job", "non-negative"),
    ("huge sample limit", job(sample_limit=2**70), "job", "non-negative"),
    ("label name utf8 on 2.x", job(static_configs=[{"targets": ["*:1"], "labels": {"é": "x"}}]),
     "job", "label name"),
    ("reserved label", job(static_configs=[{"targets": ["*:1"], "labels": {"__address__": "x:1"}}]),
     "job", "label name"),
    ("label value control", job(static_configs=[{"targets": ["*:1"], "labels": {"a": "x\ny"}}]), "job", "control"),
    ("job name control", job(job_name="a\u2028b"), "job", "control"),
    ("metrics path query", job(metrics_path="/m?x=1"), "job", "metrics_path"),
    ("basic and authorization", job(basic_auth={"username": "u"}, authorization={"credentials": "c"}),
     "job", "together"),
    ("authorization basic", job(authorization={"type": "Basic", "credentials": "c"}), "job", "Basic"),
    ("not a list", '{"job_name": "x"}', "job", "not a JSON list"),
    ("deep nesting", DEEP, "job", "nested"),
    ("huge number", "[" + "9" * 5000 + "]", "job", "number"),
    ("NaN", '[{"sample_limit": NaN}]', "job", "not JSON"),
    ("duplicate keys", '[{"job_name": "a", "job_name": "b"}]', "job", "twice"),
    ("oversized", json.dumps(job(params={"a": ["x" * 1000] * 32}) * 20), "job", "bytes"),
    ("too many jobs", json.dumps([GOOD_JOB] * 101), "job", "more than"),
    ("unknown keys", job(honor_labels=False, honor_timestamps=False), "kept", "ignored keys"),
    ("juju static label", job(static_configs=[{"targets": ["*:9100"], "labels": {"juju_application": "good"}}]),
     "kept", ""),
    ("inline password", job(basic_auth={"username": "u", "password": SECRET}), "kept", ""),
]


def fate(case_id: str, payload: Any):
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    hostile = scrape_relation("bad", 2, units=2, app_bag={"scrape_metadata": metadata("bad"), "scrape_jobs": raw})
    return plan_with([GOOD, hostile], api_hosts=["10.152.183.1"])


def rendered_text(result) -> str:
    files = {**config_map_files(result.pod_spec, "cfg"), **config_map_files(result.pod_spec, "targets")}
    return "\n".join(files.values())


def good_targets(result) -> Dict[str, Any]:
    """The good relation's target groups, by unit."""
    document = yaml.safe_load(result.prometheus_yml)
    [good] = [j for j in document["scrape_configs"] if j["job_name"] == "juju_lma_12345678_good_prometheus_scrape"]
    path = good["file_sd_configs"][0]["files"][0].rsplit("/", 1)[1]
    return {"job": good, "groups": json.loads(config_map_files(result.pod_spec, "targets")[path])}


BASELINE = good_targets(plan_with([GOOD]))


def assert_nothing_unsafe(result) -> None:
    document = yaml.safe_load(result.prometheus_yml)
    for scrape in document["scrape_configs"]:
        if not scrape["job_name"].startswith("juju_"):
            continue
        text = json.dumps(scrape)
        for key in ("_sd_configs", "_file"):
            found = [k for k in _keys(scrape) if k.endswith(key)]
            allowed = {"file_sd_configs", "ca_file", "password_file", "credentials_file"}
            assert set(found) <= allowed, found
        assert "169.254" not in text and "kubernetes.default" not in text.lower() and "fe80" not in text
        for files in _values_of(scrape, "files"):
            assert all(f.startswith("../scrape-targets/") for f in files)
        for path in _values_of(scrape, "ca_file"):
            assert path.startswith("scrape-") and path.endswith("-ca.crt")
        for path in _values_of(scrape, "password_file") + _values_of(scrape, "credentials_file"):
            assert path.startswith("../scrape-secrets/")
        ours = 4  # model, uuid, application, charm: then instance
        for rule in scrape.get("relabel_configs", [])[ours + 1:]:
            assert not str(rule.get("target_label", "")).startswith("juju_")
    assert SECRET not in rendered_text(result)


def _keys(value: Any) -> List[str]:
    if isinstance(value, dict):
        return [str(k) for k in value] + [k for v in value.values() for k in _keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def _values_of(value: Any, key: str) -> List[Any]:
    if isinstance(value, dict):
        return ([value[key]] if key in value else []) + [x for v in value.values() for x in _values_of(v, key)]
    if isinstance(value, list):
        return [x for v in value for x in _values_of(v, key)]
    return []


def test_the_table_has_at_least_forty_payloads():
    assert len(CASES) >= 40
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case_id, payload, expected, reason", CASES, ids=[c[0] for c in CASES])
def test_a_hostile_payload_is_contained(case_id, payload, expected, reason):
    result = fate(case_id, payload)

    assert good_targets(result) == BASELINE
    assert_nothing_unsafe(result)
    bad_notes = [d.reason for d in result.dropped if d.relation == "metrics-endpoint:2"]
    bad_jobs = [j for j in yaml.safe_load(result.prometheus_yml)["scrape_configs"] if "_bad_" in j["job_name"]]
    [event] = [dict(w.items)["event"] for w in result.relation_writes if w.relation_id == 2]
    report = json.loads(event)
    if expected == "job":
        assert bad_jobs == [] and any(reason in note for note in bad_notes), bad_notes
        assert report["valid"] is False and reason in report["scrape_job_errors"]
    elif expected == "kept":
        assert len(bad_jobs) == 1
        assert all(reason in note for note in bad_notes)
    assert len(event.encode()) < 64 * 1024


def test_inline_secrets_go_to_the_secret_and_the_job_points_at_them():
    result = fate("inline", job(basic_auth={"username": "u", "password": SECRET}))

    secrets = result.k8s_resources["kubernetesResources"]["secrets"]
    [secret] = [s for s in secrets if s["name"].endswith("scrape-secrets")]
    [bad] = [j for j in yaml.safe_load(result.prometheus_yml)["scrape_configs"] if "_bad_" in j["job_name"]]
    key = bad["basic_auth"]["password_file"].rsplit("/", 1)[1]
    assert secret["stringData"] == {key: SECRET}
    assert bad["basic_auth"]["username"] == "u"


def test_a_provider_cannot_claim_another_application_in_its_static_labels():
    result = fate("claim", job(static_configs=[{"targets": ["*:9100"], "labels": {"juju_application": "good"}}]))

    [bad] = [j for j in yaml.safe_load(result.prometheus_yml)["scrape_configs"] if "_bad_" in j["job_name"]]
    path = bad["file_sd_configs"][0]["files"][0].rsplit("/", 1)[1]
    groups = json.loads(config_map_files(result.pod_spec, "targets")[path])
    assert all("juju_application" not in g["labels"] for g in groups)
    assert {"target_label": "juju_application", "replacement": "bad"} in bad["relabel_configs"]
    assert {"target_label": "juju_application", "replacement": "bad"} in bad["metric_relabel_configs"]


@pytest.mark.parametrize("meta, reason", [
    (metadata("good"), "names the application"),
    (metadata("bad", uuid_="12345678-1234-1234-8234-123456789abc"), "v4 UUID"),
    (metadata("bad", model="Not_A_Model"), "model name"),
    ('{"model": "lma"}', "no text"),
    ("[" * 3000, "nested"),
    ("x" * 5000, "bytes"),
], ids=["other app", "uuid v1", "model", "missing", "deep", "large"])
def test_bad_metadata_refuses_the_relation_alone(meta, reason):
    hostile = scrape_relation("bad", 2, units=1, meta=meta)

    result = plan_with([GOOD, hostile])

    assert good_targets(result) == BASELINE
    assert not [j for j in yaml.safe_load(result.prometheus_yml)["scrape_configs"] if "_bad_" in j["job_name"]]
    assert any(reason in d.reason for d in result.dropped if d.relation == "metrics-endpoint:2")


@pytest.mark.parametrize("unit_bag, reason", [
    ({"prometheus_scrape_unit_address": "169.254.169.254"}, "not an IP address or DNS name"),
    ({"prometheus_scrape_unit_address": "a b"}, "not an IP address or DNS name"),
    ({"prometheus_scrape_unit_address": "10.0.0.1", "prometheus_scrape_unit_name": "good/0"}, "own name"),
    ({"prometheus_scrape_unit_address": "10.0.0.1", "prometheus_scrape_unit_path": "/../x"}, "path"),
    ({"prometheus_scrape_unit_address": "x" * 300}, "too long"),
])
def test_a_bad_unit_is_skipped_alone(unit_bag, reason):
    hostile = scrape_relation("bad", 2, unit_bags=[unit_bag, {"prometheus_scrape_unit_address": "10.9.9.9"}])

    result = plan_with([GOOD, hostile])

    assert good_targets(result) == BASELINE
    assert any(reason in d.reason for d in result.dropped if d.owner == "bad")
    assert "10.9.9.9:8080" in rendered_text(result)


def test_an_unreadable_bag_drops_that_relation_alone():
    hostile = scrape_relation("bad", 2)
    hostile = type(hostile)(hostile.endpoint, 2, "bad", Bag("bad", (), "permission denied"), hostile.units)

    result = plan_with([GOOD, hostile])

    assert good_targets(result) == BASELINE
    assert any("permission denied" in d.reason for d in result.dropped)
