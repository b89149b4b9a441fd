"""A pod spec's Prometheus container, run as a local process on loopback.

The spec's files (its volumes' files, ConfigMaps and Secrets) are written under a root directory,
every absolute path in the container args is mapped under that root, and the listen address
becomes 127.0.0.1 and a free port; so does prometheus.yml's self-scrape target (``localhost:9090``
in the pod). Everything else is passed exactly as the charm set it.
"""

import base64
import shutil
import ssl
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

from domain.container import PORT
from scripts.localrun.client import PrometheusClient
from scripts.localrun.processes import ManagedProcess, free_port, wait_until_ready

CONTAINER = "prometheus"
SELF_TARGET = f"localhost:{PORT}"  # prometheus.yml's self-scrape target, in the pod
# The flags whose values are paths in the container; every other value (a page title such as
# "/x", a URL path) passes as written.
PATH_FLAGS = frozenset({"--config.file", "--storage.tsdb.path", "--web.config.file",
                        "--web.console.templates", "--web.console.libraries"})
T = TypeVar("T")


def prometheus_container(spec: Dict[str, Any]) -> Dict[str, Any]:
    for container in spec.get("containers", []):
        if container.get("name") == CONTAINER:
            return dict(container)
    raise ValueError(f"the pod spec has no container named {CONTAINER!r}")


def container_env(container: Dict[str, Any], pod_name: str) -> Dict[str, str]:
    """The container's ``envConfig`` as Kubernetes sets it: text as it is, and the downward
    API's ``metadata.name`` as ``pod_name``; any other reference is refused."""
    env: Dict[str, str] = {}
    for name, value in (container.get("envConfig") or {}).items():
        if isinstance(value, dict):
            if value != {"field": {"path": "metadata.name", "api-version": "v1"}}:
                raise ValueError(f"envConfig {name}: the local run knows no {value!r}")
            env[str(name)] = pod_name
        else:
            env[str(name)] = str(value)
    return env


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
            elif value.startswith("/") and flag in PATH_FLAGS:
                value = str(under(root, value))
            out.append(f"{flag}{eq}{value}")
        elif previous == "--web.listen-address":
            out.append(f"127.0.0.1:{port}")
        elif arg.startswith("/") and previous in PATH_FLAGS:
            out.append(str(under(root, arg)))  # "--flag /path", kingpin accepts it too
        else:
            out.append(arg)
        previous = arg
    return out


def _write(path: Path, content: str, mode: Optional[int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    if mode is not None:
        path.chmod(mode | 0o200)  # stay writable: files are rewritten as kubelet would


def _volume_data(volume: Dict[str, Any], kind: str, secrets: Dict[str, Any],
                 config_maps: Dict[str, Any]) -> Dict[str, str]:
    name = volume[kind]["name"]
    if kind == "configMap":
        if name not in config_maps:
            raise ValueError(f"volume {volume['name']}: no configMap {name!r} in the spec")
        return {key: str(value) for key, value in config_maps[name].items()}
    if name not in secrets:
        raise ValueError(f"volume {volume['name']}: no secret {name!r} in kubernetesResources")
    data = dict(secrets[name].get("stringData") or {})
    for key, value in (secrets[name].get("data") or {}).items():
        data[key] = base64.b64decode(value).decode()
    return data


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
            if port not in (None, PORT) and entry["path"] == "prometheus.yml":
                content = content.replace(f"- {SELF_TARGET}\n", f"- 127.0.0.1:{port}\n")
            _write(mount / entry["path"], content, entry.get("mode"))
            written.append(mount / entry["path"])
        for kind in ("secret", "configMap"):
            source = volume.get(kind)
            if not source:
                continue
            data = _volume_data(volume, kind, secrets, config_maps)
            for item in source.get("files") or [{"key": k, "path": k} for k in data]:
                content = data[item["key"]]
                if port not in (None, PORT) and item["path"] == "prometheus.yml":
                    content = content.replace(f"- {SELF_TARGET}\n", f"- 127.0.0.1:{port}\n")
                _write(mount / item["path"], content, item.get("mode", source.get("defaultMode")))
                written.append(mount / item["path"])
    return written


def path_prometheus() -> str:
    """The ``prometheus`` on PATH (Debian's, generation 2)."""
    found = shutil.which("prometheus")
    if found is None:
        raise RuntimeError("prometheus is not installed: run scripts/setup")
    return found


class LocalPod(PrometheusClient):
    """The Prometheus container of a pod spec, as a local process of ``binary``.

    The files are written at construction. With ``start`` (the default) the process starts and
    is ready when the constructor returns; otherwise call ``start()`` and ``wait_ready()``.
    ``ca_pem`` verifies an https pod's certificate; ``context`` replaces that check altogether.
    ``pod_name`` is the name the pod would have (its ``envConfig`` reads it, as the replica label).
    """

    def __init__(self, spec: Dict[str, Any], k8s_resources: Optional[Dict[str, Any]], workdir: Path,
                 ca_pem: Optional[str] = None, timeout: float = 30.0, *, binary: Optional[str] = None,
                 port: Optional[int] = None, context: Optional[ssl.SSLContext] = None,
                 start: bool = True, pod_name: str = "prometheus-0") -> None:
        self.workdir = workdir
        self.root = workdir / "root"
        self.port = port or free_port()
        self.files = materialise(spec, k8s_resources, self.root, self.port)
        container = prometheus_container(spec)
        args = [str(arg) for arg in container.get("args") or []]
        under(self.root, flag_value(args, "--storage.tsdb.path") or "/prometheus").mkdir(
            parents=True, exist_ok=True)
        self.args = local_args(args, self.root, self.port)
        self.argv = [binary or path_prometheus(), *self.args]
        self.env = container_env(container, pod_name)
        probe = ((container.get("kubernetes") or {}).get("readinessProbe") or {}).get("httpGet") or {}
        self.ready_path = str(probe.get("path", "/-/ready"))
        scheme = str(probe.get("scheme", "HTTP")).lower()
        self.base = f"{scheme}://127.0.0.1:{self.port}"
        self.prefix = self.ready_path[: -len("/-/ready")] if self.ready_path.endswith("/-/ready") else ""
        if context is None and ca_pem:
            context = ssl.create_default_context(cadata=ca_pem)
        super().__init__(self.base + self.prefix, context)
        self.process: Optional[ManagedProcess] = None
        if start:
            self.start()
            try:
                self.wait_ready(timeout)
            except Exception:
                self.stop()
                raise

    def start(self) -> ManagedProcess:
        self.process = ManagedProcess(self.argv, self.workdir / f"prometheus-{self.port}.log", cwd=self.workdir,
                                      env=self.env)
        return self.process

    def wait_ready(self, timeout: float = 30.0) -> None:
        assert self.process is not None, "start() first"
        wait_until_ready(self.base + self.ready_path, self.process, timeout, self.context)

    @property
    def pid(self) -> int:
        assert self.process is not None, "start() first"
        return self.process.pid

    def config_path(self, name: str) -> Path:
        return self.root / "etc/prometheus/config" / name

    def wait_for(self, what: str, check: Callable[[], T], timeout: float = 20.0) -> T:
        """Poll ``check()`` until it returns something truthy (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            time.sleep(0.2)
        log = self.process.log()[-3000:] if self.process else ""
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
