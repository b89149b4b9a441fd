"""Every object Juju makes from the charm's spec passes Kubernetes' OpenAPI schema of its kind.

Checked with kubernetes-validate in strict mode (an unknown field is an error) against one
pinned Kubernetes version (tests/support/k8s_objects.py), for option sets that switch each
object's variants on: RBAC with and without monitor-k8s, the TLS Secrets empty and filled, the
Ingress with and without class, TLS and a path.
"""

import copy

import pytest

from tests.support.builders import make_plan
from tests.support.k8s_objects import KUBERNETES_VERSION, k8s_objects, schema_problems
from tests.support.tls import CERT_PEM, KEY_PEM

INGRESS = {"ingress_hostname": "prometheus.example.com"}
OPTION_SETS = {
    "defaults": {},
    "monitor-k8s": {"monitor_k8s": True, "enforce_pod_restart": True},
    "tls": {"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM},
    "ingress": INGRESS,
    "ingress-full": {**INGRESS, "ingress_class": "nginx", "ingress_path": "/prom", "ingress_tls_cert": CERT_PEM,
                     "ingress_tls_key": KEY_PEM, "ssl_cert": CERT_PEM, "ssl_key": KEY_PEM, "monitor_k8s": True},
    "ingress-wildcard": {"ingress_hostname": "*.example.com", "web_external_url": "https://prom.example.com/x"},
}


def objects(**options):
    plan = make_plan(**options)
    return k8s_objects("prometheus", "lma", plan.pod_spec, plan.k8s_resources)


def by_kind(found, kind):
    return [o for o in found if o["kind"] == kind]


@pytest.mark.parametrize("name", sorted(OPTION_SETS))
def test_every_object_passes_the_kubernetes_schema(name):
    found = objects(**OPTION_SETS[name])

    assert [problem for obj in found for problem in schema_problems(obj)] == []
    kinds = sorted({o["kind"] for o in found})
    expected = {"ClusterRole", "ClusterRoleBinding", "Pod", "Secret", "ServiceAccount"}
    assert kinds == sorted(expected | ({"Ingress"} if "ingress" in name else set()))
    assert len(by_kind(found, "Secret")) == 2


def test_the_schemas_are_those_of_the_pinned_kubernetes_version():
    ingress = by_kind(objects(**INGRESS), "Ingress")[0]

    assert KUBERNETES_VERSION == "1.31.0"
    # kubernetes-validate reports the minor version whose schemas it applied
    import kubernetes_validate
    assert kubernetes_validate.validate(ingress, KUBERNETES_VERSION, strict=True) == "1.31"


@pytest.mark.parametrize("break_it, refused", [
    (lambda i: i["spec"]["rules"][0]["http"]["paths"][0].pop("pathType"), "'pathType' is a required property"),
    (lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"].update(number="9090"),
     "'9090' is not of type 'integer'"),
    (lambda i: i["spec"].update(tlsHosts=["x"]), "Additional properties are not allowed"),
    (lambda i: i["spec"].update(backend={"serviceName": "prometheus", "servicePort": 9090}),
     "Additional properties are not allowed"),  # the v1beta1 shape is no v1 Ingress
])
def test_the_check_refuses_what_kubernetes_would(break_it, refused):
    ingress = copy.deepcopy(by_kind(objects(**OPTION_SETS["ingress-full"]), "Ingress")[0])
    break_it(ingress)

    [problem] = schema_problems(ingress)
    assert refused in problem


def test_an_unknown_field_of_a_secret_or_a_role_is_refused():
    found = objects(monitor_k8s=True)
    secret, role = copy.deepcopy(by_kind(found, "Secret")[0]), copy.deepcopy(by_kind(found, "ClusterRole")[0])
    secret["labels"] = {"a": "b"}  # labels belong under metadata
    role["rules"][0]["verb"] = ["get"]

    assert len(schema_problems(secret)) == 1 and len(schema_problems(role)) == 1
