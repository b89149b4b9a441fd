"""Runs a pod spec's Prometheus container locally, with Debian's real prometheus.

The spec's files (ConfigMap volumes) and Secrets are written under a temporary root,
every absolute path in the container args is mapped under that root, and the listen
address becomes 127.0.0.1 and a free port; so does the self-scrape target
(``localhost:9090`` in the pod). Everything else is passed exactly.
"""

import base64
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from tests.support.processes import ManagedProcess, PrometheusClient, free_port, prometheus_binary

CONTAINER = "prometheus"
SELF_TARGET = "localhost:9090"  # prometheus.yml's self-scrape target, in the pod
NOT_PATHS = frozenset({"--web.route-prefix", "--web.external-url"})  # URL paths, not files


def prometheus_container(spec: Dict[str, Any]) -> Dict[str, Any]:
    for container in spec.get("containers", []):
        if container.get("name") == CONTAINER:
            return dict(container)
    raise ValueError(f"the pod spec has no container named {CONTAINER!r}")


def under(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def flag_value(args: Sequence[str], flag: str) -> Optional[str]:
    for i, arg in enumerate(args):
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
    return None


def local_args(args: Sequence[str], root: Path, port: int) -> List[str]:
    """The container args with absolute paths under ``root`` and a loopback listen address."""
    out: List[str] = []
    previous = ""
    for arg in args:
        flag, eq, value = arg.partition("=")
        if arg.startswith("--") and eq:
            if flag == "--web.listen-address":
                value = f"127.0.0.1:{port}"
            elif value.startswith("/") and flag not in NOT_PATHS:
                value = str(under(root, value))
            out.append(f"{flag}{eq}{value}")
        elif previous == "--web.listen-address":
            out.append(f"127.0.0.1:{port}")
        elif arg.startswith("/") and previous.startswith("--") and "=" not in previous \
                and previous not in NOT_PATHS:
            out.append(str(under(root, arg)))  # "--flag /path", kingpin accepts it too
        else:
            out.append(arg)
        previous = arg
    return out


def _write(path: Path, content: str, mode: Optional[int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    if mode is not None:
        path.chmod(mode | 0o200)  # stay writable: tests rewrite files as kubelet would


def materialise(spec: Dict[str, Any], k8s_resources: Optional[Dict[str, Any]], root: Path,
                port: Optional[int] = None) -> List[Path]:
    """Write the container's volumes (files, Secrets, ConfigMaps) under ``root``; return the files.

    With a ``port`` other than 9090, prometheus.yml's self-scrape target follows it.
    """
    container = prometheus_container(spec)
    resources = (k8s_resources or {}).get("kubernetesResources") or {}
    secrets = {s["name"]: s for s in resources.get("secrets") or []}
    config_maps = spec.get("configMaps") or {}
    written: List[Path] = []
    for volume in container.get("volumeConfig") or []:
        mount = under(root, volume["mountPath"])
        mount.mkdir(parents=True, exist_ok=True)
        for entry in volume.get("files") or []:
            content = entry["content"]
            if port not in (None, 9090) and entry["path"] == "prometheus.yml":
                content = content.replace(f"- {SELF_TARGET}\n", f"- 127.0.0.1:{port}\n")
            _write(mount / entry["path"], content, entry.get("mode"))
            written.append(mount / entry["path"])
        for kind in ("secret", "configMap"):
            source = volume.get(kind)
            if not source:
                continue
            if kind == "secret":
                if source["name"] not in secrets:
                    raise ValueError(f"volume {volume['name']}: no secret {source['name']!r} in kubernetesResources")
                secret = secrets[source["name"]]
                data = dict(secret.get("stringData") or {})
                for key, value in (secret.get("data") or {}).items():
                    data[key] = base64.b64decode(value).decode()
            else:
                if source["name"] not in config_maps:
                    raise ValueError(f"volume {volume['name']}: no configMap {source['name']!r} in the spec")
                data = dict(config_maps[source["name"]])
            for item in source.get("files") or [{"key": k, "path": k} for k in data]:
                _write(mount / item["path"], str(data[item["key"]]), item.get("mode", source.get("defaultMode")))
                written.append(mount / item["path"])
    return written


class LocalPod(PrometheusClient):
    """The container of a pod spec, running as a local process."""

    def __init__(self, spec: Dict[str, Any], k8s_resources: Optional[Dict[str, Any]], workdir: Path,
                 ca_pem: Optional[str] = None, timeout: float = 30.0) -> None:
        self.root = workdir / "root"
        self.port = free_port()
        materialise(spec, k8s_resources, self.root, self.port)
        container = prometheus_container(spec)
        under(self.root, flag_value(container["args"], "--storage.tsdb.path") or "/prometheus").mkdir(
            parents=True, exist_ok=True)
        self.args = local_args(container["args"], self.root, self.port)
        probe = container["kubernetes"]["readinessProbe"]["httpGet"]
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
    def url(self) -> str:  # type: ignore[override]
        return self.base + self.prefix

    @property
    def pid(self) -> int:
        return self.process.pid

    def config_path(self, name: str) -> Path:
        return self.root / "etc/prometheus/config" / name

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
