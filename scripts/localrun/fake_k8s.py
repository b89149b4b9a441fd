"""A fake Kubernetes API server for tests: ``http.server`` on 127.0.0.1.

Plain HTTP without credentials by default (the charm reaches it through a kubeconfig), or, as
the API server a pod sees, HTTPS with a bearer token (``FakeKubernetesApi(tls=(cert, key),
token=...)``; ``write_service_account`` writes the files a pod's service account has).

It serves only what the charm reads: ``GET /api/v1/namespaces/<ns>/pods?labelSelector=...``
answers a v1 ``PodList`` of the pods set with ``set_pods``, filtered by the selector as the real
API does (``k=v``, ``k==v``, ``k!=v``, ``k``, ``!k``, comma-separated). Every other path answers
404 as a Kubernetes ``Status`` object. The real ``kubernetes`` client talks to it through the
kubeconfig that ``write_kubeconfig`` writes.
"""

import copy
import json
import ssl
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from domain.container import CONTAINER, PORT, PORT_NAME

_PODS_PATH = ("api", "v1", "namespaces", "<ns>", "pods")


class FakeKubernetesApi:
    """Serves pods from memory until ``stop()``; also a context manager."""

    def __init__(self, tls: Optional[Tuple[Path, Path]] = None, token: str = "") -> None:
        self.requests: List[str] = []
        self.token = token
        self._pods: Dict[str, List[Dict[str, Any]]] = {}
        self._failures: List[int] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._stopped = False

    def __enter__(self) -> "FakeKubernetesApi":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def set_pods(self, namespace: str, pods: List[Dict[str, Any]]) -> None:
        """Replace the pods of ``namespace`` with these raw v1 Pod objects."""
        stored = copy.deepcopy(pods)
        for pod in stored:
            pod.setdefault("metadata", {})["namespace"] = namespace
        with self._lock:
            self._pods[namespace] = stored

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next ``times`` requests, whatever they ask, with ``status``."""
        with self._lock:
            self._failures.extend([status] * times)

    def write_kubeconfig(self, path: Path) -> Path:
        """Write a kubeconfig whose only cluster is this server, without credentials."""
        return write_kubeconfig(path, self.url)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, raw_path: str, authorization: str = "") -> Tuple[int, Dict[str, Any]]:
        with self._lock:
            self.requests.append(raw_path)
            scheme, _, token = authorization.partition(" ")
            # The API server reads the scheme case-insensitively (kubernetes/kubernetes:
            # staging/src/k8s.io/apiserver/pkg/authentication/request/bearertoken).
            if self.token and (scheme.lower() != "bearer" or token != self.token):
                return 401, _status_object(401, raw_path)
            if self._failures:
                code = self._failures.pop(0)
                return code, _status_object(code, raw_path)
            url = urllib.parse.urlsplit(raw_path)
            parts = tuple(part for part in url.path.split("/") if part)
            if len(parts) != len(_PODS_PATH) or parts[:3] != _PODS_PATH[:3] or parts[4] != "pods":
                return 404, _status_object(404, raw_path)
            query = urllib.parse.parse_qs(url.query)
            selector = query.get("labelSelector", [""])[0]
            items = [
                copy.deepcopy(pod)
                for pod in self._pods.get(parts[3], [])
                if selects(selector, pod.get("metadata", {}).get("labels") or {})
            ]
        return 200, {
            "kind": "PodList",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": "1"},
            "items": items,
        }


def write_service_account(directory: Path, token: str, ca_pem: str, namespace: str) -> Path:
    """The files Kubernetes mounts in a pod for its service account, as the charm reads them."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in (("token", token), ("ca.crt", ca_pem), ("namespace", namespace)):
        (directory / name).write_text(text)
    return directory


def write_kubeconfig(path: Path, server: str) -> Path:
    """A kubeconfig (JSON is YAML) with one cluster at ``server`` and an empty user."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "fake", "cluster": {"server": server}}],
        "users": [{"name": "fake", "user": {}}],
        "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
        "current-context": "fake",
    }
    path.write_text(json.dumps(config, indent=2))
    return path


def pod_object(
    name: str,
    app: str,
    unit: Optional[str],
    ip: Optional[str],
    port: int = PORT,
    ready: bool = True,
    phase: str = "Running",
    waiting_reason: Optional[str] = None,
    legacy_labels: bool = False,
) -> Dict[str, Any]:
    """A raw v1 Pod as Juju's StatefulSet creates it, with one ``prometheus`` container."""
    if legacy_labels:
        labels, unit_key = {"juju-app": app}, "juju.io/unit"
    else:
        labels, unit_key = {"app.kubernetes.io/name": app}, "unit.juju.is/id"
    if waiting_reason is not None:
        state: Dict[str, Any] = {"waiting": {"reason": waiting_reason, "message": "back-off"}}
    elif phase == "Running":
        state = {"running": {"startedAt": "2024-05-01T10:00:00Z"}}
    else:
        state = {"waiting": {"reason": "ContainerCreating"}}
    status: Dict[str, Any] = {
        "phase": phase,
        "conditions": [
            _condition("Initialized", True),
            _condition("Ready", ready, "" if ready else "ContainersNotReady"),
            _condition("ContainersReady", ready, "" if ready else "ContainersNotReady"),
            _condition("PodScheduled", True),
        ],
        "containerStatuses": [
            {
                "name": CONTAINER,
                "image": "prom/prometheus:v2.42.0",
                "imageID": "",
                "ready": ready,
                "restartCount": 3 if waiting_reason == "CrashLoopBackOff" else 0,
                "started": "running" in state,
                "state": state,
            }
        ],
    }
    if ip is not None:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {unit_key: unit} if unit is not None else {},
        },
        "spec": {
            "containers": [
                {
                    "name": CONTAINER,
                    "image": "prom/prometheus:v2.42.0",
                    "ports": [{"containerPort": port, "name": PORT_NAME, "protocol": "TCP"}],
                }
            ]
        },
        "status": status,
    }


def _condition(kind: str, true: bool, reason: str = "") -> Dict[str, Any]:
    condition = {"type": kind, "status": "True" if true else "False"}
    if reason:
        condition["reason"] = reason
    return condition


def selects(selector: str, labels: Mapping[str, str]) -> bool:
    """Equality-based label selectors: ``k=v``, ``k==v``, ``k!=v``, ``k``, ``!k``, comma-joined."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key.strip()) == value.strip():
                return False
        elif "=" in term:
            key, value = term.replace("==", "=").split("=", 1)
            if labels.get(key.strip()) != value.strip():
                return False
        elif term.startswith("!"):
            if term[1:].strip() in labels:
                return False
        elif term not in labels:
            return False
    return True


def _status_object(code: int, path: str) -> Dict[str, Any]:
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Error"
    reasons = {404: "NotFound", 403: "Forbidden", 401: "Unauthorized", 429: "TooManyRequests"}
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": (
            "the server could not find the requested resource"
            if code == 404
            else f"{phrase.lower()}: {path}"
        ),
        "reason": reasons.get(code, "InternalError" if code >= 500 else phrase.replace(" ", "")),
        "details": {},
        "code": code,
    }


def _handler_for(api: FakeKubernetesApi) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            code, body = api._answer(self.path, self.headers.get("Authorization", ""))
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest's output clean

    return Handler
