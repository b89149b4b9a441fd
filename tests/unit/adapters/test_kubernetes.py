"""KubernetesPods through the real ``kubernetes`` client, talking to a fake API on loopback.

Each test of the ``cluster`` fixture runs twice: as in the operator pod (HTTPS, the service
account's bearer token and CA certificate, the in-cluster loader) and through a kubeconfig
(plain HTTP, as the local run and most process tests do).
"""

import contextlib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from adapters.kubernetes import KubernetesPods, load_core_api
from domain.errors import WorkloadUnavailable
from domain.ports import Pod, PodState
from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object, write_kubeconfig, write_service_account
from tests.support.tls import CERT_PEM, KEY_PEM

APP = "prometheus"
NAMESPACE = "lma"
SRC = Path(__file__).resolve().parents[3] / "src"

# kubernetes 35.0.0 builds ApiException with urllib3's deprecated HTTPResponse.getheaders();
# drop this once the client reads HTTPResponse.headers.
pytestmark = pytest.mark.filterwarnings("ignore:HTTPResponse.getheaders:DeprecationWarning")


TOKEN = "service-account-token"
SERVICE_ACCOUNT = {"dir": "/nonexistent"}  # in_cluster() sets it for one test


def tls_files(directory: Path) -> Tuple[Path, Path]:
    cert, key = directory / "api.crt", directory / "api.key"
    cert.write_text(CERT_PEM)
    key.write_text(KEY_PEM)
    return cert, key


def in_cluster(api: FakeKubernetesApi, directory: Path, monkeypatch: pytest.MonkeyPatch,
               ca_pem: str = CERT_PEM, token: str = TOKEN) -> None:
    """The environment and files of a pod whose API server is ``api``."""
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(api.port))
    monkeypatch.setitem(SERVICE_ACCOUNT, "dir", str(write_service_account(directory, token, ca_pem, NAMESPACE)))


@pytest.fixture(params=["in-cluster", "kubeconfig"])
def cluster(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKubernetesApi]:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    if request.param == "in-cluster":
        with FakeKubernetesApi(tls=tls_files(tmp_path), token=TOKEN) as api:
            in_cluster(api, tmp_path / "serviceaccount", monkeypatch)
            yield api
    else:
        with FakeKubernetesApi() as api:
            monkeypatch.setenv("KUBECONFIG", str(api.write_kubeconfig(tmp_path / "kubeconfig")))
            yield api


def adapter(timeout: float = 5.0) -> KubernetesPods:
    pods = KubernetesPods(APP, NAMESPACE, timeout=timeout, service_account_dir=SERVICE_ACCOUNT["dir"])
    pods.retry_delay = 0.01
    return pods


def only_pod(cluster: FakeKubernetesApi, raw: Dict[str, Any]) -> Pod:
    cluster.set_pods(NAMESPACE, [raw])
    (pod,) = adapter().pods()
    return pod


def test_a_ready_pod_becomes_a_ready_pod_with_its_unit_address_and_port(
    cluster: FakeKubernetesApi,
) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3", port=9091)

    pod = only_pod(cluster, raw)

    assert pod == Pod("prometheus-0", "prometheus/0", PodState.READY, "10.1.2.3", 9091, "")


def test_a_running_pod_that_is_not_ready_is_starting(cluster: FakeKubernetesApi) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3", ready=False)

    pod = only_pod(cluster, raw)

    assert (pod.state, pod.reason) == (PodState.STARTING, "ContainersNotReady")


def test_a_pending_pod_without_an_address_is_pending(cluster: FakeKubernetesApi) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", None, ready=False, phase="Pending")

    pod = only_pod(cluster, raw)

    assert (pod.state, pod.address, pod.reason) == (PodState.PENDING, None, "ContainerCreating")


def test_a_pod_no_node_can_take_is_pending_as_unschedulable(cluster: FakeKubernetesApi) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", None, ready=False, phase="Pending")
    raw["status"] = {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
         "message": "0/1 nodes are available: 1 Insufficient memory."}]}

    pod = only_pod(cluster, raw)

    assert (pod.state, pod.reason) == (PodState.PENDING, "Unschedulable")


