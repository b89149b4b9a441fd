"""A loopback fake Kubernetes API server for Prometheus' ``kubernetes_sd_configs``.

It serves, from memory, any resource put into it (``pods``, ``services``, ``endpoints``,
``nodes``, ``discovery.k8s.io/v1`` ``endpointslices``...), cluster-wide or per namespace, with
``labelSelector`` filtering, as the three requests a client-go informer sends:

* list: ``GET /api/v1/pods`` answers a ``PodList``;
* watch after a list: ``?watch=1&resourceVersion=N`` holds the stream open, sending later changes;
* streaming watch-list (client-go's WatchListClient, Prometheus 3.5): ``?watch=1&
  sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`` answers an
  ADDED event per object, then a BOOKMARK whose object carries the annotation
  ``k8s.io/initial-events-end: "true"`` (kubernetes: staging/src/k8s.io/client-go/tools/cache/
  reflector.go, watchList), then holds the stream open.

Besides: ``/api``, ``/apis``, ``/version`` discovery documents, the kubelet metrics through the
node proxy (``/api/v1/nodes/<node>/proxy/metrics`` and ``.../metrics/cadvisor``) and the API
server's own ``/metrics``. It listens on 127.0.0.1 (TLS with the test certificate, which names
127.0.0.1, unless ``tls=False``), checks the bearer token when one is given, and records every
request as (method, path); ``authorization_attributes`` names what RBAC must grant for it.
"""

import copy
import json
import queue
import ssl
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from tests.support.k8s_requests import KINDS, Request, resource_of, selects
from tests.support.tls import CERT_PEM, KEY_PEM

Object = Dict[str, Any]
TOKEN = "fake-service-account-token"  # test data: the bearer token the fake expects by default
INITIAL_EVENTS_END = "k8s.io/initial-events-end"
KUBELET_METRICS = b"# TYPE kubelet_demo gauge\nkubelet_demo 1\n"
CADVISOR_METRICS = b"# TYPE container_demo gauge\ncontainer_demo 1\n"
APISERVER_METRICS = b"# TYPE apiserver_demo gauge\napiserver_demo 1\n"
class _Watch(NamedTuple):
    key: Tuple[str, str]
    namespace: Optional[str]
    selector: str
    events: "queue.Queue[Optional[Object]]"


class FakeKubernetesApi:
    """Serves the objects put into it until ``stop()``; also a context manager."""

    def __init__(self, token: Optional[str] = TOKEN, tls: bool = True,
                 watch_list: bool = True) -> None:
        """``watch_list=False``: refuse streaming watch-lists as a server without the WatchList
        feature does (422 Invalid), so that clients fall back to list then watch."""
        self.token = token
        self.watch_list = watch_list
        self.requests: List[Request] = []
        self._objects: Dict[Tuple[str, str], List[Object]] = {key: [] for key in KINDS}
        self._watches: List[_Watch] = []
        self._version = 1
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.context = _tls_context() if tls else None
        scheme = "https" if tls else "http"
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self.url = f"{scheme}://{self.address}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def __enter__(self) -> "FakeKubernetesApi":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def put(self, resource: str, obj: Object, group_version: str = "v1") -> None:
        """Add or replace (same namespace and name) an object; open watches see the change."""
        key = (group_version, resource)
        stored = copy.deepcopy(obj)
        stored.setdefault("apiVersion", group_version)
        stored.setdefault("kind", KINDS[key])
        meta = stored.setdefault("metadata", {})
        meta.setdefault("uid", f"uid-{resource}-{meta.get('namespace', '')}-{meta['name']}")
        with self._lock:
            self._version += 1
            meta["resourceVersion"] = str(self._version)
            objects = self._objects[key]
            old = [o for o in objects if _ident(o) == _ident(stored)]
            for o in old:
                objects.remove(o)
            objects.append(stored)
            self._notify(key, "MODIFIED" if old else "ADDED", stored)

    def delete(self, resource: str, namespace: Optional[str], name: str,
               group_version: str = "v1") -> None:
        key = (group_version, resource)
        with self._lock:
            self._version += 1
            for obj in [o for o in self._objects[key] if _ident(o) == (namespace, name)]:
                self._objects[key].remove(obj)
                self._notify(key, "DELETED", obj)

    def stop(self) -> None:
        """End every open watch, then the server and its thread."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        with self._lock:
            for watch in self._watches:
                watch.events.put(None)
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def write_service_account(self, directory: Path) -> Path:
        return write_service_account(directory, self.token or "")

    # --- what the handler calls ---------------------------------------------------------------

    def _notify(self, key: Tuple[str, str], kind: str, obj: Object) -> None:
        for watch in self._watches:
            if watch.key == key and _matches(obj, watch.namespace, watch.selector):
                watch.events.put({"type": kind, "object": copy.deepcopy(obj)})

    def _list(self, key: Tuple[str, str], namespace: Optional[str], selector: str) -> Object:
        with self._lock:
            items = [copy.deepcopy(o) for o in self._objects[key] if _matches(o, namespace, selector)]
            version = str(self._version)
        return {"kind": KINDS[key] + "List", "apiVersion": key[0],
                "metadata": {"resourceVersion": version}, "items": items}

    def _watch(self, key: Tuple[str, str], namespace: Optional[str], selector: str,
               initial: bool) -> _Watch:
        watch = _Watch(key, namespace, selector, queue.Queue())
        with self._lock:
            if initial:
                for obj in self._objects[key]:
                    if _matches(obj, namespace, selector):
                        watch.events.put({"type": "ADDED", "object": copy.deepcopy(obj)})
                watch.events.put({"type": "BOOKMARK", "object": {
                    "kind": KINDS[key], "apiVersion": key[0], "metadata": {
                        "resourceVersion": str(self._version),
                        "annotations": {INITIAL_EVENTS_END: "true"}}}})
            if self._stopping.is_set():
                watch.events.put(None)
            self._watches.append(watch)
        return watch

    def _forget(self, watch: _Watch) -> None:
        with self._lock:
            self._watches.remove(watch)


def write_service_account(directory: Path, token: str = TOKEN) -> Path:
    """``ca.crt`` (the self-signed test certificate the fake presents) and ``token``, as
    Kubernetes mounts them in a pod's service account directory; returns ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.crt").write_text(CERT_PEM)
    (directory / "token").write_text(token)
    return directory


