"""PrometheusHttpApi against a real ``prometheus`` process of each generation, on loopback."""

import re
import subprocess
import time
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from adapters.prometheus_api import PrometheusHttpApi
from domain.errors import WorkloadRejected, WorkloadUnavailable
from scripts.localrun.generations import Generation
from scripts.localrun.server import PrometheusServer

pytestmark = pytest.mark.e2e

FIRST = """\
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: first
    static_configs:
      - targets: ["127.0.0.1:9"]
"""
SECOND = FIRST.replace("job_name: first", "job_name: second").replace("15s", "45s")
BROKEN = "scrape_configs:\n  - job_name: [not, a, name\n"


@pytest.fixture
def prometheus(tmp_path: Path, generation: Generation) -> Iterator[Tuple[PrometheusServer, Path]]:
    config = tmp_path / "prometheus.yml"
    config.write_text(FIRST)
    server = PrometheusServer(tmp_path, config, extra_args=["--web.enable-lifecycle"], binary=generation.prometheus)
    yield server, config
    server.stop()


def test_reload_makes_prometheus_run_the_rewritten_config(
    prometheus: Tuple[PrometheusServer, Path],
) -> None:
    server, config = prometheus
    api = PrometheusHttpApi(server.url)
    loaded_before = api.runtime_info().last_config_time
    config.write_text(SECOND)
    # Prometheus reports lastConfigTime in whole seconds: let the clock reach the next one.
    time.sleep(max(0.0, loaded_before + 1.05 - time.time()))

    api.reload()

    running = api.running_config()
    assert "job_name: second" in running and "job_name: first" not in running
    assert "scrape_interval: 45s" in running
    info = api.runtime_info()
    assert info.reload_success is True
    assert info.last_config_time > loaded_before


def test_a_broken_config_is_rejected_and_prometheus_keeps_the_old_one(
    prometheus: Tuple[PrometheusServer, Path],
) -> None:
    server, config = prometheus
    api = PrometheusHttpApi(server.url)
    config.write_text(BROKEN)

    with pytest.raises(WorkloadRejected, match=r"^prometheus refused to reload: failed to reload"):
        api.reload()

    assert api.runtime_info().reload_success is False
    assert "job_name: first" in api.running_config()


def test_last_config_time_is_when_prometheus_loaded_its_config(
    prometheus: Tuple[PrometheusServer, Path],
) -> None:
    server, _ = prometheus

    loaded = PrometheusHttpApi(server.url).runtime_info().last_config_time

    assert time.time() - 120 < loaded <= time.time()


def test_start_time_is_when_the_process_started(prometheus: Tuple[PrometheusServer, Path]) -> None:
    server, _ = prometheus

    info = PrometheusHttpApi(server.url).runtime_info()

    assert time.time() - 120 < info.start_time <= info.last_config_time + 1


def test_version_is_what_the_binary_says(prometheus: Tuple[PrometheusServer, Path], generation: Generation) -> None:
    server, _ = prometheus
    banner = subprocess.run([generation.prometheus, "--version"], capture_output=True, text=True,
                            check=True)
    match = re.search(r"version (\S+)", banner.stdout + banner.stderr)
    assert match is not None, banner

    version = PrometheusHttpApi(server.url).version()

    assert version == match.group(1)
    assert version.startswith(generation.name + ".")


def test_reload_without_the_lifecycle_flag_is_rejected(tmp_path: Path, generation: Generation) -> None:
    config = tmp_path / "prometheus.yml"
    config.write_text(FIRST)
    server = PrometheusServer(tmp_path, config, binary=generation.prometheus)
    try:
        with pytest.raises(WorkloadRejected, match=r"Lifecycle API is not enabled"):
            PrometheusHttpApi(server.url).reload()
    finally:
        server.stop()


def test_a_stopped_prometheus_is_unavailable(prometheus: Tuple[PrometheusServer, Path]) -> None:
    server, _ = prometheus
    api = PrometheusHttpApi(server.url)
    api.retry_delay = 0.01
    server.stop()

    with pytest.raises(WorkloadUnavailable, match=r"connection refused$"):
        api.runtime_info()
