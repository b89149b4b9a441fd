"""What the pods are made of changes only where it must; contents travel in the ConfigMap and Secret.

Juju builds the StatefulSet's pod template from the spec: a ``files`` volume would list each
file (volume.go fileSetToVolume), so the charm mounts whole ConfigMaps declared in the spec's
``configMaps``, whose keys come and go freely; flags, probes and the service account roll the
pods. File contents go to the ConfigMap, certificate and key to the Secret,
and the RBAC rules to the ClusterRole: none of those is in the pod template.
"""

from typing import Any, Dict, Iterator, Tuple

import pytest

from tests.support.builders import make_plan
from tests.support.tls import CERT_PEM, KEY_PEM, RENEWED_CERT_PEM

RULES = "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n"
TLS = {"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM}


def template(**options: Any) -> Dict[str, Any]:
    """The spec and k8s resources less what reaches the pods as content."""
    result = make_plan(**options)
    spec = dict(result.pod_spec, serviceAccount=dict(result.pod_spec["serviceAccount"], roles="(RBAC)"))
    container, = spec["containers"]
    volumes = [dict(v, files=[dict(f, content="(ConfigMap)") for f in v["files"]]) if "files" in v else v
               for v in container["volumeConfig"]]
    spec["containers"] = [dict(container, volumeConfig=volumes)]
    spec["configMaps"] = sorted(spec.get("configMaps") or {})  # objects of their own: names only
    resources = dict(result.k8s_resources["kubernetesResources"])
    resources["secrets"] = [dict(s, stringData={k: "(Secret)" for k in s["stringData"]}) for s in resources["secrets"]]
    return {"spec": spec, "k8s_resources": resources}


def differences(a: Any, b: Any, path: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from differences(a.get(key), b.get(key), path + (key,))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, path + (index,))
    elif a != b:
        yield path


@pytest.mark.parametrize("change", [
    {"alert_rules": RULES},
    {"scrape_interval": "30s", "external_labels": '{"region": "eu"}', "alertmanager_timeout": "5s"},
    {"monitor_k8s": False, "alert_rules": RULES},
])
def test_rules_and_prometheus_yml_leave_the_pod_template_alone(change):
    assert list(differences(template(), template(**change))) == []


def test_a_renewed_certificate_leaves_the_pod_template_alone():
    renewed = dict(TLS, ssl_cert=RENEWED_CERT_PEM)

    assert list(differences(template(**TLS), template(**renewed))) == []


def test_turning_tls_on_or_off_changes_the_probes_scheme_and_nothing_else():
    changed = list(differences(template(), template(**TLS)))

    probe = ("spec", "containers", 0, "kubernetes")
    assert changed == [probe + ("livenessProbe", "httpGet", "scheme"),
                       probe + ("readinessProbe", "httpGet", "scheme")]


def test_monitor_k8s_changes_the_service_account_token_and_nothing_else_of_the_pods():
    # what it grants changes too, in the ClusterRole; prometheus.yml's jobs in the ConfigMap
    assert list(differences(template(), template(monitor_k8s=True))) == [
        ("spec", "serviceAccount", "automountServiceAccountToken")]


def test_tls_off_empties_the_secret_that_tls_on_filled():
    on = make_plan(**TLS).k8s_resources["kubernetesResources"]["secrets"]
    off = make_plan().k8s_resources["kubernetesResources"]["secrets"]

    assert [(s["name"], s["type"]) for s in on] == [(s["name"], s["type"]) for s in off]
    assert off[0]["stringData"] == {"tls.crt": "", "tls.key": ""}
    assert on[0]["stringData"] == {"tls.crt": CERT_PEM, "tls.key": KEY_PEM}
