"""The pod spec: container, image, files, probes, port, RBAC, TLS volume; one golden file."""

import json
import re
from pathlib import Path

import yaml

from domain.plan import plan as make_plan_for
from scripts.localrun.pod import materialise
from tests.support.builders import make_config, make_facts, make_plan
from tests.support.extract import cli_flag, config_file, container
from tests.support.tls import CERT_PEM, KEY_PEM

# Kubernetes object and volume names: RFC 1123 labels (lower case, digits, '-'), at most 63 long.
# https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")

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


def test_tls_secret_is_mounted_where_web_config_yml_points(tmp_path):
    plan = make_plan(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    root = tmp_path / "pod"

    # the container's volumes as kubelet lays them out: inline files and the Secret's keys
    materialise(plan.pod_spec, plan.k8s_resources, root)

    web_config = root / cli_flag(plan.pod_spec, "--web.config.file").lstrip("/")
    tls = yaml.safe_load(web_config.read_text())["tls_server_config"]
    # Prometheus resolves these paths against the directory of web-config.yml
    assert (web_config.parent / tls["cert_file"]).read_text() == CERT_PEM
    assert (web_config.parent / tls["key_file"]).read_text() == KEY_PEM


def test_tls_secret_is_a_kubernetes_tls_secret_readable_by_the_pod_group_only():
    plan = make_plan(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    resources = plan.k8s_resources["kubernetesResources"]

    [secret] = resources["secrets"]
    # https://kubernetes.io/docs/concepts/configuration/secret/#tls-secrets
    assert secret["type"] == "kubernetes.io/tls"
    assert set(secret["stringData"]) == {"tls.crt", "tls.key"}
    [mounted] = [v["secret"] for v in container(plan.pod_spec)["volumeConfig"] if "secret" in v]
    assert mounted["name"] == secret["name"]
    # files of a Secret volume belong to root and the pod's fsGroup: Prometheus (nobody) reads
    # them through the group; nobody else may
    mode = mounted["defaultMode"]
    assert resources["pod"]["securityContext"]["fsGroup"] == \
        container(plan.pod_spec)["kubernetes"]["securityContext"]["runAsGroup"]
    assert mode & 0o040 and not mode & 0o007


def test_no_tls_volume_nor_secret_without_a_certificate():
    plan = make_plan()

    assert [v for v in container(plan.pod_spec)["volumeConfig"] if "secret" in v] == []
    assert "secrets" not in plan.k8s_resources["kubernetesResources"]
    assert config_file(plan.pod_spec, "web-config.yml") is None


def test_names_given_to_kubernetes_are_valid_and_carry_the_application_name():
    config = make_config(ssl_cert=CERT_PEM, ssl_key=KEY_PEM, monitor_k8s=True)
    plans = [make_plan_for(config, make_facts(app=app)) for app in ("prometheus", "prom-two")]

    for app, plan in zip(("prometheus", "prom-two"), plans):
        volumes = [v["name"] for v in container(plan.pod_spec)["volumeConfig"]]
        secrets = [s["name"] for s in plan.k8s_resources["kubernetesResources"]["secrets"]]
        roles = [r["name"] for r in plan.pod_spec["serviceAccount"]["roles"]]
        assert len(set(volumes)) == len(volumes) == 2
        for name in volumes + secrets + roles:
            assert DNS_LABEL.fullmatch(name), name
        # a Secret and a cluster role are per application: two applications must not share them
        assert all(app in name for name in secrets + roles)
