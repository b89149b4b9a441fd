from domain.facts import Identity
from domain.relations.unit_address import public_url, unit_host, unit_url
from tests.support.builders import make_config
from tests.support.tls import CERT_PEM, KEY_PEM


def test_each_unit_is_named_by_its_statefulset_pod():
    identity = Identity("prom", "lma", unit="prom/12", namespace="observability")
    assert unit_host(identity) == "prom-12.prom-endpoints.observability.svc.cluster.local"


def test_the_namespace_defaults_to_the_model():
    assert unit_host(Identity("prom", "lma", unit="prom/0")).endswith(".lma.svc.cluster.local")


def test_the_url_carries_scheme_port_and_route_prefix():
    identity = Identity("prom", "lma", unit="prom/1")
    config = make_config(web_external_url="https://example.com/prom/", ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    assert unit_url(config, identity) == "https://prom-1.prom-endpoints.lma.svc.cluster.local:9090/prom"
    assert public_url(config, identity) == "https://example.com/prom"
    assert public_url(make_config(), identity) == "http://prom-1.prom-endpoints.lma.svc.cluster.local:9090"
