"""ssl_cert and ssl_key: the pairs the charm accepts serve HTTPS from the real Prometheus of each
generation; the pairs it refuses really do keep that Prometheus from serving.

A refused pair cannot come out of the charm, so its Prometheus runs from a good pair's pod whose
certificate and key files are then swapped for the bad ones: it either refuses to start
("Unable to validate web configuration file", from exporter-toolkit's tls.X509KeyPair) or fails
every TLS handshake.
"""

import ssl
import time
from typing import Callable, Tuple

import pytest

from adapters.tls_pair import check_tls_pair
from domain.config.parse import parse_config
from domain.errors import ConfigErrors
from scripts.localrun.generations import Generation
from scripts.localrun.pod import LocalPod
from scripts.localrun.processes import ProcessFailed, http_get
from tests.support.builders import make_plan, options
from tests.support.tls import CERT_PEM, KEY_PEM
from tests.support.tls_pairs import TlsPairs

pytestmark = pytest.mark.e2e

MARKERS_ONLY = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
TRUNCATED = CERT_PEM[: len(CERT_PEM) // 2]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory) -> TlsPairs:
    return TlsPairs(tmp_path_factory.mktemp("tls"))


def charm_verdict(generation: Generation, cert: str, key: str) -> Tuple[str, ...]:
    """The options the charm names for this pair (parse_config, then the OpenSSL pair check)."""
    try:
        config = parse_config(options(ssl_cert=cert, ssl_key=key), generation.version)
        assert config.tls is not None
        check_tls_pair(config.tls.cert_pem, config.tls.key_pem)
    except ConfigErrors as err:
        return tuple(err.options)
    return ()


@pytest.mark.parametrize("kind", ["ec-p256", "ed25519"])
def test_an_accepted_pair_serves_https_and_is_ready(generation, tmp_path, pairs, kind):
    cert, key = pairs(kind)
    assert charm_verdict(generation, cert, key) == ()
    plan = make_plan(generation.image, ssl_cert=cert, ssl_key=key)

    pod = LocalPod(plan.pod_spec, plan.k8s_resources, tmp_path, ca_pem=cert, binary=generation.prometheus)
    try:
        assert pod.base.startswith("https://")
        assert pod.api("/api/v1/status/buildinfo")["version"]
    finally:
        pod.stop()


def serves(pod: LocalPod, context: ssl.SSLContext, timeout: float = 8.0) -> Tuple[bool, str]:
    """Start ``pod``; whether it ever answers over TLS before ``timeout``, and its log."""
    process = pod.start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                process.check_alive()
            except ProcessFailed:
                return False, process.log()
            if "TLS handshake error" in process.log():
                return False, process.log()
            try:
                http_get(pod.base + "/-/ready", timeout=2.0, context=context)
                return True, process.log()
            except OSError:
                time.sleep(0.2)
        return False, process.log()
    finally:
        pod.stop()


REFUSED: Tuple[Tuple[str, Callable[[TlsPairs], Tuple[str, str]], str, str], ...] = (
    ("another-key", lambda p: (CERT_PEM, p("rsa-2048")[1]), "ssl_key",
     "private key does not match public key"),
    ("markers-only", lambda p: (MARKERS_ONLY, KEY_PEM), "ssl_cert", "malformed certificate"),
    ("truncated", lambda p: (TRUNCATED, KEY_PEM), "ssl_cert", "failed to find any PEM data"),
    ("secp256k1", lambda p: p("ec-secp256k1"), "ssl_key", "unsupported elliptic curve"),
    ("dsa", lambda p: p("dsa"), "ssl_key", "failed to parse private key"),
    ("p-224", lambda p: p("ec-p224"), "ssl_key", "unsupported certificate curve"),
)


@pytest.mark.parametrize("name, pair, option, prometheus_says", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_refused_pair_keeps_prometheus_from_serving(generation, tmp_path, pairs, name, pair, option,
                                                      prometheus_says):
    cert, key = pair(pairs)
    assert charm_verdict(generation, cert, key) == (option,)
    plan = make_plan(generation.image, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    pod = LocalPod(plan.pod_spec, plan.k8s_resources, tmp_path, binary=generation.prometheus, start=False)
    (pod.root / "etc/prometheus/tls/tls.crt").write_text(cert)
    (pod.root / "etc/prometheus/tls/tls.key").write_text(key)
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE

    served, log = serves(pod, insecure)

    assert not served
    assert prometheus_says in log, log[-3000:]
