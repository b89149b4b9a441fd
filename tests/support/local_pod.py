"""Runs a pod spec's Prometheus container locally, with Debian's real prometheus.

The spec's files (ConfigMap volumes) and Secrets are written under a temporary root,
every absolute path in the container args is mapped under that root, and the listen
address becomes 127.0.0.1 and a free port; so does the self-scrape target
(``localhost:9090`` in the pod). Everything else is passed exactly.
"""

import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

from tests.support.processes import ManagedProcess, free_port, prometheus_binary


def _container(spec: Dict[str, Any]) -> Dict[str, Any]:
    return next(c for c in spec["containers"] if c["name"] == "prometheus")


SELF_TARGET = "localhost:9090"


def materialise(spec: Dict[str, Any], k8s_resources: Optional[Dict[str, Any]], root: Path,
                port: Optional[int] = None) -> None:
    """Write every file volume and Secret volume of the container under ``root``.

    With ``port``, the self-scrape target of prometheus.yml follows the local listen port.
    """
    secrets = {s["name"]: s for s in (k8s_resources or {}).get("kubernetesResources", {}).get("secrets", [])}
    for volume in _container(spec).get("volumeConfig", []):
        target = root / volume["mountPath"].lstrip("/")
        target.mkdir(parents=True, exist_ok=True)
        for entry in volume.get("files", []):
            content = entry["content"]
            if port is not None and entry["path"] == "prometheus.yml":
                content = content.replace(f"- {SELF_TARGET}\n", f"- 127.0.0.1:{port}\n")
            (target / entry["path"]).write_text(content)
        if "secret" in volume:
            for name, content in secrets[volume["secret"]["name"]].get("stringData", {}).items():
                (target / name).write_text(content)


def local_args(spec: Dict[str, Any], root: Path, port: int) -> List[str]:
    mapped = []
    for arg in _container(spec)["args"]:
        flag, eq, value = arg.partition("=")
        if flag == "--web.listen-address":
            value = f"127.0.0.1:{port}"
        elif value.startswith("/"):
            value = str(root / value.lstrip("/"))
            Path(value).parent.mkdir(parents=True, exist_ok=True)
        mapped.append(f"{flag}{eq}{value}")
    return mapped


class LocalPod:
    """The container of a pod spec, running as a local process."""

    def __init__(self, spec: Dict[str, Any], k8s_resources: Optional[Dict[str, Any]], workdir: Path,
                 ca_pem: Optional[str] = None, timeout: float = 30.0) -> None:
        self.root = workdir / "root"
        self.port = free_port()
        materialise(spec, k8s_resources, self.root, self.port)
        (self.root / "prometheus").mkdir(parents=True, exist_ok=True)
        self.args = local_args(spec, self.root, self.port)
        probe = _container(spec)["kubernetes"]["readinessProbe"]["httpGet"]
        scheme = probe.get("scheme", "HTTP").lower()
        self.base = f"{scheme}://127.0.0.1:{self.port}"
        self.prefix = probe["path"][: -len("/-/ready")]
        self.context = ssl.create_default_context(cadata=ca_pem) if ca_pem else None
        self.process = ManagedProcess([prometheus_binary(), *self.args], workdir / "prometheus.log",
                                      cwd=workdir)
        try:
            self._wait_ready(self.base + probe["path"], timeout)
        except Exception:
            self.process.stop()
            raise

    @property
    def url(self) -> str:
        return self.base + self.prefix

    @property
    def pid(self) -> int:
        return self.process.pid

    def config_path(self, name: str) -> Path:
        return self.root / "etc/prometheus/config" / name

    def get(self, path: str, timeout: float = 5.0) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=timeout, context=self.context) as resp:
            return bytes(resp.read())

    def api(self, path: str) -> Any:
        body = json.loads(self.get(path))
        assert body["status"] == "success", body
        return body["data"]

    def flags(self) -> Dict[str, str]:
        return dict(self.api("/api/v1/status/flags"))

    def query(self, expr: str) -> Any:
        return self.api("/api/v1/query?" + urllib.parse.urlencode({"query": expr}))

    def wait_for(self, what: str, check: Any, timeout: float = 20.0) -> Any:
        """Poll ``check()`` until it returns something truthy (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            time.sleep(0.2)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{self.process.log()[-3000:]}")

    def _wait_ready(self, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited with {self.process.proc.returncode}:\n"
                                   f"{self.process.log()}")
            try:
                with urllib.request.urlopen(url, timeout=1.0, context=self.context):
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"{url} not ready after {timeout}s:\n{self.process.log()}")

    def stop(self) -> None:
        self.process.stop()