class _Server(ThreadingHTTPServer):
    """Each connection's TLS handshake runs in its own thread, never in the accepting one."""

    daemon_threads = True
    context: Optional[ssl.SSLContext] = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.context is not None:
            request = self.context.wrap_socket(request, server_side=True)
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that drops its connection or fails the handshake is no test failure


def _tls_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as directory:
        cert, key = Path(directory) / "cert.pem", Path(directory) / "key.pem"
        cert.write_text(CERT_PEM)
        key.write_text(KEY_PEM)
        context.load_cert_chain(str(cert), str(key))
    return context


def _ident(obj: Object) -> Tuple[Optional[str], str]:
    meta = obj.get("metadata", {})
    return meta.get("namespace"), meta["name"]


def _matches(obj: Object, namespace: Optional[str], selector: str) -> bool:
    meta = obj.get("metadata", {})
    if namespace is not None and meta.get("namespace") != namespace:
        return False
    return selects(selector, meta.get("labels") or {})


DISCOVERY: Dict[str, Object] = {
    "/version": {"major": "1", "minor": "33", "gitVersion": "v1.33.0"},
    "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [{
        "name": "discovery.k8s.io", "versions": [{"groupVersion": "discovery.k8s.io/v1",
                                                  "version": "v1"}],
        "preferredVersion": {"groupVersion": "discovery.k8s.io/v1", "version": "v1"}}]},
}


def _handler_for(api: FakeKubernetesApi) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            with api._lock:
                api.requests.append(Request("GET", self.path))
            if api.token is not None and self.headers.get("Authorization") != f"Bearer {api.token}":
                return self._json(401, _status(401, "Unauthorized"))
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            if url.path in DISCOVERY:
                return self._json(200, DISCOVERY[url.path])
            if url.path == "/metrics":
                return self._text(APISERVER_METRICS)
            parts = [p for p in url.path.split("/") if p]
            if parts[:3] == ["api", "v1", "nodes"] and parts[4:6] == ["proxy", "metrics"]:
                if parts[6:] == ["cadvisor"]:
                    return self._text(CADVISOR_METRICS)
                if not parts[6:]:
                    return self._text(KUBELET_METRICS)
            found = resource_of(parts)
            if found is None or found[2]:
                return self._json(404, _status(404, "NotFound"))
            key, namespace, _ = found
            selector = query.get("labelSelector", [""])[0]
            if query.get("watch", ["0"])[0] not in ("1", "true"):
                return self._json(200, api._list(key, namespace, selector))
            initial = query.get("sendInitialEvents", [""])[0] == "true"
            if initial and not api.watch_list:
                # apimachinery: pkg/apis/meta/internalversion/validation ValidateListOptions
                return self._json(422, _status(422, "Invalid", "sendInitialEvents is forbidden "
                                               "for watch unless the WatchList feature gate is enabled"))
            self._stream(api._watch(key, namespace, selector, initial))

        def _stream(self, watch: _Watch) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                while True:
                    event = watch.events.get()
                    if event is None:
                        break
                    data = json.dumps(event).encode() + b"\n"
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass  # the client went away
            finally:
                api._forget(watch)
                self.close_connection = True

        def _json(self, code: int, body: Object) -> None:
            self._send(code, "application/json", json.dumps(body).encode())

        def _text(self, body: bytes) -> None:
            self._send(200, "text/plain; version=0.0.4", body)

        def _send(self, code: int, content_type: str, data: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest's output clean

    return Handler


def _status(code: int, reason: str, message: str = "") -> Object:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message or reason, "reason": reason, "code": code}