@pytest.mark.parametrize(
    "phase, reason",
    [
        ("Running", "CrashLoopBackOff"),
        ("Pending", "ImagePullBackOff"),
        ("Pending", "ErrImagePull"),
        ("Pending", "CreateContainerConfigError"),
    ],
)
def test_a_container_stuck_waiting_makes_the_pod_failing_with_that_reason(
    cluster: FakeKubernetesApi, phase: str, reason: str
) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3", ready=False, phase=phase,
                     waiting_reason=reason)

    pod = only_pod(cluster, raw)

    assert (pod.state, pod.reason) == (PodState.FAILING, reason)


def test_a_pod_that_has_finished_is_unknown(cluster: FakeKubernetesApi) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", None, ready=False, phase="Failed")

    pod = only_pod(cluster, raw)

    assert pod.state == PodState.UNKNOWN


def test_a_pod_without_the_unit_annotation_has_no_unit(cluster: FakeKubernetesApi) -> None:
    raw = pod_object("prometheus-0", APP, None, "10.1.2.3")

    pod = only_pod(cluster, raw)

    assert pod.unit is None


def test_only_the_applications_pods_are_listed_sorted_by_name(cluster: FakeKubernetesApi) -> None:
    cluster.set_pods(NAMESPACE, [
        pod_object("prometheus-1", APP, "prometheus/1", "10.1.2.4"),
        pod_object("grafana-0", "grafana", "grafana/0", "10.1.2.9"),
        pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3"),
    ])
    cluster.set_pods("elsewhere", [pod_object("prometheus-2", APP, "prometheus/2", "10.9.9.9")])

    pods = adapter().pods()

    assert [pod.name for pod in pods] == ["prometheus-0", "prometheus-1"]


