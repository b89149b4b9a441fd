"""A real ``prometheus`` started from a configuration file and extra flags, on loopback."""

from pathlib import Path
from typing import List, Optional, Sequence

from scripts.localrun.client import PrometheusClient
from scripts.localrun.pod import path_prometheus
from scripts.localrun.processes import ManagedProcess, free_port, wait_until_ready


class PrometheusServer(PrometheusClient):
    """``binary`` (default: the ``prometheus`` on PATH) serving ``config_file`` until ``stop()``."""

    def __init__(self, workdir: Path, config_file: Path, extra_args: Sequence[str] = (),
                 binary: Optional[str] = None) -> None:
        self.port = free_port()
        super().__init__(f"http://127.0.0.1:{self.port}")
        data = workdir / "tsdb"
        data.mkdir(parents=True, exist_ok=True)
        argv: List[str] = [
            binary or path_prometheus(),
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
