"""The size budget: each ConfigMap and Secret within 1 MiB, the whole spec within etcd's request limit.

Plans are built from options (make_plan) and sized to land at, just under and just over each
limit; the generic cases use hand-made specs, since the budget reads any spec's volumes. Each
option's own size bound stops a multi-megabyte page title or 60,000 external labels before a
plan is made (tests/unit/domain/config); the budget is the guard behind those bounds (and behind
what relations will add), so those cases build the checked config with larger values directly.
"""

import base64
import dataclasses
import re
from typing import Any

import pytest

from domain.errors import DomainError
from domain.kubernetes.budget import (
    CONFIG_MAP_LIMIT,
    SECRET_LIMIT,
    SPEC_LIMIT,
    SpecTooLarge,
    check_budget,
    spec_size,
)
from domain.plan import Plan, plan
from domain.status import StatusKind, status_for_error
from tests.support.builders import make_config, make_facts, make_plan
from tests.support.extract import container
from tests.support.tls import CERT_PEM, KEY_PEM

MIB = 1024 * 1024


def plan_past_the_option_bounds(**fields: Any) -> Plan:
    """The plan for a checked config whose ``fields`` are then set past what the options allow."""
    facts = make_facts()
    return plan(dataclasses.replace(make_config(facts.image.version), **fields), facts)


def rules(padding: int) -> str:
    """A rule file whose rendered size grows by exactly one byte per unit of padding."""
    return ("groups:\n- name: big\n  rules:\n  - alert: Big\n    expr: vector(1)\n"
            "    annotations:\n      description: " + "a" * padding + "\n")


def volume_bytes(plan) -> int:
    """What Kubernetes counts for the ConfigMap of the volume holding prometheus.yml."""
    [files] = [v["files"] for v in container(plan.pod_spec)["volumeConfig"]
               if any(f["path"] == "prometheus.yml" for f in v.get("files", []))]
    return sum(len(f["content"].encode("utf-8")) for f in files)


def padding_for(limit_of, make, probe: int = 1000) -> int:
    """The padding that makes ``limit_of(make(padding))`` land exactly on its limit."""
    return probe + (limit_of[1] - limit_of[0](make(probe)))


def test_the_limits_are_kubernetes_and_etcd_defaults():
    assert CONFIG_MAP_LIMIT == SECRET_LIMIT == 1_048_576  # MaxSecretSize
    assert SPEC_LIMIT == 1_572_864 - 65_536  # etcd's --max-request-bytes, less the margin


@pytest.fixture(scope="module")
def rules_at_the_limit() -> int:
    """Rule-file padding that fills the ConfigMap (rule file + prometheus.yml) to exactly 1 MiB."""
    return padding_for((volume_bytes, CONFIG_MAP_LIMIT), lambda n: make_plan(alert_rules=rules(n)))


@pytest.mark.parametrize("below", [0, 1])
def test_a_config_map_at_or_just_under_the_limit_is_published(rules_at_the_limit, below):
    plan = make_plan(alert_rules=rules(rules_at_the_limit - below))

    assert volume_bytes(plan) == CONFIG_MAP_LIMIT - below


def test_a_rule_file_just_under_1_mib_with_prometheus_yml_is_over_the_config_map_limit(rules_at_the_limit):
    with pytest.raises(SpecTooLarge) as raised:
        make_plan(alert_rules=rules(rules_at_the_limit + 1))

    assert re.fullmatch(
        r"ConfigMap prometheus-[a-z0-9-]+-config would be 1048577 bytes; Kubernetes stores at most "
        r"1048576; largest: alert-rules \(charm-alert-rules\.rules\) 1023 KiB, prometheus\.yml \d+ bytes, "
        r"web-config\.yml \d+ bytes",
        str(raised.value))  # nothing about the whole spec: the rest of it is small


def test_60000_external_labels_overflow_prometheus_yml_naming_the_option():
    labels = tuple((f"label_{i:05d}", f"value-{i:05d}") for i in range(60_000))

    with pytest.raises(SpecTooLarge) as raised:
        plan_past_the_option_bounds(external_labels=labels)

    message = str(raised.value)
    assert "Kubernetes stores at most 1048576; largest: external-labels (prometheus.yml) 1." in message


