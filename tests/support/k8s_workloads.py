"""Workloads for tests of Kubernetes discovery: loopback /metrics servers, and the raw v1 Pods,
Services and Endpoints a fake API server (tests/support/k8s_discovery_api.py) hands out for them.
"""

import http.server
import socket
import ssl
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from tests.support.tls import CERT_PEM, KEY_PEM

METRICS = b"# TYPE demo_up gauge\ndemo_up 1\n"
CLOSED = 1  # a port nothing listens on: a target still there means the annotation was ignored


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


class MetricsServer:
    """A loopback /metrics endpoint that records the paths it served."""

    def __init__(self, host: str = "127.0.0.1", tls: bool = False, content_type: bool = True) -> None:
        self.paths: List[str] = []
        server_class = type("Server", (http.server.ThreadingHTTPServer,), {
            "address_family": socket.AF_INET6 if ":" in host else socket.AF_INET,
            "daemon_threads": True})
        self._server = server_class((host, 0), self._handler(content_type))
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            with tempfile.TemporaryDirectory() as directory:
                (Path(directory) / "c.pem").write_text(CERT_PEM + KEY_PEM)
                context.load_cert_chain(str(Path(directory) / "c.pem"))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def _handler(self, content_type: bool) -> type:
        paths = self.paths

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                paths.append(self.path)
                self.send_response(200)
                if content_type:
                    self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(METRICS)))
                self.end_headers()
                self.wfile.write(METRICS)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- the cluster's objects ----------------------------------------------------------------------

def annotations(port: int, path: Optional[str] = None, scheme: Optional[str] = None) -> Dict[str, str]:
    found = {"prometheus.io/scrape": "true", "prometheus.io/port": str(port)}
    if path:
        found["prometheus.io/path"] = path
    if scheme:
        found["prometheus.io/scheme"] = scheme
    return found


def pod(name: str, ip: str, notes: Dict[str, str], phase: str = "Running",
        ports: Tuple[int, ...] = (CLOSED,), namespace: str = "shop") -> Dict[str, Any]:
    """A pod on node-1 with one container ``main`` listening on ``ports``, labelled app=<name>."""
    return {"metadata": {"name": name, "namespace": namespace, "labels": {"app": name},
                         "annotations": notes},
            "spec": {"nodeName": "node-1", "containers": [{"name": "main", "ports": [
                {"name": f"p{i}", "containerPort": port, "protocol": "TCP"}
                for i, port in enumerate(ports)]}]},
            "status": {"phase": phase, "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "127.0.0.1"}}


def service(name: str, namespace: str, notes: Dict[str, str], port_name: str = "web",
            port: int = CLOSED) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """A Service and its Endpoints, whose one address is 127.0.0.1 on ``port``."""
    meta = {"name": name, "namespace": namespace, "labels": {"tier": name}, "annotations": notes}
    return ({"metadata": meta, "spec": {"clusterIP": "10.0.0.1", "ports": [
                {"name": port_name, "port": 443, "protocol": "TCP"}]}},
            {"metadata": {"name": name, "namespace": namespace, "labels": {"tier": name}},
             "subsets": [{"addresses": [{"ip": "127.0.0.1"}],
                          "ports": [{"name": port_name, "port": port, "protocol": "TCP"}]}]})
