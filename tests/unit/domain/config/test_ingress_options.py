"""The ingress-* options: Kubernetes' Ingress rules for host, class and path; their agreement with
web-external-url, and the external URL derived from them."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.config.ingress import ingress_class, ingress_hostname, ingress_path, is_ip_address
from domain.config.parse import parse_config
from domain.errors import ConfigErrors, InvalidValue
from domain.values.url import ExternalUrl
from tests.support.builders import VERSION, make_config, options
from tests.support.k8s_validation import is_dns1123_subdomain
from tests.support.tls import CERT_PEM, KEY_PEM

HOST = "prometheus.example.com"
# kubernetes pkg/apis/networking/validation: what a Prefix path must not contain or end with
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")


def refusal(**overrides):
    with pytest.raises(ConfigErrors) as raised:
        make_config(**overrides)
    return str(raised.value)


# --- ingress-hostname ----------------------------------------------------------------------------

@pytest.mark.parametrize("host", [
    HOST, "a", "0", "a-b.c-d", "xn--bcher-kva.example", "*.example.com", "*.a", "256.1.1.1", "1.2.3",
    "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61, "*." + "a" * 63 + "." + "b" * 63 + "." + "c" * 61 +
    "." + "d" * 61,
])
def test_hostnames_kubernetes_takes_for_an_ingress_rule(host):
    assert ingress_hostname(host) == host
    assert ingress_hostname(f"  {host} ") == host


@pytest.mark.parametrize("host, problem", [
    ("Prometheus.example.com", "use lower case"),
    ("a..b", "DNS-1123 subdomain"), (".a", "DNS-1123 subdomain"), ("a.", "DNS-1123 subdomain"),
    ("-a.b", "DNS-1123 subdomain"), ("a_b.c", "DNS-1123 subdomain"), ("a.b:80", "DNS-1123 subdomain"),
    ("*", "DNS-1123 subdomain"), ("a.*.b", "DNS-1123 subdomain"), ("*a.b", "DNS-1123 subdomain"),
    ("**.a", "DNS-1123 subdomain"), ("*.*.a", "DNS-1123 subdomain"), ("http://a.b", "DNS-1123 subdomain"),
    ("bücher.example", "DNS-1123 subdomain"), ("a b", "DNS-1123 subdomain"),
    ("1.2.3.4", "IP address"), ("010.001.0.255", "IP address"), ("::1", "DNS-1123 subdomain"),
    ("a" * 64 + ".b", "longer than 63"), ("a" * 254, "longer than 253"), ("*." + "a." * 126 + "a", "longer than 253"),
    ("a\nb", "control characters"),
])
def test_hostnames_kubernetes_refuses(host, problem):
    with pytest.raises(InvalidValue, match=re.escape(problem)):
        ingress_hostname(host)


def kubernetes_takes_host(host):
    """validateIngressRules: a wildcard subdomain if it holds '*', else a subdomain; never an IP."""
    if "*" in host:
        ok = re.fullmatch(r"\*\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", host) \
            and len(host) <= 253
    else:
        ok = not is_dns1123_subdomain(host)
    return bool(ok) and not is_ip_address(host)


@given(st.text(alphabet="ab09-.*A_", max_size=20))
def test_the_hostname_rule_is_kubernetes_rule_with_dns_label_lengths(host):
    try:
        accepted = ingress_hostname(host) == host != ""
    except InvalidValue:
        accepted = False

    assert accepted == kubernetes_takes_host(host)


def test_an_empty_hostname_means_no_ingress():
    assert ingress_hostname("") == "" and ingress_hostname(None) == "" and ingress_hostname("  ") == ""


def test_is_ip_address_reads_dotted_ipv4_as_kubernetes_sloppy_parser_does():
    assert is_ip_address("0.0.0.0") and is_ip_address("255.255.255.255") and is_ip_address("0001.2.3.4")
    assert not is_ip_address("256.0.0.0") and not is_ip_address("1.2.3") and not is_ip_address("1.2.3.4.5")


# --- ingress-class -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["", "nginx", "public", "traefik.internal", "a" * 253])
def test_class_names_kubernetes_takes(name):
    assert ingress_class(name) == name


@pytest.mark.parametrize("name", ["Nginx", "nginx_public", "-nginx", "a" * 254, "*.nginx", "a/b"])
def test_class_names_kubernetes_refuses(name):
    with pytest.raises(InvalidValue):
        ingress_class(name)


# --- ingress-path --------------------------------------------------------------------------------

@pytest.mark.parametrize("path, canonical", [
    ("", ""), ("/", "/"), ("/prom", "/prom"), ("/prom/", "/prom"), ("/a/b.c/~d_e-f/", "/a/b.c/~d_e-f"),
    ("/...", "/..."), ("/.well", "/.well"),
])
def test_paths_are_kept_without_trailing_slashes(path, canonical):
    assert ingress_path(path) == canonical


@pytest.mark.parametrize("path, problem", [
    ("prom", "must start with '/'"), ("//", "empty"), ("/a//", "empty"), ("///", "empty"),
    ("/a//b", "empty"), ("/a/./b", "'.'"), ("/a/../b", "'..'"),
    ("/a/.", "'.'"), ("/a/..", "'..'"), ("/a%2fb", "only letters"), ("/a b", "only letters"),
    ("/a?b", "only letters"), ("/a#b", "only letters"), ("/é", "only letters"), ("/a(.*)", "only letters"),
    ("/a:b", "only letters"),
])
def test_paths_refused(path, problem):
    with pytest.raises(InvalidValue, match=re.escape(problem)):
        ingress_path(path)


@given(st.text(alphabet="/.a-~%2fF ", max_size=12))
def test_every_accepted_path_is_a_valid_prefix_path_and_prometheus_route_prefix(path):
    try:
        canonical = ingress_path(path)
    except InvalidValue:
        return
    if not canonical:
        return
    assert canonical.startswith("/")
    assert not any(seq in canonical for seq in INVALID_PATH_SEQUENCES)
    assert not canonical.endswith(INVALID_PATH_SUFFIXES)
    assert (ExternalUrl.parse(f"https://{HOST}{canonical}").route_prefix or "/") == canonical


# --- across options ------------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, url", [
    ({}, f"http://{HOST}"),
    ({"ingress_path": "/prom/"}, f"http://{HOST}/prom"),
    ({"ingress_path": "/"}, f"http://{HOST}"),
    ({"ingress_tls_cert": CERT_PEM, "ingress_tls_key": KEY_PEM}, f"https://{HOST}"),
    ({"ingress_tls_cert": CERT_PEM, "ingress_tls_key": KEY_PEM, "ingress_path": "/a/b"}, f"https://{HOST}/a/b"),
    ({"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM}, f"http://{HOST}"),  # Prometheus' own TLS is behind the Ingress
])
def test_without_web_external_url_the_ingress_gives_prometheus_its_url(overrides, url):
    config = make_config(ingress_hostname=HOST, **overrides)

    assert str(config.web_external_url) == url
    assert config.route_prefix == overrides.get("ingress_path", "").rstrip("/")


@pytest.mark.parametrize("url, overrides", [
    (f"https://{HOST}", {}),
    (f"https://{HOST}:8443/", {}),
    ("https://PROMETHEUS.example.com/prom", {"ingress_path": "/prom/"}),
    (f"http://{HOST}/x", {}),  # ingress-path empty: follows the URL
    (f"https://{HOST}", {"ingress_tls_cert": CERT_PEM, "ingress_tls_key": KEY_PEM}),
    ("https://one.example.com", {"ingress_hostname": "*.example.com"}),
])
def test_a_web_external_url_that_agrees_is_kept(url, overrides):
    config = make_config(**{"ingress_hostname": HOST, **overrides}, web_external_url=url)

    assert str(config.web_external_url) == url


@pytest.mark.parametrize("url, overrides, problem", [
    ("https://other.example.com", {}, "its host is not ingress-hostname 'prometheus.example.com'"),
    (f"https://{HOST}/a", {"ingress_path": "/b"}, "its path is not ingress-path '/b'"),
    (f"https://{HOST}", {"ingress_path": "/b"}, "its path is not ingress-path '/b'"),
    (f"http://{HOST}", {"ingress_tls_cert": CERT_PEM, "ingress_tls_key": KEY_PEM},
     "it is http:// but the Ingress serves HTTPS (ingress-tls-cert is set)"),
    ("https://example.com", {"ingress_hostname": "*.example.com"}, "its host is not ingress-hostname"),
    ("https://a.b.example.com", {"ingress_hostname": "*.example.com"}, "its host is not ingress-hostname"),
])
def test_a_web_external_url_that_disagrees_blocks_naming_both(url, overrides, problem):
    message = refusal(**{"ingress_hostname": HOST, **overrides}, web_external_url=url)

    assert message.startswith(f"web-external-url: '{url}' does not match the charm's Ingress: {problem}")
    assert "ingress-" in message


def test_a_wildcard_host_needs_web_external_url():
    assert refusal(ingress_hostname="*.example.com") == (
        "ingress-hostname: '*.example.com' is a wildcard, which names no single address: "
        "set web-external-url to the one the UI is reached at")


@pytest.mark.parametrize("option, value", [
    ("ingress_class", "nginx"), ("ingress_path", "/prom"), ("ingress_tls_cert", CERT_PEM), ("ingress_tls_key", KEY_PEM),
])
def test_an_ingress_option_without_a_hostname_blocks_naming_it(option, value):
    message = refusal(**{option: value})

    assert message.startswith(f"{option.replace('_', '-')}: is set but ingress-hostname is empty")


@pytest.mark.parametrize("given_option, missing", [("ingress_tls_cert", "ingress-tls-key"),
                                                  ("ingress_tls_key", "ingress-tls-cert")])
def test_the_ingress_pair_is_set_together(given_option, missing):
    value = CERT_PEM if given_option == "ingress_tls_cert" else KEY_PEM

    assert refusal(ingress_hostname=HOST, **{given_option: value}) == (
        f"{missing}: ingress-tls-cert and ingress-tls-key must be set together")


def test_every_bad_ingress_option_is_named_at_once():
    with pytest.raises(ConfigErrors) as raised:
        parse_config(options(ingress_hostname="A..b", ingress_class="Nginx", ingress_path="x",
                             ingress_tls_cert="not pem", ingress_tls_key="not pem"), VERSION)

    assert list(raised.value.options) == ["ingress-hostname", "ingress-class", "ingress-path",
                                          "ingress-tls-cert", "ingress-tls-key"]


@pytest.mark.parametrize("option, limit", [("ingress-hostname", 1024), ("ingress-class", 1024),
                                           ("ingress-path", 4096), ("ingress-tls-cert", 65536),
                                           ("ingress-tls-key", 16384)])
def test_each_option_is_bounded_before_it_is_parsed(option, limit):
    with pytest.raises(ConfigErrors) as raised:
        parse_config({**options(), option: "a" * (limit + 1)}, VERSION)

    assert str(raised.value) == f"{option}: is {limit + 1} bytes, more than the {limit // 1024} KiB it may hold"
