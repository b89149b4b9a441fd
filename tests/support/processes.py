"""Real Prometheus and Alertmanager processes for tests, on loopback and free ports.

Every process started here is stopped by its own pid; nothing is left running.
"""

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

def http_get(url: str, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return bytes(resp.read())

def http_post(url: str, timeout: float = 10.0) -> bytes:
    req = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return bytes(resp.read())

class ManagedProcess:
    """A child process with its log file; stop() ends it by its own pid."""

    def __init__(self, argv: Sequence[str], log_path: Path, cwd: Optional[Path] = None) -> None:
        self.argv = list(argv)
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed by stop())
        self.proc = subprocess.Popen(
            self.argv, stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()

def wait_until_ready(url: str, proc: ManagedProcess, timeout: float = 30.0) -> None:
    """Poll ``url`` until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"{proc.argv[0]} exited with {proc.proc.returncode}:\n{proc.log()}")
        try:
            http_get(url, timeout=1.0)
            return
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{proc.log()}")

def prometheus_binary() -> str:
    path = shutil.which("prometheus")
    if path is None:
        raise RuntimeError("prometheus is not installed: run scripts/setup (apt-get install prometheus)")
    return path

class PrometheusClient:
    """Reads a running Prometheus' HTTP API at ``self.url`` (with ``self.context`` for https)."""

    url: str
    context: Optional[ssl.SSLContext] = None

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


class PrometheusServer(PrometheusClient):
    """A real ``prometheus`` started with a config file and extra flags."""

    def __init__(self, workdir: Path, config_file: Path, extra_args: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        data = workdir / "tsdb"
        data.mkdir(parents=True, exist_ok=True)
        argv: List[str] = [
            prometheus_binary(),
            f"--config.file={config_file}",
            f"--storage.tsdb.path={data}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            *extra_args,
        ]
        self.process = ManagedProcess(argv, workdir / "prometheus.log", cwd=workdir)
        try:
            wait_until_ready(f"{self.url}/-/ready", self.process)
        except Exception:
            self.process.stop()
            raise

    def stop(self) -> None:
        self.process.stop()
