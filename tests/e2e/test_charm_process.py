"""The charm as a real process: ./dispatch -> ops.main -> PrometheusCharm, through test doubles
of Juju's hook tools (scripts/localrun/juju_sim.py), a loopback Kubernetes API and a real Prometheus.

The charm reaches the Kubernetes API as in its operator pod: HTTPS to KUBERNETES_SERVICE_HOST
with the service account's token and CA certificate (files written for the test)."""

import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from domain.prometheus.config_file import digest_in_running_config
from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object, write_service_account
from scripts.localrun.juju_sim import JujuSim
from scripts.localrun.pod import LocalPod, materialise
from scripts.localrun.processes import free_port
from tests.support.builders import options_overflowing_the_config_map
from tests.support.extract import config_file
from tests.support.tls import CERT_PEM, KEY_PEM

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
IMAGE = "prom/prometheus:v2.53.0"
# Longer than a hook takes on a loaded machine: config-changed must not find its own files
# "propagated" before the test has put them in the pod.
PROPAGATION = 4.0


@pytest.fixture
def k8s(tmp_path):
    (tmp_path / "api.crt").write_text(CERT_PEM)
    (tmp_path / "api.key").write_text(KEY_PEM)
    api = FakeKubernetesApi(tls=(tmp_path / "api.crt", tmp_path / "api.key"), token="operator-token")
    yield api
    api.stop()


def make_sim(tmp_path, k8s=None, juju_version="2.9.44", image=IMAGE, **env):
    # ConfigMap propagation shortened from 90 s; the tests deliver files themselves.
    extra = {"PROMETHEUS_CHARM_PROPAGATION_SECONDS": str(PROPAGATION), **env}
    if k8s is not None:  # as in the operator pod
        account = write_service_account(tmp_path / "serviceaccount", k8s.token, CERT_PEM, "lma")
        extra.update(KUBERNETES_SERVICE_HOST="127.0.0.1", KUBERNETES_SERVICE_PORT=str(k8s.port),
                     PROMETHEUS_CHARM_SERVICE_ACCOUNT_DIR=str(account))
    sim = JujuSim(ROOT, tmp_path / "juju", extra_env=extra, juju_version=juju_version)
    sim.attach_image(image)
    return sim


def deploy(sim, leader=True):
    sim.set_leader(leader)
    for hook in ("install", "leader-elected", "config-changed", "start"):
        result = sim.run_hook(hook)
        assert result.ok, str(result)


def prometheus_yml(sim) -> dict:
    spec, _ = sim.pod_spec()
    return yaml.safe_load(config_file(spec, "prometheus.yml") or "")


def published_digest(spec) -> str:
    return digest_in_running_config(config_file(spec, "prometheus.yml") or "")


@pytest.mark.parametrize("juju_version", ["2.9.44", "3.6.1"])
def test_deploy_and_config_change_under_juju_2_9_and_3_6(tmp_path, juju_version):
    sim = make_sim(tmp_path, juju_version=juju_version)

    deploy(sim)
    sim.set_config(**{"evaluation-interval": "30s"})
    result = sim.run_hook("config-changed")

    assert result.ok, str(result)
    assert prometheus_yml(sim)["global"]["evaluation_interval"] == "30s"
    assert sim.app_version() == "2.53.0"
    # Stored state is in the controller (state-set), not in the operator pod's files.
    assert any("published_digest" in value for value in sim.charm_state().values())
    assert not list(sim.charm_dir.rglob(".unit-state.db"))
    status, message = sim.unit_status()  # no kubeconfig: the Kubernetes client cannot be set up
    assert status == "waiting" and message.startswith("kubernetes api")


def test_the_charm_remembers_between_hooks_in_the_controller_and_writes_only_what_changed(tmp_path):
    sim = make_sim(tmp_path)
    deploy(sim)
    memory_key = "PrometheusCharm/memory[hooks]"
    assert yaml.safe_load(sim.charm_state()[memory_key])["published_digest"] == published_digest(sim.pod_spec()[0])

    def memory_writes(hook):
        before = len(sim.calls())
        assert sim.run_hook(hook).ok
        return [c for c in sim.calls()[before:] if c["tool"] == "state-set" and memory_key in (c["stdin"] or "")]

    assert memory_writes("config-changed") == []  # nothing changed: nothing written
    sim.set_config(**{"evaluation-interval": "30s"})
    assert len(memory_writes("config-changed")) == 1
    remembered = yaml.safe_load(sim.charm_state()[memory_key])
    assert remembered["published_digest"] == published_digest(sim.pod_spec()[0])
    assert memory_writes("config-changed") == []
    # ops' StoredState would make every hook record a commit event: none here.
    assert not [c for c in sim.calls() if "on/commit" in " ".join(c["argv"]) + (c["stdin"] or "")]


