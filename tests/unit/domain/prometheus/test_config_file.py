"""prometheus.yml: what each option and fact becomes, and one golden file."""

from pathlib import Path

import yaml

from domain.facts import AlertmanagerTarget
from domain.prometheus.config_file import build_prometheus_config, render_prometheus_yml
from tests.support.builders import make_config, make_facts
from tests.support.tls import CERT_PEM, KEY_PEM

GOLDEN = Path(__file__).parent / "golden"


def render(config, facts) -> str:
    return render_prometheus_yml(build_prometheus_config(config, facts.image.version, facts.alertmanagers))


def rendered(config=None, facts=None) -> dict:
    return yaml.safe_load(render(config or make_config(), facts or make_facts()))


def job(document: dict, name: str) -> dict:
    return next(j for j in document["scrape_configs"] if j["job_name"] == name)


def test_globals_come_from_the_options():
    document = rendered(make_config(scrape_interval="30s", scrape_timeout="20s", evaluation_interval="45s"))

    assert document["global"] == {"scrape_interval": "30s", "scrape_timeout": "20s",
                                  "evaluation_interval": "45s",
                                  "external_labels": {"prometheus_replica": "${POD_NAME}"}}


def test_external_labels_are_written_when_given_beside_the_replica_label():
    document = rendered(make_config(external_labels='{"cluster": "dc1"}'))

    assert document["global"]["external_labels"] == {"cluster": "dc1", "prometheus_replica": "${POD_NAME}"}


def test_prometheus_scrapes_itself():
    self_job = job(rendered(), "prometheus")

    assert self_job["static_configs"] == [{"targets": ["localhost:9090"]}]
    assert self_job["metrics_path"] == "/metrics"


def test_self_scrape_follows_the_external_url_path():
    self_job = job(rendered(make_config(web_external_url="http://example.com/prom/")), "prometheus")

    assert self_job["metrics_path"] == "/prom/metrics"


def test_self_scrape_uses_https_when_tls_is_on():
    self_job = job(rendered(make_config(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)), "prometheus")

    assert self_job["scheme"] == "https"


def test_alertmanagers_are_grouped_with_the_timeout_option():
    facts = make_facts(alertmanagers=(AlertmanagerTarget("10.0.0.7", 9093),
                                      AlertmanagerTarget("10.0.0.8", 9093),
                                      AlertmanagerTarget("10.0.0.7", 9093),
                                      AlertmanagerTarget("am.example.com", 443, "https", "/am")))

    document = rendered(make_config(alertmanager_timeout="7s"), facts)

    assert document["alerting"]["alertmanagers"] == [
        {"scheme": "http", "path_prefix": "/", "timeout": "7s",
         "static_configs": [{"targets": ["10.0.0.7:9093", "10.0.0.8:9093"]}]},
        {"scheme": "https", "path_prefix": "/am", "timeout": "7s",
         "static_configs": [{"targets": ["am.example.com:443"]}]},
    ]


def test_no_alerting_section_without_alertmanagers():
    assert "alerting" not in rendered()


def test_rule_files_are_relative_to_the_config_file():
    assert rendered()["rule_files"] == ["*.rules"]


def test_monitor_k8s_adds_the_cluster_jobs():
    names = [j["job_name"] for j in rendered(make_config(monitor_k8s=True))["scrape_configs"]]

    assert names == ["prometheus", "kubernetes-apiservers", "kubernetes-nodes", "kubernetes-cadvisor",
                     "kubernetes-service-endpoints", "kubernetes-pods"]


def test_cluster_jobs_authenticate_with_the_service_account():
    nodes = job(rendered(make_config(monitor_k8s=True)), "kubernetes-nodes")

    assert nodes["authorization"] == {
        "credentials_file": "/var/run/secrets/kubernetes.io/serviceaccount/token"}


def test_rendering_is_deterministic():
    config, facts = make_config(monitor_k8s=True, external_labels='{"b": "2", "a": "1"}'), make_facts()

    first = render(config, facts)
    second = render(config, facts)

    assert first == second


def test_golden_prometheus_yml():
    config = make_config(monitor_k8s=True, external_labels='{"cluster": "dc1"}',
                         scrape_interval="30s", alertmanager_timeout="5s")
    facts = make_facts(alertmanagers=(AlertmanagerTarget("alertmanager-0.lma.svc", 9093),))

    text = render(config, facts)

    assert text == (GOLDEN / "prometheus.yml").read_text()


def test_self_scrape_over_tls_skips_verifying_its_own_certificate():
    # The certificate names the public host; the job scrapes localhost.
    self_job = job(rendered(make_config(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)), "prometheus")

    assert self_job == {"job_name": "prometheus", "metrics_path": "/metrics", "scheme": "https",
                        "tls_config": {"insecure_skip_verify": True},
                        "static_configs": [{"targets": ["localhost:9090"]}]}
