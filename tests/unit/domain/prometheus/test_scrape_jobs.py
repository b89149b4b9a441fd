"""Scrape jobs: the cluster jobs read targets that send no Content-Type as text on Prometheus >= 3.0;
the port annotation holds for IPv4 and IPv6; finished pods are no targets."""

import functools
import ipaddress
import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from domain.prometheus.config_file import build_prometheus_config, render_prometheus_yml
from tests.support.builders import make_config, make_facts

CLUSTER_JOBS = ["kubernetes-apiservers", "kubernetes-nodes", "kubernetes-cadvisor",
                "kubernetes-service-endpoints", "kubernetes-pods"]


def jobs(image: str, monitor_k8s: bool = True) -> dict:
    facts = make_facts(image)
    config = make_config(facts.image.version, monitor_k8s=monitor_k8s)
    text = render_prometheus_yml(build_prometheus_config(config, facts.image.version))
    return {job["job_name"]: job for job in yaml.safe_load(text)["scrape_configs"]}


@pytest.mark.parametrize("image", ["prom/prometheus:v3.0.0", "prom/prometheus:v3.5.0", "prom/prometheus:latest"])
def test_cluster_jobs_fall_back_to_the_text_format_from_3_0(image):
    found = jobs(image)

    for name in CLUSTER_JOBS:
        assert found[name]["fallback_scrape_protocol"] == "PrometheusText0.0.4", name


@pytest.mark.parametrize("image", ["prom/prometheus:v2.55.1", "prom/prometheus:v2.53.0", "prom/prometheus:v2.11.0"])
def test_before_3_0_no_job_names_a_fallback_protocol(image):
    # Prometheus 2.x does not know the field and refuses the whole file.
    for name, job in jobs(image).items():
        assert "fallback_scrape_protocol" not in job, name


def test_prometheus_own_job_needs_no_fallback():
    assert "fallback_scrape_protocol" not in jobs("prom/prometheus:v3.0.0")["prometheus"]
    assert list(jobs("prom/prometheus:v3.0.0", monitor_k8s=False)) == ["prometheus"]


@pytest.mark.parametrize("image", ["prom/prometheus:v2.11.0", "prom/prometheus:v2.24.0", "prom/prometheus:v3.0.0"])
def test_the_default_config_scrapes_only_prometheus_itself(image):
    facts = make_facts(image)
    text = render_prometheus_yml(build_prometheus_config(make_config(facts.image.version), facts.image.version))

    assert yaml.safe_load(text)["scrape_configs"] == [{
        "job_name": "prometheus", "metrics_path": "/metrics",
        "static_configs": [{"targets": ["localhost:9090"]}]}]


# --- the prometheus.io/port annotation (Prometheus 3.x runs these jobs in
# tests/e2e/test_monitor_k8s_discovery.py; here, many addresses through the same rules) ---------

def relabelled_address(rules: tuple, address: str, port: str) -> str:
    """``replace`` rules on [__address__, port annotation] as Prometheus applies them: the
    regex anchored at both ends, ``$n`` its groups (model/relabel/relabel.go)."""
    for rule in rules:
        if rule.get("target_label") != "__address__" or "source_labels" not in rule:
            continue
        match = re.fullmatch(rule["regex"], f"{address};{port}")
        if match:
            address = match.expand(re.sub(r"\$(\d)", r"\\\1", rule["replacement"]))
    return address


@functools.lru_cache(maxsize=None)
def address_rules(job: str) -> tuple:
    return tuple(jobs("prom/prometheus:v3.5.0")[job]["relabel_configs"])


def bracketed(ip: ipaddress._BaseAddress) -> str:
    return f"[{ip}]" if ip.version == 6 else str(ip)


@pytest.mark.parametrize("job", ["kubernetes-pods", "kubernetes-service-endpoints"])
@given(ip=st.ip_addresses(), container_port=st.none() | st.integers(1, 65535),
       annotated=st.integers(1, 65535))
def test_the_annotated_port_replaces_any_port_of_ipv4_and_ipv6_addresses(job, ip, container_port, annotated):
    rules = address_rules(job)
    # Discovery joins host and port (net.JoinHostPort); a pod without ports gives its bare IP.
    address = str(ip) if container_port is None else f"{bracketed(ip)}:{container_port}"

    assert relabelled_address(rules, address, str(annotated)) == f"{bracketed(ip)}:{annotated}"


@pytest.mark.parametrize("address", ["10.1.2.3:8080", "[fd00::5]:8080", "fd00::5", "10.1.2.3", "pod.ns:80"])
@pytest.mark.parametrize("port", ["", "http", "80a"])
def test_without_a_numeric_port_annotation_the_address_stays(address, port):
    assert relabelled_address(address_rules("kubernetes-pods"), address, port) == address


def test_a_host_name_gets_the_annotated_port():
    rules = jobs("prom/prometheus:v2.42.0")["kubernetes-service-endpoints"]["relabel_configs"]
    assert relabelled_address(tuple(rules), "db.shop.svc:5432", "9187") == "db.shop.svc:9187"


@pytest.mark.parametrize("image", ["prom/prometheus:v2.42.0", "prom/prometheus:v3.5.0"])
def test_finished_pods_are_dropped_before_anything_else(image):
    first = jobs(image)["kubernetes-pods"]["relabel_configs"][0]

    assert first == {"source_labels": ["__meta_kubernetes_pod_phase"], "action": "drop",
                     "regex": "Succeeded|Failed"}
    assert [p for p in ("Pending", "Running", "Unknown", "Succeeded", "Failed")
            if re.fullmatch(first["regex"], p)] == ["Succeeded", "Failed"]
