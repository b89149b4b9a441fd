"""Scrape jobs: the cluster jobs read targets that send no Content-Type as text on Prometheus >= 3.0."""

import pytest
import yaml

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
