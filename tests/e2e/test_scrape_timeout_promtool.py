"""scrape-timeout against scrape-interval: the charm accepts exactly what promtool accepts.

Prometheus refuses a global scrape_timeout greater than scrape_interval ("global scrape
timeout greater than scrape interval"); equal lengths pass however they are written.
"""

import subprocess
from pathlib import Path

import pytest

from domain.errors import ConfigErrors
from scripts.localrun.generations import Generation
from tests.support.builders import make_config

pytestmark = pytest.mark.e2e


def promtool_accepts(generation: Generation, tmp_path: Path, interval: str, timeout: str) -> bool:
    config = tmp_path / "prometheus.yml"
    config.write_text(f"global:\n  scrape_interval: {interval}\n  scrape_timeout: {timeout}\n"
                      "scrape_configs:\n- job_name: self\n  static_configs:\n  - targets: ['localhost:9090']\n")
    done = subprocess.run([generation.promtool, "check", "config", str(config)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 or "scrape timeout greater than scrape interval" in done.stdout + done.stderr, (
        done.stdout + done.stderr)
    return done.returncode == 0


def charm_accepts(interval: str, timeout: str) -> bool:
    try:
        make_config(scrape_interval=interval, scrape_timeout=timeout)
    except ConfigErrors:
        return False
    return True


@pytest.mark.parametrize("interval, timeout", [
    ("1m", "60s"), ("60s", "1m"), ("10000ms", "10s"), ("10s", "10000ms"), ("1h", "60m"),
    ("10s", "11s"), ("1m", "61s"), ("10s", "10001ms"), ("59s", "1m"),
])
def test_charm_and_promtool_agree(generation, tmp_path, interval, timeout):
    assert charm_accepts(interval, timeout) == promtool_accepts(generation, tmp_path, interval, timeout)
