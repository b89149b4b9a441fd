"""The pod spec: flags for every option, files, probes, storage, RBAC, TLS; the k8s resources."""

import json
from pathlib import Path

import pytest
import yaml

from tests.support.builders import make_plan
from tests.support.extract import args, cli_flag, config_file, container, prometheus_yml
from tests.support.tls import CERT_PEM, KEY_PEM

GOLDEN = Path(__file__).parent / "golden"


def spec_for(image="prom/prometheus:v2.53.0", **options):
    return make_plan(image, **options).pod_spec


@pytest.mark.parametrize("options, flag, value", [
    ({"log_level": "debug"}, "--log.level", "debug"),
    ({"web_max_connections": 64}, "--web.max-connections", "64"),
    ({"web_read_timeout": "90s"}, "--web.read-timeout", "90s"),
    ({"web_external_url": "https://prom.example.com/x"}, "--web.external-url", "https://prom.example.com/x"),
    ({"web_enable_admin_api": True}, "--web.enable-admin-api", ""),
    ({"web_page_title": "Ops \"Prom\""}, "--web.page-title", "Ops \"Prom\""),
    ({"tsdb_retention_time": "30d"}, "--storage.tsdb.retention.time", "30d"),
    ({"tsdb_retention_size": "20GB"}, "--storage.tsdb.retention.size", "20GB"),
    ({"tsdb_wal_compression": True}, "--storage.tsdb.wal-compression", ""),
    ({"tsdb_wal_compression": False}, "--no-storage.tsdb.wal-compression", ""),
    ({"alertmanager_notification_queue_capacity": 77}, "--alertmanager.notification-queue-capacity", "77"),
])
def test_option_becomes_its_flag(options, flag, value):
    assert cli_flag(spec_for(**options), flag) == value


@pytest.mark.parametrize("flag", ["--log.level", "--web.external-url", "--web.enable-admin-api",
                                  "--storage.tsdb.retention.size", "--web.config.file",
                                  "--alertmanager.timeout"])
def test_flag_is_absent_by_default(flag):
    assert cli_flag(spec_for(), flag) is None


def test_lifecycle_api_is_enabled_so_the_charm_can_reload():
    assert cli_flag(spec_for(), "--web.enable-lifecycle") == ""


def test_config_file_and_storage_paths():
    spec = spec_for()

    assert cli_flag(spec, "--config.file") == "/etc/prometheus/config/prometheus.yml"
    assert cli_flag(spec, "--storage.tsdb.path") == "/prometheus"
    assert config_file(spec, "prometheus.yml") is not None


def test_image_details_come_from_the_resource():
    spec = spec_for("registry.example.com/prom/prometheus:v2.53.0")

    assert container(spec)["imageDetails"]["imagePath"] == "registry.example.com/prom/prometheus:v2.53.0"


def test_probes_check_ready_and_healthy_under_the_route_prefix():
    probes = container(spec_for(web_external_url="http://example.com/prom"))["kubernetes"]

    assert probes["readinessProbe"]["httpGet"]["path"] == "/prom/-/ready"
    assert probes["livenessProbe"]["httpGet"]["path"] == "/prom/-/healthy"
    # a long WAL replay must not get the pod killed: liveness tolerates 5 minutes of failures
    liveness = probes["livenessProbe"]
    assert liveness["periodSeconds"] * liveness["failureThreshold"] >= 300


def test_port_9090_is_the_first_and_only_port():
    assert container(spec_for())["ports"] == [{"name": "http", "containerPort": 9090, "protocol": "TCP"}]


def test_alert_rules_become_a_rule_file_next_to_prometheus_yml():
    rules = "groups:\n- name: demo\n  rules:\n  - alert: Always\n    expr: vector(1)\n"

    spec = spec_for(alert_rules=rules)

    assert yaml.safe_load(config_file(spec, "charm-alert-rules.rules"))["groups"][0]["name"] == "demo"
    assert prometheus_yml(spec)["rule_files"] == ["*.rules"]


def test_no_rule_file_without_rules():
    assert config_file(spec_for(), "charm-alert-rules.rules") is None


def test_monitor_k8s_grants_cluster_wide_read_access():
    spec = spec_for(monitor_k8s=True)

    role = spec["serviceAccount"]["roles"][0]
    assert role["global"] is True
    assert {"pods", "nodes", "endpoints", "services", "nodes/proxy"} <= set(role["rules"][0]["resources"])
    assert set(role["rules"][0]["verbs"]) == {"get", "list", "watch"}


def test_no_service_account_without_monitor_k8s():
    assert "serviceAccount" not in spec_for()


def test_tls_puts_key_in_a_secret_and_never_in_the_spec():
    plan = make_plan(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    assert "PRIVATE KEY" not in json.dumps(plan.pod_spec)
    secret = plan.k8s_resources["kubernetesResources"]["secrets"][0]
    assert secret["stringData"]["tls.key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert cli_flag(plan.pod_spec, "--web.config.file") == "/etc/prometheus/config/web-config.yml"
    assert container(plan.pod_spec)["kubernetes"]["readinessProbe"]["httpGet"]["scheme"] == "HTTPS"


def test_pods_get_fsgroup_so_nobody_can_write_the_storage():
    plan = make_plan()

    assert plan.k8s_resources["kubernetesResources"]["pod"]["securityContext"] == {"fsGroup": 65534}


def test_enforce_pod_restart_annotates_pods_with_a_content_hash():
    first = make_plan(enforce_pod_restart=True, scrape_interval="1m")
    second = make_plan(enforce_pod_restart=True, scrape_interval="2m")

    a1 = first.k8s_resources["kubernetesResources"]["pod"]["annotations"]
    a2 = second.k8s_resources["kubernetesResources"]["pod"]["annotations"]
    assert a1 != a2
    again = make_plan(enforce_pod_restart=True, scrape_interval="1m")
    assert a1 == again.k8s_resources["kubernetesResources"]["pod"]["annotations"]


def test_without_enforce_pod_restart_pods_are_not_annotated():
    plan = make_plan()

    assert "annotations" not in plan.k8s_resources["kubernetesResources"]["pod"]


def test_digest_changes_with_prometheus_yml_only():
    base = make_plan()

    assert base.digest == make_plan(log_level="debug").digest
    assert base.digest != make_plan(scrape_interval="2m").digest


def test_all_args_are_single_flags():
    for arg in args(spec_for(web_page_title="A title with spaces", web_external_url="http://x/y")):
        assert arg.startswith("--") and "\n" not in arg


def test_golden_pod_spec():
    plan = make_plan("prom/prometheus:v2.53.0", monitor_k8s=True, log_level="info", tsdb_retention_size="1GB")

    text = yaml.safe_dump({"spec": plan.pod_spec, "k8s_resources": plan.k8s_resources}, sort_keys=True)

    assert text == (GOLDEN / "pod-spec.yaml").read_text()