@pytest.fixture(scope="module")
def title_at_the_limit() -> int:
    """Page-title length that makes the whole spec exactly SPEC_LIMIT bytes."""
    def size(plan):
        return spec_size(plan.pod_spec, plan.k8s_resources)
    return padding_for((size, SPEC_LIMIT), lambda n: plan_past_the_option_bounds(web_page_title="t" * n))


@pytest.mark.parametrize("below", [0, 1])
def test_a_spec_at_or_just_under_the_limit_is_published(title_at_the_limit, below):
    plan = plan_past_the_option_bounds(web_page_title="t" * (title_at_the_limit - below))

    assert spec_size(plan.pod_spec, plan.k8s_resources) == SPEC_LIMIT - below


def test_a_page_title_one_byte_over_the_spec_limit_blocks_naming_the_option(title_at_the_limit):
    with pytest.raises(SpecTooLarge) as raised:
        plan_past_the_option_bounds(web_page_title="t" * (title_at_the_limit + 1))

    assert str(raised.value).startswith(
        f"the pod spec would be {SPEC_LIMIT + 1} bytes; etcd's request limit leaves room for {SPEC_LIMIT}; "
        "largest: web-page-title (--web.page-title) 1.4 MiB, ")


def test_a_multi_megabyte_page_title_blocks_the_unit():
    with pytest.raises(SpecTooLarge) as raised:
        plan_past_the_option_bounds(web_page_title="t" * (3 * MIB))

    assert "largest: web-page-title (--web.page-title) 3.0 MiB" in str(raised.value)
    assert status_for_error(raised.value).kind is StatusKind.BLOCKED
    assert isinstance(raised.value, DomainError) and not raised.value.transient


def test_the_spec_counts_text_outside_ascii_in_utf8_bytes():
    plain, accented = make_plan(web_page_title="e" * 100), make_plan(web_page_title="é" * 100)

    assert (spec_size(accented.pod_spec, accented.k8s_resources)
            - spec_size(plain.pod_spec, plain.k8s_resources)) == 100


