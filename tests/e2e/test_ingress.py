"""The charm's own Ingress through the charm as a process (./dispatch with Juju's hook-tool doubles),
and a real Prometheus answering where that Ingress sends requests.

The Ingress forwards a request's path unchanged to the Service, on Prometheus' port, speaking
the backend protocol its annotation names; so Prometheus must serve the Ingress path, over
that protocol. The pod spec's Prometheus, run locally (scripts/localrun/pod.py), is asked
exactly that, on each generation.
"""

import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from domain.kubernetes.ingress import BACKEND_PROTOCOL_ANNOTATION
from scripts.localrun.juju_sim import JujuSim
from scripts.localrun.pod import LocalPod
from tests.support.builders import make_plan
from tests.support.tls import CERT_PEM, KEY_PEM, RENEWED_CERT_PEM

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
HOST = "prometheus.example.com"
OPTIONS = {"ingress-hostname": HOST, "ingress-class": "nginx", "ingress-path": "/prom",
           "ingress-tls-cert": RENEWED_CERT_PEM, "ingress-tls-key": KEY_PEM,
           "ssl_cert": CERT_PEM, "ssl_key": KEY_PEM}


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    sim = JujuSim(ROOT, tmp_path_factory.mktemp("ingress") / "juju", juju_version="3.6.1")
    sim.attach_image("prom/prometheus:v2.53.0")
    sim.set_leader(True)
    sim.set_config(**OPTIONS)
    result = sim.run_hook("config-changed")
    assert result.ok, str(result)
    sim.first_result = result
    return sim


def test_the_published_spec_carries_the_ingress_its_secret_and_the_url_in_use(sim):
    spec, resources = sim.pod_spec()
    k8s = resources["kubernetesResources"]

    assert k8s["ingressResources"] == [{
        "name": "prometheus-ingress",
        "annotations": {BACKEND_PROTOCOL_ANNOTATION: "HTTPS"},
        "spec": {"ingressClassName": "nginx",
                 "tls": [{"hosts": [HOST], "secretName": "prometheus-ingress-tls"}],
                 "rules": [{"host": HOST, "http": {"paths": [{
                     "path": "/prom", "pathType": "Prefix",
                     "backend": {"service": {"name": "prometheus", "port": {"number": 9090}}}}]}}]},
    }]
    [secret] = [s for s in k8s["secrets"] if s["name"] == "prometheus-ingress-tls"]
    assert secret == {"name": "prometheus-ingress-tls", "type": "kubernetes.io/tls",
                      "stringData": {"tls.crt": RENEWED_CERT_PEM, "tls.key": KEY_PEM}}
    args = spec["containers"][0]["args"]
    assert f"--web.external-url=https://{HOST}/prom" in args
    assert spec["containers"][0]["kubernetes"]["readinessProbe"]["httpGet"]["path"] == "/prom/-/ready"
    # the key is in the Secret only: no ConfigMap file, no log line, no output
    files = "".join(f["content"] for v in spec["containers"][0]["volumeConfig"] for f in v.get("files", []))
    logged = "\n".join(sim.juju_log()) + sim.first_result.stdout + sim.first_result.stderr
    body = KEY_PEM.splitlines()[1]
    assert body not in files and body not in logged


@pytest.mark.parametrize("options, message", [
    ({"ingress-hostname": "Prometheus.Example.com"},
     "ingress-hostname: 'Prometheus.Example.com' is not a DNS-1123 subdomain"),
    ({"web-external-url": "https://other.example.com/prom"},
     "web-external-url: 'https://other.example.com/prom' does not match the charm's Ingress: "
     "its host is not ingress-hostname 'prometheus.example.com'"),
])  # the other refusals of each option: tests/unit/domain/config/test_ingress_options.py
def test_a_bad_ingress_option_blocks_naming_it_and_the_spec_stays(sim, options, message):
    good, count = sim.pod_spec(), sim.pod_spec_count()

    sim.set_config(**options)
    try:
        result = sim.run_hook("config-changed")
    finally:
        sim.set_config(**OPTIONS, **{name: None for name in options if name not in OPTIONS})

    assert result.ok, str(result)
    status, said = sim.unit_status()
    assert status == "blocked" and said.startswith(message), said
    assert sim.pod_spec() == good and sim.pod_spec_count() == count


def test_prometheus_answers_at_the_ingress_path_over_the_backend_protocol(generation, tmp_path):
    plan = make_plan(generation.image, **{name.replace("-", "_"): value for name, value in OPTIONS.items()})
    [ingress] = plan.k8s_resources["kubernetesResources"]["ingressResources"]
    path = ingress["spec"]["rules"][0]["http"]["paths"][0]["path"]
    protocol = ingress["annotations"][BACKEND_PROTOCOL_ANNOTATION].lower()
    context = ssl.create_default_context(cadata=CERT_PEM)
    context.check_hostname = False  # the Ingress controller reaches the pod by its address

    pod = LocalPod(plan.pod_spec, plan.k8s_resources, tmp_path, ca_pem=CERT_PEM, binary=generation.prometheus)
    try:
        for endpoint in ("/-/ready", "/api/v1/status/buildinfo"):
            with urllib.request.urlopen(f"{protocol}://127.0.0.1:{pod.port}{path}{endpoint}",
                                        context=context, timeout=10) as answer:
                assert answer.status == 200
        # where the Ingress sends nothing, Prometheus serves nothing either
        with pytest.raises(urllib.error.HTTPError) as outside:
            urllib.request.urlopen(f"{protocol}://127.0.0.1:{pod.port}/api/v1/status/buildinfo",
                                   context=context, timeout=10)
        assert outside.value.code == 404
        # and the other protocol is refused: the annotation is what makes the Ingress work
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(f"http://127.0.0.1:{pod.port}{path}/-/ready", timeout=10).read()
    finally:
        pod.stop()
