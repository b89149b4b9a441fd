"""scripts/run_local.py, the developer's "run the charm locally", run as a real subprocess.

It runs the charm's hooks through the hook-tool doubles, starts Debian's prometheus from the pod
spec and must leave nothing running, whichever way it ends.
"""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import List, Optional

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.tooling]

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "run_local.py"
FAST = ["--config", "scrape-interval=5s", "--config", "scrape-timeout=5s"]
TIMEOUT = 240


def script_env() -> dict:
    """The environment of `make run`: no PYTHONPATH, the script finds its imports itself."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COVERAGE_PROCESS_START")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def is_running_prometheus(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return b"prometheus" in cmdline and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def prometheus_pids(output: str) -> List[int]:
    return [int(pid) for pid in re.findall(r"^prometheus pid: (\d+)$", output, re.MULTILINE)]


def kill_leftovers(output: str) -> None:
    """If the script failed to stop its prometheus, stop it here (the test fails anyway)."""
    for pid in prometheus_pids(output):
        if is_running_prometheus(pid):
            os.kill(pid, signal.SIGKILL)


def test_run_local_runs_the_charm_then_prometheus_and_stops_it() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), *FAST], cwd=REPO, env=script_env(),
                            capture_output=True, text=True, timeout=TIMEOUT)
    out = result.stdout
    try:
        assert result.returncode == 0, f"{out}\n{result.stderr}"
        for hook in ("install", "leader-elected", "config-changed", "start", "update-status"):
            assert re.search(rf"^hook {hook}: exit 0; unit status: \w+: ", out, re.MULTILINE), out
        # update-status saw the running pod and had it load the published files
        assert re.search(r"^hook update-status: exit 0; unit status: active: $", out, re.MULTILINE), out
        assert re.search(r"^prometheus ready: http://127\.0\.0\.1:\d+/$", out, re.MULTILINE), out
        query = re.search(r"^query rate\(prometheus_tsdb_head_chunks_created_total\[1m\]\): (.*)$", out,
                          re.MULTILINE)
        assert query, out
        series = json.loads(query.group(1))
        # the self-scrape target follows the local port, so the seed's query always has its series
        assert len(series) == 1 and float(series[0]["value"][1]) >= 0, out
        pids = prometheus_pids(out)
        assert pids and f"stopped prometheus (pid {pids[-1]})" in out
        assert not any(is_running_prometheus(pid) for pid in pids)
        workdir = re.search(r"files in (\S+)$", out, re.MULTILINE)
        assert workdir and not Path(workdir.group(1)).exists(), "a successful run cleans up"
    finally:
        kill_leftovers(out)


def read_until(proc: "subprocess.Popen[str]", lines: "queue.Queue[Optional[str]]", pattern: str,
               timeout: float) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        seen.append(line)
        if re.search(pattern, line):
            return "".join(seen)
    raise AssertionError(f"no line matching {pattern!r} within {timeout}s:\n{''.join(seen)}")


@pytest.mark.parametrize(("signum", "expected_exit"), [(signal.SIGINT, 0), (signal.SIGTERM, 143)])
def test_keep_running_stops_everything_on_a_signal(signum: int, expected_exit: int, tmp_path: Path) -> None:
    workdir = ["--workdir", str(tmp_path / "run")]  # a run ended by SIGTERM keeps its files
    proc = subprocess.Popen([sys.executable, str(SCRIPT), *FAST, *workdir, "--keep-running"], cwd=REPO,
                            env=script_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[Optional[str]] = queue.Queue()  # a local: never evaluated on 3.8

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    out = ""
    try:
        out = read_until(proc, lines, r"press Ctrl-C to stop it", TIMEOUT)
        pid = prometheus_pids(out)[-1]
        assert is_running_prometheus(pid)

        os.kill(proc.pid, signum)
        proc.wait(timeout=60)
        while True:
            line = lines.get(timeout=10)
            if line is None:
                break
            out += line

        assert proc.returncode == expected_exit, out
        assert f"stopped prometheus (pid {pid})" in out
        assert not is_running_prometheus(pid)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        kill_leftovers(out)


def test_a_charm_that_sets_no_pod_spec_fails_loudly(tmp_path: Path) -> None:
    # scrape-timeout (default 10s) longer than scrape-interval: the charm blocks, sets no spec.
    argv = ["--config", "scrape-interval=5s", "--workdir", str(tmp_path / "run")]
    result = subprocess.run([sys.executable, str(SCRIPT), *argv], cwd=REPO,
                            env=script_env(), capture_output=True, text=True, timeout=TIMEOUT)

    assert result.returncode == 1
    assert "hook config-changed: exit 0; unit status: blocked: scrape-timeout" in result.stdout
    assert "FAILED: the charm set no pod spec (unit status blocked: scrape-timeout" in result.stderr
    assert "prometheus pid" not in result.stdout
    assert f"files kept in {tmp_path / 'run'}" in result.stderr


def test_an_unknown_option_is_refused(tmp_path: Path) -> None:
    argv = ["--config", "no-such-option=1", "--workdir", str(tmp_path / "run")]
    result = subprocess.run([sys.executable, str(SCRIPT), *argv], cwd=REPO,
                            env=script_env(), capture_output=True, text=True, timeout=TIMEOUT)

    assert result.returncode == 1
    assert "unknown option 'no-such-option'" in result.stderr
