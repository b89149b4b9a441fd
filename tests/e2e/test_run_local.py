"""scripts/run_local.py (`make run`), the developer's "run the charm locally", as a real subprocess.

It runs the charm's hooks through the hook-tool doubles, starts the chosen generation's prometheus
from the pod spec the charm set for that version's image, and must leave nothing running and no
temporary directory behind, whichever way it ends.
"""

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from scripts.localrun.generations import Generation

pytestmark = [pytest.mark.e2e, pytest.mark.tooling]

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "run_local.py"
FAST = ["--config", "scrape-interval=1s", "--config", "scrape-timeout=1s"]
TIMEOUT = 240


def script_env(tmpdir: Optional[Path] = None) -> Dict[str, str]:
    """The environment of `make run`: no PYTHONPATH, the script finds its imports itself.

    With ``tmpdir``, the script's temporary directories go there (TMPDIR), to be looked at.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COVERAGE_PROCESS_START")}
    env["PYTHONUNBUFFERED"] = "1"
    if tmpdir is not None:
        tmpdir.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmpdir)
    return env


def version_of(generation: Generation) -> str:
    return ".".join(map(str, generation.version))


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


def test_run_local_runs_the_charm_then_prometheus_and_stops_it(generation: Generation, tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    result = subprocess.run([sys.executable, str(SCRIPT), "--generation", generation.name, *FAST], cwd=REPO,
                            env=script_env(tmpdir), capture_output=True, text=True, timeout=TIMEOUT)
    out = result.stdout
    try:
        assert result.returncode == 0, f"{out}\n{result.stderr}"
        # the charm judged for the image of the very version that ran
        assert f", leader, image prom/prometheus:v{version_of(generation)}; " in out
        assert re.search(rf"^prometheus version: {re.escape(version_of(generation))}(\+\w+)? "
                         rf"\({re.escape(generation.prometheus)}\)$", out, re.MULTILINE), out
        assert "charm options: scrape-interval='1s' scrape-timeout='1s'\n" in out
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
        assert workdir and Path(workdir.group(1)).parent == tmpdir
        assert list(tmpdir.iterdir()) == [], "a successful run cleans up"
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
def test_keep_running_stops_everything_on_a_signal(signum: int, expected_exit: int, tmp_path: Path,
                                                   generation: Generation) -> None:
    # SIGINT: a run with a --workdir keeps it; SIGTERM: the temporary directory goes all the same.
    workdir = ["--workdir", str(tmp_path / "run")] if signum == signal.SIGINT else []
    tmpdir = tmp_path / "tmp"
    argv = [sys.executable, str(SCRIPT), "--generation", generation.name, *FAST, *workdir, "--keep-running"]
    proc = subprocess.Popen(argv, cwd=REPO, env=script_env(tmpdir), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
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
        assert list(tmpdir.iterdir()) == []
        if workdir:
            assert (tmp_path / "run" / "juju").is_dir()
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        kill_leftovers(out)


def test_a_charm_that_sets_no_pod_spec_fails_loudly_and_keeps_the_workdir(tmp_path: Path) -> None:
    # scrape-timeout (default 10s) longer than scrape-interval: the charm blocks, sets no spec.
    argv = ["--config", "scrape-interval=5s", "--workdir", str(tmp_path / "run")]
    result = subprocess.run([sys.executable, str(SCRIPT), *argv], cwd=REPO,
                            env=script_env(), capture_output=True, text=True, timeout=TIMEOUT)

    assert result.returncode == 1
    assert "hook config-changed: exit 0; unit status: blocked: scrape-timeout" in result.stdout
    assert "FAILED: the charm set no pod spec (unit status blocked: scrape-timeout" in result.stderr
    assert "prometheus pid" not in result.stdout
    assert f"files kept in {tmp_path / 'run'}" in result.stderr
    assert (tmp_path / "run" / "juju").is_dir()


def test_a_failed_run_removes_its_temporary_directory(tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    result = subprocess.run([sys.executable, str(SCRIPT), "--config", "scrape-interval=5s"], cwd=REPO,
                            env=script_env(tmpdir), capture_output=True, text=True, timeout=TIMEOUT)

    assert result.returncode == 1
    assert "FAILED: the charm set no pod spec" in result.stderr
    assert "hook config-changed: exit 0" in result.stdout, "the run got as far as the hooks"
    assert "work files removed; --workdir DIR keeps them" in result.stderr
    assert list(tmpdir.iterdir()) == []


@pytest.mark.parametrize("argv", [
    ["--config", "no-value"],
    ["--config", "scrape-interval=@/nonexistent/file"],
    ["--port", "not-a-port"],
    ["--generation", "4"],
    ["--no-such-flag"],
])
def test_an_argument_error_leaves_no_temporary_directory(tmp_path: Path, argv: List[str]) -> None:
    tmpdir = tmp_path / "tmp"
    result = subprocess.run([sys.executable, str(SCRIPT), *argv], cwd=REPO,
                            env=script_env(tmpdir), capture_output=True, text=True, timeout=TIMEOUT)

    assert result.returncode in (1, 2), result.stderr  # 2: argparse's usage error
    assert "Traceback" not in result.stderr, result.stderr
    assert list(tmpdir.iterdir()) == []


def test_an_unknown_option_is_refused(tmp_path: Path) -> None:
    argv = ["--config", "no-such-option=1", "--workdir", str(tmp_path / "run")]
    result = subprocess.run([sys.executable, str(SCRIPT), *argv], cwd=REPO,
                            env=script_env(), capture_output=True, text=True, timeout=TIMEOUT)

    assert result.returncode == 1
    assert "unknown option 'no-such-option'" in result.stderr
    # given options add to the default scrape interval
    assert "charm options: no-such-option='1' scrape-interval='10s'\n" in result.stdout


def test_a_given_scrape_interval_wins_over_the_default(tmp_path: Path) -> None:
    argv = ["--config", "log-level=debug", "--config", "scrape-interval=15s", "--config", "no-such-option=1"]
    result = subprocess.run([sys.executable, str(SCRIPT), *argv], cwd=REPO,
                            env=script_env(tmp_path / "tmp"), capture_output=True, text=True, timeout=TIMEOUT)

    assert result.returncode == 1
    assert "charm options: log-level='debug' no-such-option='1' scrape-interval='15s'\n" in result.stdout


@pytest.mark.parametrize(("make_args", "expected"), [
    ([], "scripts/run_local.py --generation 2\n"),
    (["GENERATION=3"], "scripts/run_local.py --generation 3\n"),
    (["GENERATION=3", "ARGS=--config log-level=debug --keep-running"],
     "scripts/run_local.py --generation 3 --config log-level=debug --keep-running\n"),
])
def test_make_run_passes_the_generation_and_args(make_args: List[str], expected: str) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(["make", "-n", "run", *make_args], cwd=REPO, capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].rstrip().endswith(expected.rstrip()), result.stdout