def test_config_change_reaches_the_running_prometheus_once_kubelet_delivers_it(tmp_path, k8s, generation):
    sim = make_sim(tmp_path, k8s, image=generation.image)
    sim.set_config(**{"scrape-interval": "30s"})
    deploy(sim)
    spec, resources = sim.pod_spec()
    pod = LocalPod(spec, resources, tmp_path / "pod", binary=generation.prometheus)
    try:
        k8s.set_pods("lma", [pod_object("prometheus-0", "prometheus", "prometheus/0", "127.0.0.1", pod.port)])
        assert sim.run_hook("update-status").ok
        assert sim.unit_status() == ("active", "")

        sim.set_config(**{"scrape-interval": "15s", "evaluation-interval": "20s"})
        assert sim.run_hook("config-changed").ok
        new_spec, new_resources = sim.pod_spec()
        assert new_spec["containers"][0]["args"] == spec["containers"][0]["args"]  # no pod roll
        time.sleep(PROPAGATION + 0.5)
        # The new files have not reached the pod (as when Kubernetes refuses the ConfigMap):
        # Prometheus reloads its old files without an error, and the unit must not be active.
        result = sim.run_hook("update-status")

        assert result.ok, str(result)
        assert any("asking prometheus-0 to reload" in line for line in sim.juju_log())
        assert pod.loaded_config()["global"]["scrape_interval"] == "30s"
        old, new = published_digest(spec), published_digest(new_spec)
        assert sim.unit_status() == ("waiting", f"pod prometheus-0 runs configuration {old[:8]}, "
                                                f"published {new[:8]}; waiting for Kubernetes to deliver it")

        materialise(new_spec, new_resources, pod.root, pod.port)  # what kubelet does for the ConfigMap
        result = sim.run_hook("update-status")

        assert result.ok, str(result)
        running = yaml.safe_load(pod.api("/api/v1/status/config")["yaml"])
        assert running["global"]["scrape_interval"] == "15s", f"{result}\n{sim.status_history()}"
        assert running["global"]["evaluation_interval"] == "20s"
        assert sim.unit_status() == ("active", "")
    finally:
        pod.stop()


def test_a_spec_too_large_for_kubernetes_is_not_published_and_the_last_good_one_stays(tmp_path):
    sim = make_sim(tmp_path)
    sim.set_leader(True)
    assert sim.run_hook("config-changed").ok
    good = sim.pod_spec()
    count = sim.pod_spec_count()

    sim.set_config(**options_overflowing_the_config_map())
    result = sim.run_hook("config-changed")

    assert result.ok, str(result)
    assert sim.pod_spec() == good and sim.pod_spec_count() == count
    status, message = sim.unit_status()
    assert status == "blocked"
    assert message.startswith("ConfigMap prometheus-cfg-config would be 10")
    assert "largest: alert-rules (charm-alert-rules.rules) 1.0 MiB, external-labels (prometheus.yml)" in message


def test_debug_at_stops_the_hook_in_rpdb_until_continued(tmp_path):
    port = free_port()
    sim = make_sim(tmp_path)
    sim.set_leader(True)
    sim.set_config(**{"debug-at": "config-changed", "debug-port": port})
    outcome = {}
    hook = threading.Thread(target=lambda: outcome.setdefault("result", sim.run_hook("config-changed")))
    hook.start()
    try:
        conn = _connect(port, deadline=time.monotonic() + 30)
        with conn:
            banner = _read_until(conn, b"(Pdb) ")
            assert b"charm.py" in banner
            assert sim.pod_spec() is None  # stopped before publishing
            conn.sendall(b"continue\n")
        hook.join(timeout=60)
    finally:
        hook.join(timeout=60)

    assert outcome["result"].ok, str(outcome["result"])
    assert sim.pod_spec() is not None


def _connect(port, deadline):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _read_until(conn, marker):
    data = b""
    while marker not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_registry_credentials_never_reach_the_logs(tmp_path):
    sim = make_sim(tmp_path)
    sim.attach_image("registry.example.com/prom/prometheus:v2.53.0", username="robot",
                     password="s3cret-registry-token")
    sim.set_config(**{"log-level": "loud"})  # a blocked hook logs more

    deploy(sim)
    sim.set_config(**{"log-level": "debug"})
    result = sim.run_hook("config-changed", JUJU_DEBUG="1")

    assert result.ok, str(result)
    spec, _ = sim.pod_spec()
    assert spec["containers"][0]["imageDetails"]["password"] == "s3cret-registry-token"
    logged = "\n".join(sim.juju_log()) + result.stdout + result.stderr
    assert "s3cret-registry-token" not in logged
