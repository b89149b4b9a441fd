"""Child processes on loopback: started with a log file, stopped by their own pid, polled until ready.

Nothing here stops a process it did not start; nothing listens beyond 127.0.0.1.
"""

import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Mapping, Optional, Sequence


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float = 5.0, context: Optional[ssl.SSLContext] = None) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout, context=context) as resp:  # noqa: S310 (loopback)
        return bytes(resp.read())


def http_post(url: str, timeout: float = 10.0) -> bytes:
    req = urllib.request.Request(url, data=b"", method="POST")  # noqa: S310 (loopback)
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
        return bytes(resp.read())


class ProcessFailed(RuntimeError):
    """A child process exited, or did not become ready in time; the message holds its log."""


class ManagedProcess:
    """A child process with its log file; ``stop()`` ends it by its own pid."""

    def __init__(self, argv: Sequence[str], log_path: Path, cwd: Optional[Path] = None,
                 env: Optional[Mapping[str, str]] = None) -> None:
        """``env``: variables set for the child on top of this process's environment."""
        self.argv = list(argv)
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed by stop())
        try:
            self.proc = subprocess.Popen(self.argv, stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd,
                                         env=dict(os.environ, **env) if env else None)
        except OSError:
            self._log.close()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def check_alive(self) -> None:
        """Raise ProcessFailed, with the log, if the process has exited."""
        if self.proc.poll() is not None:
            raise ProcessFailed(f"{self.argv[0]} exited with {self.proc.returncode}:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


def wait_until_ready(url: str, proc: ManagedProcess, timeout: float = 30.0,
                     context: Optional[ssl.SSLContext] = None) -> None:
    """Poll ``url`` until it answers 200 (bounded); fail at once if the process exits."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        proc.check_alive()
        try:
            http_get(url, timeout=2.0, context=context)
            return
        except (urllib.error.URLError, OSError) as err:
            last = str(err)
            time.sleep(0.1)
    raise ProcessFailed(f"{url} not ready after {timeout:.0f}s ({last}):\n{proc.log()[-4000:]}")