def test_the_spec_counts_the_k8s_resources_too():
    plan = make_plan(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    assert spec_size(plan.pod_spec, plan.k8s_resources) > spec_size(plan.pod_spec, {}) + len(KEY_PEM)


# --- generic specs: the budget reads whatever files volumes and Secrets a spec declares ---------

def spec_with(*volumes) -> dict:
    return {"version": 3, "containers": [{"name": "c", "args": [], "volumeConfig": [
        {"name": name, "mountPath": f"/{name}", "files": [{"path": p, "content": c} for p, c in files]}
        for name, files in volumes]}]}


def secrets(**values) -> dict:
    return {"kubernetesResources": {"secrets": [{"name": "app-tls", "type": "kubernetes.io/tls",
                                                 "stringData": values}]}}


FEEDERS = {"charm-alert-rules.rules": "alert-rules", "tls.crt": "ssl_cert", "tls.key": "ssl_key"}


def test_each_files_volume_is_its_own_config_map():
    half = "x" * (CONFIG_MAP_LIMIT // 2 + 1)
    check_budget(spec_with(("a", [("one", half)]), ("b", [("two", half)])), {}, "app", FEEDERS)

    with pytest.raises(SpecTooLarge) as raised:
        check_budget(spec_with(("a", [("one", half)]), ("cfg", [("two", half), ("three", half)])),
                     {}, "app", FEEDERS)

    assert str(raised.value).startswith(f"ConfigMap app-cfg-config would be {CONFIG_MAP_LIMIT + 2} bytes")


def test_a_config_map_counts_values_in_utf8_bytes_and_not_keys():
    at_limit = "é" * (CONFIG_MAP_LIMIT // 2)
    check_budget(spec_with(("v", [("a-very-long-key-" * 10, at_limit)])), {}, "app", FEEDERS)

    with pytest.raises(SpecTooLarge, match="would be 1048577 bytes"):
        check_budget(spec_with(("v", [("k", at_limit + "e")])), {}, "app", FEEDERS)


def test_the_message_names_the_largest_files_and_their_options():
    spec = spec_with(("config", [("charm-alert-rules.rules", "r" * 900 * 1024),
                                 ("prometheus.yml", "p" * 200 * 1024), ("web-config.yml", "w" * 10)]))

    with pytest.raises(SpecTooLarge) as raised:
        check_budget(spec, {}, "prometheus", {**FEEDERS, "prometheus.yml": "external-labels"})

    assert str(raised.value) == (
        "ConfigMap prometheus-config-config would be 1126410 bytes; Kubernetes stores at most 1048576; "
        "largest: alert-rules (charm-alert-rules.rules) 900 KiB, external-labels (prometheus.yml) "
        "200 KiB, web-config.yml 10 bytes")


@pytest.mark.parametrize("over, fits", [(-1, True), (0, True), (1, False)])
def test_a_secret_at_under_and_over_the_limit(over, fits):
    resources = secrets(**{"tls.crt": "c" * (SECRET_LIMIT - 100 + over), "tls.key": "k" * 100})

    if fits:
        check_budget(spec_with(), resources, "app", FEEDERS)
        return
    with pytest.raises(SpecTooLarge) as raised:
        check_budget(spec_with(), resources, "app", FEEDERS)
    assert str(raised.value) == (
        "Secret app-tls would be 1048577 bytes; Kubernetes stores at most 1048576; "
        "largest: ssl_cert (tls.crt) 1023 KiB, ssl_key (tls.key) 100 bytes")


def test_secret_data_counts_decoded_bytes_and_string_data_wins_a_shared_key():
    data = {"tls.crt": base64.b64encode(b"c" * SECRET_LIMIT).decode(), "tls.key": base64.b64encode(b"k").decode()}
    resources = {"kubernetesResources": {"secrets": [{"name": "s", "data": data, "stringData": {"tls.key": ""}}]}}
    check_budget(spec_with(), resources, "app", FEEDERS)

    data["tls.key"] = base64.b64encode(b"kk").decode()
    del resources["kubernetesResources"]["secrets"][0]["stringData"]
    with pytest.raises(SpecTooLarge, match="Secret s would be 1048578 bytes"):
        check_budget(spec_with(), resources, "app", FEEDERS)


def test_every_problem_is_reported_at_once():
    big = "x" * (CONFIG_MAP_LIMIT + 1)
    with pytest.raises(SpecTooLarge) as raised:
        check_budget(spec_with(("a", [("f", big)])), secrets(**{"tls.key": big}), "app", FEEDERS)

    problems = str(raised.value).split("; largest: ")
    assert str(raised.value).startswith("ConfigMap app-a-config would be")
    assert "Secret app-tls would be" in str(raised.value) and "the pod spec would be" in str(raised.value)
    assert len(problems) == 4


# --- the Ingress' Secret: counted in the spec, and each of its keys named after its option ------

def test_the_spec_counts_the_ingress_secret_and_the_ingress():
    off = make_plan()
    on = make_plan(ingress_hostname="prometheus.example.com", ingress_tls_cert=CERT_PEM, ingress_tls_key=KEY_PEM)

    assert spec_size(on.pod_spec, on.k8s_resources) > spec_size(off.pod_spec, off.k8s_resources) + \
        len(CERT_PEM) + len(KEY_PEM) + len("prometheus.example.com")


def test_an_oversized_ingress_secret_names_the_ingress_options_not_ssl_cert():
    from domain.facts import Identity
    from domain.kubernetes.resources import secret_feeders

    feeders = secret_feeders(Identity("app", "lma"))
    resources = {"kubernetesResources": {"secrets": [
        {"name": "app-web-tls", "type": "kubernetes.io/tls", "stringData": {"tls.crt": "c", "tls.key": "k"}},
        {"name": "app-ingress-tls", "type": "kubernetes.io/tls",
         "stringData": {"tls.crt": "c" * SECRET_LIMIT, "tls.key": "k" * 10}}]}}

    with pytest.raises(SpecTooLarge) as raised:
        check_budget(spec_with(), resources, "app", feeders)

    assert str(raised.value).startswith(
        "Secret app-ingress-tls would be 1048586 bytes; Kubernetes stores at most 1048576; "
        "largest: ingress-tls-cert (tls.crt) 1.0 MiB, ingress-tls-key (tls.key) 10 bytes")
    assert "Secret app-web-tls" not in str(raised.value)
