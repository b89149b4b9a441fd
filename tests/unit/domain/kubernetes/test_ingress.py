"""The charm's own Ingress and its TLS Secret, as the k8s resources declare them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kubernetes.ingress import BACKEND_PROTOCOL_ANNOTATION
from tests.support.builders import make_plan
from tests.support.k8s_validation import is_dns1123_subdomain
from tests.support.tls import CERT_PEM, KEY_PEM, RENEWED_CERT_PEM

HOST = "prometheus.example.com"
APPLICATION_NAME = r"\A[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*\Z"  # juju/names ApplicationSnippet


def resources(**options):
    return make_plan(**options).k8s_resources["kubernetesResources"]


def the_ingress(**options):
    [ingress] = resources(**options)["ingressResources"]
    return ingress


def secret(name, **options):
    [found] = [s for s in resources(**options)["secrets"] if s["name"] == name]
    return found


def test_without_a_hostname_there_is_no_ingress_but_its_secret_is_declared_empty():
    declared = resources()

    assert "ingressResources" not in declared
    assert secret("prometheus-ingress-tls") == {"name": "prometheus-ingress-tls", "type": "kubernetes.io/tls",
                                                "stringData": {"tls.crt": "", "tls.key": ""}}


def test_a_hostname_makes_an_ingress_to_the_application_service_on_prometheus_port():
    ingress = the_ingress(ingress_hostname=HOST)

    assert ingress == {
        "name": "prometheus-ingress",
        "annotations": {BACKEND_PROTOCOL_ANNOTATION: "HTTP"},
        "spec": {"rules": [{"host": HOST, "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "prometheus", "port": {"number": 9090}}}}]}}]},
    }


def test_class_tls_and_path_reach_the_ingress():
    ingress = the_ingress(ingress_hostname=HOST, ingress_class="public", ingress_path="/prom/",
                          ingress_tls_cert=CERT_PEM, ingress_tls_key=KEY_PEM)

    assert ingress["spec"]["ingressClassName"] == "public"
    assert ingress["spec"]["tls"] == [{"hosts": [HOST], "secretName": "prometheus-ingress-tls"}]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] == "/prom"
    assert secret("prometheus-ingress-tls", ingress_hostname=HOST, ingress_tls_cert=CERT_PEM,
                  ingress_tls_key=KEY_PEM)["stringData"] == {"tls.crt": CERT_PEM, "tls.key": KEY_PEM}


def test_the_ingress_pair_is_its_own_and_does_not_touch_prometheus_tls():
    declared = resources(ingress_hostname=HOST, ingress_tls_cert=RENEWED_CERT_PEM, ingress_tls_key=KEY_PEM)

    web, ingress = declared["secrets"]
    assert web["stringData"] == {"tls.crt": "", "tls.key": ""}
    assert ingress["stringData"]["tls.crt"] == RENEWED_CERT_PEM
    assert the_ingress(ingress_hostname=HOST)["annotations"][BACKEND_PROTOCOL_ANNOTATION] == "HTTP"


def test_prometheus_serving_https_makes_the_ingress_speak_https_to_it():
    ingress = the_ingress(ingress_hostname=HOST, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    # always written, HTTP or HTTPS: Juju's patch of an existing Ingress never removes an annotation
    assert ingress["annotations"] == {BACKEND_PROTOCOL_ANNOTATION: "HTTPS"}
    assert "tls" not in ingress["spec"]  # TLS at the Ingress is the ingress-tls-* pair's, not ssl_cert's


@pytest.mark.parametrize("url, path", [
    ("https://prometheus.example.com", "/"),
    ("https://prometheus.example.com/", "/"),
    ("https://prometheus.example.com/a/b/", "/a/b"),
])
def test_the_ingress_path_follows_web_external_url_when_ingress_path_is_empty(url, path):
    ingress = the_ingress(ingress_hostname=HOST, web_external_url=url)

    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] == path


def test_a_wildcard_host_goes_into_the_rule_and_the_tls_hosts():
    ingress = the_ingress(ingress_hostname="*.example.com", web_external_url="https://prom.example.com",
                          ingress_tls_cert=CERT_PEM, ingress_tls_key=KEY_PEM)

    assert ingress["spec"]["rules"][0]["host"] == "*.example.com"
    assert ingress["spec"]["tls"][0]["hosts"] == ["*.example.com"]


@given(st.from_regex(APPLICATION_NAME).filter(lambda name: len(name) <= 52))
def test_the_ingress_and_its_secret_are_valid_names_never_the_one_juju_expose_reserves(app):
    from domain.facts import Identity
    from domain.kubernetes.ingress import ingress_name, ingress_tls_secret_name

    identity = Identity(app, "lma")
    for name in (ingress_name(identity), ingress_tls_secret_name(identity)):
        assert name != app
        assert is_dns1123_subdomain(name) == []