def test_the_pods_are_selected_by_the_application_name_label(cluster: FakeKubernetesApi) -> None:
    cluster.set_pods(NAMESPACE, [pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3")])

    adapter().pods()

    assert cluster.requests == [
        "/api/v1/namespaces/lma/pods?labelSelector=app.kubernetes.io%2Fname%3Dprometheus"
    ]


def test_pods_with_only_legacy_juju_labels_are_found_with_their_legacy_unit_annotation(
    cluster: FakeKubernetesApi,
) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3", legacy_labels=True)

    pod = only_pod(cluster, raw)

    assert (pod.name, pod.unit) == ("prometheus-0", "prometheus/0")
    assert cluster.requests == [
        "/api/v1/namespaces/lma/pods?labelSelector=app.kubernetes.io%2Fname%3Dprometheus",
        "/api/v1/namespaces/lma/pods?labelSelector=juju-app%3Dprometheus",
    ]


def test_no_pods_at_all_is_an_empty_list(cluster: FakeKubernetesApi) -> None:
    pods = adapter().pods()

    assert list(pods) == []


@pytest.mark.parametrize(
    "containers, port",
    [
        ([{"name": "prometheus", "ports": [{"containerPort": 9091}]}], 9091),
        ([{"name": "prometheus", "ports": [{"containerPort": 8080, "name": "metrics"},
                                           {"containerPort": 9099, "name": "http"}]}], 9099),
        ([{"name": "sidecar", "ports": [{"containerPort": 8080, "name": "http"}]},
          {"name": "prometheus", "ports": [{"containerPort": 9093, "name": "http"}]}], 9093),
        ([{"name": "prometheus"}], 9090),
        ([{"name": "other", "ports": [{"containerPort": 8080, "name": "http"}]}], 9090),
    ],
    ids=["single", "named-http", "container-named-prometheus", "no-ports", "no-such-container"],
)
def test_the_port_is_the_one_the_prometheus_container_declares(
    cluster: FakeKubernetesApi, containers: Any, port: int
) -> None:
    raw = pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3")
    raw["spec"]["containers"] = containers

    pod = only_pod(cluster, raw)

    assert pod.port == port


def test_a_proxy_in_the_environment_is_not_used(
    cluster: FakeKubernetesApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # discard port: nothing listens
    cluster.set_pods(NAMESPACE, [pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3")])

    pods = adapter().pods()

    assert [pod.name for pod in pods] == ["prometheus-0"]


def test_an_api_failing_twice_is_tried_again(cluster: FakeKubernetesApi) -> None:
    cluster.set_pods(NAMESPACE, [pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3")])
    cluster.fail_next(500, times=2)

    pods = adapter().pods()

    assert [pod.name for pod in pods] == ["prometheus-0"]
    assert len(cluster.requests) == 3


def test_an_api_failing_three_times_is_unavailable_after_three_tries(
    cluster: FakeKubernetesApi,
) -> None:
    cluster.fail_next(500, times=3)

    with pytest.raises(WorkloadUnavailable) as caught:
        adapter().pods()

    assert str(caught.value) == "kubernetes api: 500 internal server error listing pods"
    assert len(cluster.requests) == 3


def test_a_forbidden_answer_is_not_tried_again(cluster: FakeKubernetesApi) -> None:
    cluster.fail_next(403)

    with pytest.raises(WorkloadUnavailable, match=r"^kubernetes api: 403 forbidden listing pods$"):
        adapter().pods()

    assert len(cluster.requests) == 1


def test_an_api_server_that_hangs_up_is_tried_exactly_three_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    accepted: List[int] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(0.5)  # no further try within 0.5 s ends hang_up

        def hang_up() -> None:
            with contextlib.suppress(OSError):
                while True:
                    conn, _ = listener.accept()
                    conn.recv(65536)
                    accepted.append(1)
                    conn.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        monkeypatch.setenv("KUBECONFIG", str(write_kubeconfig(tmp_path / "kubeconfig", url)))

        with pytest.raises(WorkloadUnavailable) as caught:
            adapter().pods()
        thread.join(timeout=5)

    assert str(caught.value) == "kubernetes api: connection closed without an answer"
    assert len(accepted) == 3  # ours; urllib3's own retries are off


def test_a_pod_list_the_client_cannot_read_is_unavailable(cluster: FakeKubernetesApi) -> None:
    cluster.set_pods(NAMESPACE, [{"metadata": {"labels": {"app.kubernetes.io/name": APP}},
                                  "spec": {}}])

    with pytest.raises(WorkloadUnavailable) as caught:
        adapter().pods()

    assert str(caught.value) == "kubernetes api: malformed answer listing pods (a pod without a name)"


@pytest.mark.parametrize("pod, reason", [
    ({"metadata": {"name": "prometheus-0", "annotations": ["unit"]}}, "annotations is not an object"),
    ({"metadata": {"name": "prometheus-0"}, "status": {"conditions": {"Ready": "True"}}},
     "conditions is not a list of objects"),
    ({"metadata": {"name": "prometheus-0"}, "spec": {"containers": [
        {"name": "prometheus", "ports": [{"containerPort": "9090"}]}]}},
     "a container port that is not a port number"),
    ({"metadata": {"name": "prometheus-0"}, "spec": {"containers": [
        {"name": "prometheus", "ports": [{"containerPort": 70000}]}]}},
     "a container port that is not a port number"),
])
def test_a_pod_of_the_wrong_shape_is_a_malformed_answer(
    cluster: FakeKubernetesApi, pod: Dict[str, Any], reason: str
) -> None:
    pod["metadata"]["labels"] = {"app.kubernetes.io/name": APP}
    cluster.set_pods(NAMESPACE, [pod])

    with pytest.raises(WorkloadUnavailable) as caught:
        adapter().pods()

    assert str(caught.value) == f"kubernetes api: malformed answer listing pods ({reason})"


def test_in_a_cluster_a_wrong_token_is_refused_and_not_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeKubernetesApi(tls=tls_files(tmp_path), token=TOKEN) as api:
        in_cluster(api, tmp_path / "serviceaccount", monkeypatch, token="stale")
        api.set_pods(NAMESPACE, [pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3")])

        with pytest.raises(WorkloadUnavailable) as caught:
            adapter().pods()

        assert str(caught.value) == "kubernetes api: 401 unauthorized listing pods"
        assert len(api.requests) == 1


def test_in_a_cluster_an_api_server_the_service_account_ca_does_not_vouch_for_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeKubernetesApi(tls=tls_files(tmp_path), token=TOKEN) as api:
        in_cluster(api, tmp_path / "serviceaccount", monkeypatch, ca_pem=_unrelated_ca(tmp_path))
        api.set_pods(NAMESPACE, [pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3")])

        with pytest.raises(WorkloadUnavailable) as caught:
            adapter().pods()

        assert "certificate verify failed" in str(caught.value)
        assert api.requests == []  # the token never left the pod


def _unrelated_ca(directory: Path) -> str:
    cert = directory / "other-ca.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(directory / "other-ca.key"), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert.read_text()


def test_an_api_server_that_is_down_is_unavailable(cluster: FakeKubernetesApi) -> None:
    pods = adapter()
    cluster.stop()

    with pytest.raises(WorkloadUnavailable) as caught:
        pods.pods()

    assert str(caught.value) == "kubernetes api: connection refused"


def test_an_api_server_that_never_answers_times_out_after_one_try(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    held: List[socket.socket] = []
    done = threading.Event()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        silent.settimeout(0.1)

        def hold_silently() -> None:
            deadline = time.monotonic() + 3.0  # were the timeout ignored: fail, not hang
            while not done.is_set() and time.monotonic() < deadline:
                with contextlib.suppress(socket.timeout):
                    held.append(silent.accept()[0])
            for conn in [*held, silent]:  # later tries are refused
                conn.close()

        thread = threading.Thread(target=hold_silently, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        monkeypatch.setenv("KUBECONFIG", str(write_kubeconfig(tmp_path / "kubeconfig", url)))

        try:
            with pytest.raises(WorkloadUnavailable) as caught:
                adapter(timeout=0.3).pods()
        finally:
            done.set()
            thread.join(timeout=5)

    assert str(caught.value) == "kubernetes api: timed out after 0.3s"
    assert len(held) == 1


def test_outside_a_cluster_without_a_kubeconfig_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))

    with pytest.raises(WorkloadUnavailable, match=r"^kubernetes api: not running in a cluster$"):
        load_core_api()


@pytest.mark.skipif(Path("/var/run/secrets/kubernetes.io").exists(), reason="inside a real pod")
def test_in_a_cluster_without_a_service_account_token_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.152.183.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")

    with pytest.raises(WorkloadUnavailable, match=r"^kubernetes api: cannot load credentials: "):
        adapter().pods()


def test_listing_pods_imports_only_the_client_modules_it_uses_and_the_rest_on_demand(
    tmp_path: Path
) -> None:
    with FakeKubernetesApi(tls=tls_files(tmp_path), token=TOKEN) as api:
        api.set_pods(NAMESPACE, [pod_object("prometheus-0", APP, "prometheus/0", "10.1.2.3")])
        account = write_service_account(tmp_path / "serviceaccount", TOKEN, CERT_PEM, NAMESPACE)
        code = f"""
import os, sys
os.environ.update(KUBERNETES_SERVICE_HOST="127.0.0.1", KUBERNETES_SERVICE_PORT="{api.port}")
os.environ.pop("KUBECONFIG", None)
from adapters.kubernetes import KubernetesPods
print([pod.name for pod in KubernetesPods("{APP}", "{NAMESPACE}", service_account_dir="{account}").pods()])
kubernetes = sorted(name for name in sys.modules if name.startswith("kubernetes."))
print(len(kubernetes), any(".models" in name or ".api." in name for name in kubernetes))
import kubernetes
print(kubernetes.client.CoreV1Api.__name__, kubernetes.config.load_kube_config.__name__,
      kubernetes.client.V1Pod.__name__, kubernetes.__version__)
"""
        result = subprocess.run([sys.executable, "-c", code], cwd=SRC, capture_output=True, text=True,
                                timeout=120)

    assert result.returncode == 0, result.stderr
    listed, loaded, whole = result.stdout.splitlines()
    assert listed == "['prometheus-0']"
    count, generated = loaded.split()
    assert int(count) < 20 and generated == "False"
    assert whole.split()[:3] == ["CoreV1Api", "load_kube_config", "V1Pod"]


def test_importing_the_adapter_does_not_import_the_kubernetes_client() -> None:
    code = "import sys, adapters.kubernetes; print('kubernetes' in sys.modules)"

    result = subprocess.run([sys.executable, "-c", code], cwd=SRC, capture_output=True,
                            text=True, check=True)

    assert result.stdout.strip() == "False"
