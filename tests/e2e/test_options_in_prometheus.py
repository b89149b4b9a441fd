"""Every option, changed once, observed in a real running Prometheus of each generation, or its flags.

The pod spec is built by the charm's core for the image of the very version that then runs it
(``generation.image``); its files and args run by scripts/localrun/pod.py.
"""

import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from domain.facts import AlertmanagerTarget
from scripts.localrun.generations import Generation
from scripts.localrun.pod import LocalPod, materialise
from scripts.localrun.processes import ManagedProcess, free_port, wait_until_ready
from tests.support.builders import make_facts, make_plan
from tests.support.tls import CERT_PEM, KEY_PEM

pytestmark = pytest.mark.e2e


@pytest.fixture
def run_pod(tmp_path, generation: Generation):
    pods = []

    def start(facts=None, ca_pem=None, **options):
        facts = facts or make_facts(generation.image)
        plan = make_plan(facts.image.image_path, facts.alertmanagers, **options)
        pod = LocalPod(plan.pod_spec, plan.k8s_resources, tmp_path / f"pod{len(pods)}", ca_pem=ca_pem,
                       binary=generation.prometheus)
        pods.append(pod)
        return pod

    yield start
    for pod in pods:
        pod.stop()


def test_the_pod_runs_the_version_its_image_names(run_pod, generation):
    pod = run_pod()

    version = ".".join(map(str, generation.version))
    assert pod.version().split("+")[0] == version  # Debian's builds add "+ds"
    assert generation.image == f"prom/prometheus:v{version}"


@pytest.mark.parametrize("options, flag, value", [
    ({"log_level": "debug"}, "log.level", "debug"),
    ({"web_max_connections": 64}, "web.max-connections", "64"),
    ({"web_read_timeout": "1h30m"}, "web.read-timeout", "1h30m"),
    ({"web_enable_admin_api": True}, "web.enable-admin-api", "true"),
    ({"web_page_title": "Ops' \"Prometheus\" & co"}, "web.page-title", "Ops' \"Prometheus\" & co"),
    ({"tsdb_retention_time": "30d"}, "storage.tsdb.retention.time", "30d"),
    ({"tsdb_retention_size": "512MB"}, "storage.tsdb.retention.size", "512MiB"),
    ({"tsdb_wal_compression": True}, "storage.tsdb.wal-compression", "true"),
    ({"tsdb_wal_compression": False}, "storage.tsdb.wal-compression", "false"),
    ({"alertmanager_notification_queue_capacity": 123}, "alertmanager.notification-queue-capacity", "123"),
])
def test_option_reaches_the_running_flags(run_pod, options, flag, value):
    pod = run_pod(**options)

    assert pod.flags()[flag] == value


def test_external_url_moves_every_endpoint_under_its_path(run_pod):
    pod = run_pod(web_external_url="http://prometheus.example.com/prom", scrape_interval="1s",
                  scrape_timeout="1s")

    assert pod.flags()["web.external-url"] == "http://prometheus.example.com/prom"
    assert pod.prefix == "/prom"
    assert pod.api("/api/v1/status/buildinfo")["version"]
    # the self-scrape follows the prefix and is healthy
    target = pod.wait_for("a healthy self-scrape", lambda: [
        t for t in pod.api("/api/v1/targets")["activeTargets"] if t["health"] == "up"])
    assert target[0]["scrapeUrl"].endswith("/prom/metrics")


def test_globals_reach_the_running_config(run_pod):
    pod = run_pod(scrape_interval="7s", scrape_timeout="3s", evaluation_interval="11s",
                  external_labels='{"cluster": "dc1", "team": "obs"}')

    running = yaml.safe_load(pod.api("/api/v1/status/config")["yaml"])

    assert running["global"]["scrape_interval"] == "7s"
    assert running["global"]["scrape_timeout"] == "3s"
    assert running["global"]["evaluation_interval"] == "11s"
    assert running["global"]["external_labels"] == {"cluster": "dc1", "team": "obs",
                                                    "prometheus_replica": "prometheus-0"}  # the pod's name


