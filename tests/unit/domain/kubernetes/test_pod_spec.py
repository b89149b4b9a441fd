"""The pod spec: container, image, files, probes, port, RBAC, TLS volume; one golden file."""

import json
from pathlib import Path

import pytest
import yaml

from domain.kubernetes.rbac import NO_GRANT_RULES, RBAC_RULES
from scripts.localrun.pod import materialise
from tests.support.builders import make_plan
from tests.support.extract import cli_flag, config_file, container
from tests.support.tls import CERT_PEM, KEY_PEM

GOLDEN = Path(__file__).parent / "golden"
RULES = "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n"


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
    assert role["rules"] == RBAC_RULES
    assert {verb for rule in role["rules"] for verb in rule["verbs"]} == {"get", "list", "watch"}


def test_without_monitor_k8s_the_same_role_grants_nothing_and_pods_get_no_token():
    on, off = spec_for(monitor_k8s=True)["serviceAccount"], spec_for()["serviceAccount"]

    # the same role, so that Juju replaces the rules of the ClusterRole an earlier spec made
    assert [r["name"] for r in off["roles"]] == [r["name"] for r in on["roles"]]
    assert off["roles"][0]["global"] is True
    # get /version: what Kubernetes' system:public-info-viewer gives every client already
    assert off["roles"][0]["rules"] == NO_GRANT_RULES == [{"nonResourceURLs": ["/version"], "verbs": ["get"]}]
    assert (on["automountServiceAccountToken"], off["automountServiceAccountToken"]) == (True, False)


def test_tls_puts_key_in_a_secret_and_never_in_the_spec():
    plan = make_plan(ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    assert "PRIVATE KEY" not in json.dumps(plan.pod_spec)
    secret = plan.k8s_resources["kubernetesResources"]["secrets"][0]
    assert secret["stringData"]["tls.key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert cli_flag(plan.pod_spec, "--web.config.file") == "/etc/prometheus/config/web-config.yml"
    assert container(plan.pod_spec)["kubernetes"]["readinessProbe"]["httpGet"]["scheme"] == "HTTPS"


@pytest.mark.parametrize("name, options", [
    ("pod-spec.yaml", {"monitor_k8s": True, "log_level": "info", "tsdb_retention_size": "1GB"}),
    ("pod-spec-tls.yaml", {"ssl_cert": "CERT", "ssl_key": "KEY", "alert_rules": "RULES"}),
    ("pod-spec-ingress.yaml", {"ssl_cert": "CERT", "ssl_key": "KEY", "ingress_hostname": "prometheus.example.com",
                               "ingress_class": "nginx", "ingress_path": "/prom",
                               "ingress_tls_cert": "CERT", "ingress_tls_key": "KEY"}),
])
def test_golden_pod_spec(name, options):
    given = {"CERT": CERT_PEM, "KEY": KEY_PEM, "RULES": RULES}
    plan = make_plan("prom/prometheus:v2.53.0", **{k: given.get(v, v) for k, v in options.items()})

    text = yaml.safe_dump({"spec": plan.pod_spec, "k8s_resources": plan.k8s_resources}, sort_keys=True)

    assert text == (GOLDEN / name).read_text()


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

    [secret] = [s for s in resources["secrets"] if s["name"] == "prometheus-web-tls"]
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


def test_without_a_certificate_the_tls_secret_is_declared_empty_and_web_config_serves_http():
    plan = make_plan()
    resources = plan.k8s_resources["kubernetesResources"]

    # Juju never deletes a Secret a spec leaves out: declared empty, no key stays behind
    secret, ingress_secret = resources["secrets"]
    assert secret == {"name": "prometheus-web-tls", "type": "kubernetes.io/tls",
                      "stringData": {"tls.crt": "", "tls.key": ""}}
    assert ingress_secret == {"name": "prometheus-ingress-tls", "type": "kubernetes.io/tls",
                              "stringData": {"tls.crt": "", "tls.key": ""}}
    [mounted] = [v["secret"] for v in container(plan.pod_spec)["volumeConfig"] if "secret" in v]
    assert mounted["name"] == secret["name"]
    assert yaml.safe_load(config_file(plan.pod_spec, "web-config.yml")) == {}
    assert container(plan.pod_spec)["kubernetes"]["readinessProbe"]["httpGet"]["scheme"] == "HTTP"
