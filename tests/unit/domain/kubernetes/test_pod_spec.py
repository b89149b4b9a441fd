"""The pod spec: container, image, files, probes, port, RBAC, TLS volume; one golden file."""

import json
from pathlib import Path

import yaml

from tests.support.builders import make_plan
from tests.support.extract import cli_flag, config_file, container
from tests.support.tls import CERT_PEM, KEY_PEM

GOLDEN = Path(__file__).parent / "golden"


def spec_for(image="prom/prometheus:v2.53.0", **options):
    return make_plan(image, **options).pod_spec


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


def test_golden_pod_spec():
    plan = make_plan("prom/prometheus:v2.53.0", monitor_k8s=True, log_level="info", tsdb_retention_size="1GB")

    text = yaml.safe_dump({"spec": plan.pod_spec, "k8s_resources": plan.k8s_resources}, sort_keys=True)

    assert text == (GOLDEN / "pod-spec.yaml").read_text()