def test_alertmanager_timeout_reaches_the_running_config_and_alerts_flow(run_pod, tmp_path, generation):
    binary = generation.alertmanager
    if binary is None:
        pytest.skip("prometheus-alertmanager is not installed (scripts/setup installs it)")
    am_port = free_port()
    (tmp_path / "am.yml").write_text("route: {receiver: sink}\nreceivers: [{name: sink}]\n")
    alertmanager = ManagedProcess(
        [binary, f"--config.file={tmp_path / 'am.yml'}", f"--storage.path={tmp_path / 'am-data'}",
         f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address="],
        tmp_path / "alertmanager.log")
    try:
        wait_until_ready(f"http://127.0.0.1:{am_port}/-/ready", alertmanager)
        # `for` lets discovery (a 5 s tick) find the Alertmanager before the first notification.
        rules = "groups:\n- name: always\n  rules:\n  - alert: AlwaysFiring\n    expr: vector(1)\n    for: 8s\n"
        pod = run_pod(facts=make_facts(generation.image, alertmanagers=(AlertmanagerTarget("127.0.0.1", am_port),)),
                      alertmanager_timeout="7s", evaluation_interval="1s", alert_rules=rules)

        running = yaml.safe_load(pod.api("/api/v1/status/config")["yaml"])
        assert running["alerting"]["alertmanagers"][0]["timeout"] == "7s"
        active = pod.wait_for("the alertmanager to be discovered",
                              lambda: pod.api("/api/v1/alertmanagers")["activeAlertmanagers"])
        assert active[0]["url"].startswith(f"http://127.0.0.1:{am_port}/")

        def delivered():
            with urllib.request.urlopen(f"http://127.0.0.1:{am_port}/api/v2/alerts", timeout=5) as r:
                return [a for a in yaml.safe_load(r.read()) if a["labels"]["alertname"] == "AlwaysFiring"]
        assert pod.wait_for("the alert to reach alertmanager", delivered, timeout=30)
    finally:
        alertmanager.stop()


def test_alert_rules_are_loaded_and_evaluated(run_pod):
    rules = (
        "groups:\n"
        "- name: demo\n"
        "  interval: 1s\n"
        "  rules:\n"
        "  - record: job:up:sum\n"
        "    expr: sum by (job) (up)\n"
        "  - alert: PrometheusSelfScrapeUp\n"
        "    expr: up{job=\"prometheus\"} == 1\n"
        "    labels: {severity: info}\n"
        "    annotations: {summary: \"Prometheus\\nscrapes itself\"}\n"
    )
    pod = run_pod(alert_rules=rules, scrape_interval="1s", scrape_timeout="1s")

    groups = pod.api("/api/v1/rules")["groups"]
    assert [g["name"] for g in groups] == ["demo"]
    assert groups[0]["file"].endswith("charm-alert-rules.rules")
    firing = pod.wait_for("the alert to fire", lambda: [
        a for a in pod.api("/api/v1/alerts")["alerts"] if a["labels"]["alertname"] == "PrometheusSelfScrapeUp"])
    assert firing[0]["labels"]["severity"] == "info"


def test_seed_query_answers_after_self_scrapes(run_pod):
    pod = run_pod(scrape_interval="1s", scrape_timeout="1s")

    pod.wait_for("two self-scrapes", lambda: pod.query("prometheus_tsdb_head_samples_appended_total")["result"])
    result = pod.query("rate(prometheus_tsdb_head_chunks_created_total[1m])")

    assert result["resultType"] == "vector"


def test_tls_serves_https_with_the_configured_certificate(run_pod):
    pod = run_pod(ca_pem=CERT_PEM, ssl_cert=CERT_PEM, ssl_key=KEY_PEM, scrape_interval="1s",
                  scrape_timeout="1s")

    assert pod.url.startswith("https://")
    assert pod.api("/api/v1/status/buildinfo")["version"]
    with pytest.raises((urllib.error.URLError, ConnectionError, ssl.SSLError)):
        urllib.request.urlopen(f"http://127.0.0.1:{pod.port}/-/ready", timeout=3)
    pod.wait_for("the https self-scrape", lambda: [
        t for t in pod.api("/api/v1/targets")["activeTargets"] if t["health"] == "up"])


def test_monitor_k8s_jobs_load_in_prometheus(tmp_path, generation):
    plan = make_plan(generation.image, monitor_k8s=True)
    spec = plan.pod_spec
    if not generation.has_kubernetes_sd:
        # Debian's 2.42 is built without Kubernetes discovery: swap only the discovery blocks for
        # static targets, so relabelling, auth and TLS fields are still checked by the real binary.
        files = spec["configMaps"][plan.config_map]
        document = yaml.safe_load(files["prometheus.yml"])
        for job in document["scrape_configs"]:
            if job.pop("kubernetes_sd_configs", None) is not None:
                job["static_configs"] = [{"targets": ["127.0.0.1:1"]}]
        files["prometheus.yml"] = yaml.safe_dump(document)
    pod = LocalPod(spec, plan.k8s_resources, tmp_path / "k8s", binary=generation.prometheus)
    try:
        running = yaml.safe_load(pod.api("/api/v1/status/config")["yaml"])
        assert {j["job_name"] for j in running["scrape_configs"]} >= {
            "kubernetes-apiservers", "kubernetes-nodes", "kubernetes-cadvisor",
            "kubernetes-service-endpoints", "kubernetes-pods"}
    finally:
        pod.stop()


@pytest.mark.parametrize("options", [
    {},
    {"scrape_interval": "15s", "scrape_timeout": "15s", "evaluation_interval": "500ms"},
    {"external_labels": '{"cluster": "dc1"}', "web_external_url": "https://p.example.com/x/"},
    {"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM},
    {"alert_rules": "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 5m\n"},
])
def test_promtool_accepts_every_rendered_config(tmp_path, options, generation):
    plan = make_plan(generation.image, **options)
    config_dir = tmp_path / "etc/prometheus/config"
    config_dir.mkdir(parents=True)
    for name, content in plan.files.files:
        (config_dir / name).write_text(content)

    result = subprocess.run([generation.promtool, "check", "config", str(config_dir / "prometheus.yml")],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_web_config(tmp_path, generation):
    plan = make_plan(generation.image, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    materialise(plan.pod_spec, plan.k8s_resources, tmp_path)

    result = subprocess.run([generation.promtool, "check", "web-config",
                             str(tmp_path / "etc/prometheus/config/web-config.yml")],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stdout + result.stderr
    assert Path(tmp_path / "etc/prometheus/tls/tls.key").read_text().startswith("-----BEGIN")
