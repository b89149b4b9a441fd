"""The charm's actions, run as the workload container runs them: shell scripts, no Python.

Pod-spec charm actions run inside the first container of the workload pod (prom/prometheus:
busybox /bin/sh and applets, /bin/promtool, no Python). Here each action runs under a real
busybox shell (and dash, Debian's /bin/sh) with a PATH of busybox applet links, promtool and
hook-tool doubles that record their argv, against a REAL Prometheus whose /proc/<pid>/cmdline
the scripts read (PROMETHEUS_PID). Outcomes a real Prometheus cannot be made to produce (a
reload it rejects although promtool accepted the file, a reload that never completes) use a
small stand-in process with the same flags.
"""

import json
import shutil
import ssl
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence

import pytest
import yaml

from scripts.localrun.generations import Generation
from scripts.localrun.processes import ManagedProcess, free_port, http_get
from scripts.localrun.server import PrometheusServer
from tests.e2e.actions_support import (
    BUSYBOX,
    FAKE_PROMETHEUS,
    REPO,
    SHELLS,
    ActionRun,
    Workload,
    make_workload,
    run_action,
    run_script,
    shell_available,
)

pytestmark = pytest.mark.e2e

SHELL_NAMES = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(not shell_available(name), reason=f"{name} is not installed"),
    )
    for name in SHELLS
]

CONFIG = """\
# rendered by the charm
global:
  scrape_interval: 15s
  evaluation_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:1"]
"""
BROKEN = CONFIG.replace("scrape_interval: 15s", "scrape_interval: banana")
RELOAD_TS = "prometheus_config_last_reload_success_timestamp_seconds"
RELOAD_OK = "prometheus_config_last_reload_successful"
ACTIONS = ("reload-config", "validate-configuration", "show-config")


# ------------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture
def workload(tmp_path: Path, generation: Generation) -> Workload:
    """The workload PATH with the promtool of the generation whose prometheus the test runs."""
    return make_workload(tmp_path / "workload", generation.promtool)


@pytest.fixture
def bare_workload(tmp_path: Path) -> Workload:
    """The workload PATH for tests that start no Prometheus and reach no promtool."""
    return make_workload(tmp_path / "workload")


StartPrometheus = Callable[..., PrometheusServer]


@pytest.fixture
def start_prometheus(tmp_path: Path, generation: Generation) -> Iterator[StartPrometheus]:
    """Start real Prometheus servers; every one is stopped by its pid at the end."""
    started: List[PrometheusServer] = []

    def start(config: str = CONFIG, extra_args: Sequence[str] = (), name: str = "prom") -> PrometheusServer:
        workdir = tmp_path / name
        workdir.mkdir()
        config_file = workdir / "prometheus.yml"
        config_file.write_text(config)
        server = PrometheusServer(workdir, config_file, extra_args, binary=generation.prometheus)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def config_file(server: PrometheusServer) -> Path:
    return Path(server.flags()["config.file"])


def env_for(workload: Workload, pid: int, **extra: str) -> Dict[str, str]:
    return workload.env(PROMETHEUS_PID=str(pid), **extra)


def loaded_yaml(server: PrometheusServer) -> str:
    return str(server.api("/api/v1/status/config")["yaml"])


def metric(server: PrometheusServer, name: str) -> float:
    """A sample of Prometheus's own /metrics (it does not scrape itself here)."""
    for line in http_get(f"{server.url}/metrics").decode().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            return float(parts[1])
    raise AssertionError(f"{name} not in {server.url}/metrics")


def assert_succeeded(run: ActionRun) -> None:
    assert run.returncode == 0, run.describe()
    assert run.failures == [], run.describe()


def assert_failed(run: ActionRun) -> str:
    """The action exited non-zero after exactly one action-fail; returns its message."""
    assert run.returncode != 0, run.describe()
    assert len(run.failures) == 1, run.describe()
    return run.failures[0]


# ------------------------------------------------------------------------------------------------
# show-config


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_show_config_returns_the_exact_file(
    workload: Workload, start_prometheus: StartPrometheus, shell: str
) -> None:
    # Trailing blank lines, quotes and a '=' must survive the trip through action-set.
    text = CONFIG + "  - job_name: \"a=b\"\n    static_configs:\n      - targets: ['x:1']\n\n\n"
    server = start_prometheus(text)

    run = run_action(workload, "show-config", shell, env=env_for(workload, server.process.pid))

    assert_succeeded(run)
    assert run.results == {"path": str(config_file(server)), "redacted": "false", "config": text}
    assert run.stdout == ""


def test_show_config_resolves_a_relative_config_file_against_prometheus_cwd(
    workload: Workload, tmp_path: Path, generation: Generation
) -> None:
    workdir = tmp_path / "rel"
    workdir.mkdir()
    (workdir / "prometheus.yml").write_text(CONFIG)
    # Relative --config.file: Prometheus runs in workdir, the action in the charm directory.
    server = PrometheusServer(workdir, Path("prometheus.yml"), binary=generation.prometheus)
    try:
        assert server.flags()["config.file"] == "prometheus.yml"
        run = run_action(workload, "show-config", env=env_for(workload, server.process.pid))
    finally:
        server.stop()

    assert_succeeded(run)
    assert run.results["path"] == str(workdir / "prometheus.yml")
    assert run.results["config"] == CONFIG


def test_show_config_redacts_secret_values(workload: Workload, start_prometheus: StartPrometheus) -> None:
    secrets = ["hunter2-basic", "tok-flow-secret", "line-one-secret", "line-two-secret"]
    text = CONFIG + (
        "  - job_name: basic\n"
        "    basic_auth:\n"
        "      username: alice\n"
        "      password: hunter2-basic\n"
        "    static_configs: [{targets: ['a:1']}]\n"
        "  - job_name: flow\n"
        '    authorization: {type: Bearer, credentials: "tok-flow-secret"}\n'
        "    static_configs: [{targets: ['b:1']}]\n"
        "  - job_name: block\n"
        "    bearer_token: |\n"
        "      line-one-secret\n"
        "      line-two-secret\n"
        "    static_configs: [{targets: ['c:1']}]\n"
        "  - job_name: files\n"
        "    basic_auth:\n"
        "      username: bob\n"
        "      password_file: /etc/prometheus/password\n"
        "    static_configs: [{targets: ['d:1']}]\n"
    )
    server = start_prometheus(text)

    run = run_action(workload, "show-config", env=env_for(workload, server.process.pid))

    assert_succeeded(run)
    everything = run.stdout + run.stderr + json.dumps(run.calls)
    for secret in secrets:
        assert secret not in everything, run.describe()
    assert run.results["redacted"] == "true"
    jobs = {j["job_name"]: j for j in yaml.safe_load(run.results["config"])["scrape_configs"]}
    assert jobs["basic"]["basic_auth"] == {"username": "alice", "password": "<secret>"}
    assert jobs["flow"]["authorization"] == {"type": "Bearer", "credentials": "<secret>"}
    assert jobs["block"]["bearer_token"] == "<secret>"
    assert jobs["block"]["static_configs"] == [{"targets": ["c:1"]}]
    assert jobs["files"]["basic_auth"] == {
        "username": "bob",
        "password_file": "/etc/prometheus/password",
    }
    assert jobs["prometheus"]["static_configs"] == [{"targets": ["127.0.0.1:1"]}]


def test_show_config_fails_when_the_file_is_missing(
    workload: Workload, start_prometheus: StartPrometheus
) -> None:
    server = start_prometheus()
    path = config_file(server)
    path.unlink()

    run = run_action(workload, "show-config", env=env_for(workload, server.process.pid))

    message = assert_failed(run)
    assert run.returncode == 1
    assert str(path) in message and "does not exist" in message
    assert "config" not in run.results


def test_show_config_refuses_a_file_too_large_for_an_action_result(
    workload: Workload, start_prometheus: StartPrometheus
) -> None:
    server = start_prometheus()
    path = config_file(server)
    path.write_text(CONFIG + "# padding\n" * 20_000)  # 200 kB: over Linux's 128 KiB per argument

    run = run_action(workload, "show-config", env=env_for(workload, server.process.pid))

    message = assert_failed(run)
    assert "too large" in message and str(path) in message
    assert "config" not in run.results
    assert run.results["size"] == str(path.stat().st_size)


def missing_pid() -> int:
    pid = 2**22 + 12345  # far above the pids in use
    while Path(f"/proc/{pid}").exists():
        pid += 1
    return pid


def test_show_config_fails_for_a_process_that_does_not_exist(bare_workload: Workload) -> None:
    pid = missing_pid()

    run = run_action(bare_workload, "show-config", env=env_for(bare_workload, pid))

    message = assert_failed(run)
    assert f"/proc/{pid}/cmdline" in message


# ------------------------------------------------------------------------------------------------
# validate-configuration


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_validate_accepts_the_running_config(
    workload: Workload, start_prometheus: StartPrometheus, shell: str
) -> None:
    server = start_prometheus()

    run = run_action(workload, "validate-configuration", shell, env=env_for(workload, server.process.pid))

    assert_succeeded(run)
    assert run.results["valid"] == "true"
    assert run.results["path"] == str(config_file(server))
    assert "SUCCESS" in run.results["output"]


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_validate_rejects_a_broken_file(
    workload: Workload, start_prometheus: StartPrometheus, shell: str
) -> None:
    server = start_prometheus()
    path = config_file(server)
    path.write_text(BROKEN)

    run = run_action(workload, "validate-configuration", shell, env=env_for(workload, server.process.pid))

    message = assert_failed(run)
    assert run.results["valid"] == "false"
    assert "banana" in run.results["output"]
    assert message.startswith(f"promtool rejected {path}: FAILED")
    assert "banana" in message and "\n" not in message


def test_validate_fails_when_promtool_is_missing(
    workload: Workload, start_prometheus: StartPrometheus
) -> None:
    server = start_prometheus()
    env = workload.env(with_promtool=False, PROMETHEUS_PID=str(server.process.pid))

    run = run_action(workload, "validate-configuration", env=env)

    message = assert_failed(run)
    assert "promtool not found" in message
    assert "valid" not in run.results


# ------------------------------------------------------------------------------------------------
# reload-config with a real Prometheus


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_reload_applies_the_changed_file(
    workload: Workload, start_prometheus: StartPrometheus, shell: str
) -> None:
    server = start_prometheus()
    assert "scrape_interval: 15s" in loaded_yaml(server)
    before = metric(server, RELOAD_TS)
    config_file(server).write_text(CONFIG.replace("scrape_interval: 15s", "scrape_interval: 7s"))

    run = run_action(workload, "reload-config", shell, env=env_for(workload, server.process.pid))

    assert_succeeded(run)
    assert run.results["result"] == "reloaded"
    assert run.results["valid"] == "true"
    assert "scrape_interval: 7s" in loaded_yaml(server)
    reloaded_at = float(run.results["reloaded-at"])
    assert reloaded_at > before
    assert reloaded_at == pytest.approx(metric(server, RELOAD_TS), abs=0.001)
    assert metric(server, RELOAD_OK) == 1


def test_reload_refuses_a_broken_file_and_sends_no_signal(
    workload: Workload, start_prometheus: StartPrometheus
) -> None:
    server = start_prometheus()
    path = config_file(server)
    before = metric(server, RELOAD_TS)
    path.write_text(BROKEN)

    run = run_action(workload, "reload-config", env=env_for(workload, server.process.pid))

    message = assert_failed(run)
    assert message.startswith(f"not reloading: promtool rejected {path}: FAILED")
    assert "banana" in message and "no signal sent" in message
    assert run.results["valid"] == "false"
    assert "result" not in run.results
    time.sleep(1.0)  # a stray SIGHUP would have been handled by now
    assert server.process.proc.poll() is None
    assert "scrape_interval: 15s" in loaded_yaml(server)
    # A SIGHUP with this file would have set successful to 0 and logged a second load.
    assert metric(server, RELOAD_OK) == 1
    assert metric(server, RELOAD_TS) == before
    assert server.process.log().count("Loading configuration file") == 1


def test_reload_follows_route_prefix_from_the_external_url(
    workload: Workload, tmp_path: Path, generation: Generation
) -> None:
    proc = _start_raw(generation, tmp_path, ["--web.external-url=http://prom.example/sub/path/"])
    try:
        base = f"http://127.0.0.1:{proc.port}/sub/path"  # type: ignore[attr-defined]
        (tmp_path / "rawprom" / "prometheus.yml").write_text(
            CONFIG.replace("evaluation_interval: 15s", "evaluation_interval: 9s")
        )

        run = run_action(workload, "reload-config", env=env_for(workload, proc.pid))

        assert_succeeded(run)
        assert run.results["result"] == "reloaded", run.describe()
        config = json.loads(http_get(f"{base}/api/v1/status/config"))["data"]["yaml"]
        assert "evaluation_interval: 9s" in config
    finally:
        proc.stop()


def _https_get(url: str) -> bytes:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(url, timeout=5, context=context) as resp:
        return bytes(resp.read())


def _start_raw(
    generation: Generation, tmp_path: Path, extra_args: Sequence[str], web_config: Optional[str] = None
) -> ManagedProcess:
    """A real Prometheus that PrometheusServer cannot wait for (TLS, auth, a route prefix)."""
    workdir = tmp_path / "rawprom"
    workdir.mkdir()
    (workdir / "prometheus.yml").write_text(CONFIG)
    args = list(extra_args)
    if web_config is not None:
        (workdir / "web.yml").write_text(web_config)
        args.append(f"--web.config.file={workdir / 'web.yml'}")
    port = free_port()
    proc = ManagedProcess(
        [
            generation.prometheus,
            f"--config.file={workdir / 'prometheus.yml'}",
            f"--storage.tsdb.path={workdir / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
            *args,
        ],
        workdir / "prometheus.log",
        cwd=workdir,
    )
    deadline = time.monotonic() + 30
    while "Server is ready to receive web requests" not in proc.log():
        if proc.proc.poll() is not None or time.monotonic() > deadline:
            proc.stop()
            raise RuntimeError(f"Prometheus did not start:\n{proc.log()}")
        time.sleep(0.1)
    proc.port = port  # type: ignore[attr-defined]
    return proc


def _wait_for_log(proc: ManagedProcess, text: str, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while proc.log().count(text) < count:
        assert time.monotonic() < deadline, proc.log()
        time.sleep(0.1)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for a test certificate")
def test_reload_over_tls(workload: Workload, tmp_path: Path, generation: Generation) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(certs / "key.pem"), "-out", str(certs / "cert.pem"),
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    web = f"tls_server_config:\n  cert_file: {certs / 'cert.pem'}\n  key_file: {certs / 'key.pem'}\n"
    proc = _start_raw(generation, tmp_path, [], web_config=web)
    try:
        url = f"https://127.0.0.1:{proc.port}"  # type: ignore[attr-defined]
        (tmp_path / "rawprom" / "prometheus.yml").write_text(
            CONFIG.replace("scrape_interval: 15s", "scrape_interval: 11s")
        )
        # Can this busybox wget speak TLS? The image's may not; then the action says so.
        probe = subprocess.run(
            [BUSYBOX, "wget", "-q", "--no-check-certificate", "-O", "-", f"{url}/-/ready"],
            capture_output=True, env={"PATH": workload.path()}, timeout=20,
        )  # fmt: skip

        run = run_action(workload, "reload-config", env=env_for(workload, proc.pid))

        assert_succeeded(run)
        if probe.returncode == 0:
            assert run.results["result"] == "reloaded", run.describe()
            assert float(run.results["reloaded-at"]) > 0
        else:
            assert run.results["result"] == "signal sent", run.describe()
            assert "could not be confirmed" in run.results["note"]
        config = json.loads(_https_get(f"{url}/api/v1/status/config"))["data"]["yaml"]
        assert "scrape_interval: 11s" in config
    finally:
        proc.stop()


# A bcrypt hash (of "test"): basic auth without TLS, so /metrics answers 401 to the action.
BASIC_AUTH_WEB = "basic_auth_users:\n  admin: $2b$12$hNf2lSsxfm0.i4a.1kVpSOVyBCfIB51VRjgBUyv6kdnyTlgWj81Ay\n"


def test_reload_with_basic_auth_is_sent_but_not_confirmed(
    workload: Workload, tmp_path: Path, generation: Generation
) -> None:
    proc = _start_raw(generation, tmp_path, [], web_config=BASIC_AUTH_WEB)
    try:
        (tmp_path / "rawprom" / "prometheus.yml").write_text(
            CONFIG.replace("scrape_interval: 15s", "scrape_interval: 13s")
        )

        run = run_action(workload, "reload-config", env=env_for(workload, proc.pid))

        assert_succeeded(run)
        assert run.results["result"] == "signal sent", run.describe()
        assert "could not be confirmed" in run.results["note"]
        assert "basic auth" in run.results["note"]
        assert "reloaded-at" not in run.results
        # The signal did reach Prometheus: it loaded the file a second time.
        _wait_for_log(proc, "Completed loading of configuration file", 2)
    finally:
        proc.stop()


# ------------------------------------------------------------------------------------------------
# reload-config with a stand-in process (outcomes a real Prometheus cannot be made to produce)

StartFake = Callable[..., ManagedProcess]


@pytest.fixture
def start_fake(tmp_path: Path) -> Iterator[StartFake]:
    started: List[ManagedProcess] = []

    def start(on_hup: str = "accept", http: bool = True) -> ManagedProcess:
        workdir = tmp_path / f"fake{len(started)}"
        workdir.mkdir()
        (workdir / "prometheus.yml").write_text(CONFIG)
        ready = workdir / "ready"
        argv = [
            sys.executable, str(FAKE_PROMETHEUS),
            f"--config.file={workdir / 'prometheus.yml'}",
            f"--web.listen-address=127.0.0.1:{free_port()}",
            f"--hup-file={workdir / 'hups'}", f"--ready-file={ready}", f"--on-hup={on_hup}",
        ] + ([] if http else ["--no-http"])  # fmt: skip
        proc = ManagedProcess(argv, workdir / "fake.log", cwd=workdir)
        started.append(proc)
        deadline = time.monotonic() + 20
        while not ready.exists():
            assert proc.proc.poll() is None and time.monotonic() < deadline, proc.log()
            time.sleep(0.05)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            proc.stop()


def hups(proc: ManagedProcess) -> int:
    path = Path(proc.argv[4].split("=", 1)[1])
    deadline = time.monotonic() + 5
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return int(path.read_text()) if path.exists() else 0


def test_reload_fails_when_prometheus_rejects_the_reload(workload: Workload, start_fake: StartFake) -> None:
    fake = start_fake(on_hup="reject")

    run = run_action(workload, "reload-config", env=env_for(workload, fake.pid))

    message = assert_failed(run)
    assert "rejected the reload" in message and "previous config" in message
    assert "result" not in run.results
    assert hups(fake) == 1


def test_reload_without_reachable_metrics_reports_signal_sent(
    workload: Workload, start_fake: StartFake
) -> None:
    fake = start_fake(http=False)

    run = run_action(workload, "reload-config", env=env_for(workload, fake.pid))

    assert_succeeded(run)
    assert run.results["result"] == "signal sent"
    assert "could not be confirmed" in run.results["note"]
    assert "reloaded-at" not in run.results
    assert hups(fake) == 1


def test_reload_that_never_completes_is_bounded(workload: Workload, start_fake: StartFake) -> None:
    fake = start_fake(on_hup="ignore")

    started = time.monotonic()
    run = run_action(workload, "reload-config", env=env_for(workload, fake.pid), timeout=40)
    elapsed = time.monotonic() - started

    assert_succeeded(run)
    assert run.results["result"] == "signal sent"
    assert "could not be confirmed" in run.results["note"]
    assert elapsed < 25, elapsed
    assert hups(fake) == 1


# ------------------------------------------------------------------------------------------------
# dispatch


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_dispatch_routes_actions_to_the_shell_scripts(
    workload: Workload, start_prometheus: StartPrometheus, shell: str
) -> None:
    server = start_prometheus()
    env = env_for(workload, server.process.pid, JUJU_DISPATCH_PATH="actions/show-config")

    run = run_script(workload, [*SHELLS[shell], "./dispatch"], env=env)

    assert_succeeded(run)
    assert run.results["config"] == CONFIG
    assert run.results["path"] == str(config_file(server))


@pytest.mark.parametrize(
    "dispatch_path",
    [
        "actions/../x",
        "actions/../actions/show-config",
        "actions/show-config/",
        "actions/Show-Config",
        "actions/show config",
        "actions/lib.sh",
        "actions/",
        "actions/no-such-action",
    ],
)
def test_dispatch_refuses_bad_and_unknown_action_names(bare_workload: Workload, dispatch_path: str) -> None:
    # Should a bad name get through anyway, no action may touch a real process.
    env = bare_workload.env(JUJU_DISPATCH_PATH=dispatch_path, PROMETHEUS_PID=str(missing_pid()))

    run = run_script(bare_workload, [BUSYBOX, "sh", "./dispatch"], env=env)

    message = assert_failed(run)
    expected = "unknown action" if dispatch_path == "actions/no-such-action" else "refusing"
    assert message.startswith(expected), message
    assert run.tool_calls("action-set") == []


def _fake_charm(tmp_path: Path) -> Path:
    """A charm directory with the real dispatch and actions, and a src/charm.py that reports."""
    charm = tmp_path / "charm"
    (charm / "src").mkdir(parents=True)
    shutil.copy2(REPO / "dispatch", charm / "dispatch")
    shutil.copytree(REPO / "actions", charm / "actions")
    report = charm / "report.json"
    script = charm / "src" / "charm.py"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'dispatch_path': os.environ.get('JUJU_DISPATCH_PATH'),\n"
        "           'pythonpath': os.environ.get('PYTHONPATH'),\n"
        "           'cwd': os.getcwd(), 'argv': sys.argv}, "
        f"open({str(report)!r}, 'w'))\n"
    )
    script.chmod(0o755)
    (charm / "hooks").mkdir()
    (charm / "hooks" / "install").symlink_to("../dispatch")
    return charm


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_dispatch_runs_the_charm_for_hooks(bare_workload: Workload, tmp_path: Path, shell: str) -> None:
    charm = _fake_charm(tmp_path)
    env = bare_workload.env(JUJU_DISPATCH_PATH="hooks/config-changed")

    run = run_script(bare_workload, [*SHELLS[shell], "./dispatch"], env=env, cwd=charm)

    assert run.returncode == 0, run.describe()
    report = json.loads((charm / "report.json").read_text())
    assert report["dispatch_path"] == "hooks/config-changed"
    assert report["pythonpath"] == "lib:venv"
    assert report["cwd"] == str(charm)
    assert run.calls == []


def test_dispatch_defaults_the_dispatch_path_to_its_own_name(bare_workload: Workload, tmp_path: Path) -> None:
    charm = _fake_charm(tmp_path)
    env = bare_workload.env()
    assert "JUJU_DISPATCH_PATH" not in env

    run = run_script(bare_workload, [BUSYBOX, "sh", "hooks/install"], env=env, cwd=charm)

    assert run.returncode == 0, run.describe()
    assert json.loads((charm / "report.json").read_text())["dispatch_path"] == "hooks/install"


def test_dispatch_runs_an_action_script_that_lost_its_exec_bit(
    workload: Workload, start_prometheus: StartPrometheus, tmp_path: Path
) -> None:
    charm = _fake_charm(tmp_path)
    (charm / "actions" / "show-config").chmod(0o644)
    server = start_prometheus()
    env = env_for(workload, server.process.pid, JUJU_DISPATCH_PATH="actions/show-config")

    run = run_script(workload, [BUSYBOX, "sh", "./dispatch"], env=env, cwd=charm)

    assert_succeeded(run)
    assert run.results["config"] == CONFIG
    assert not (charm / "report.json").exists()


# ------------------------------------------------------------------------------------------------
# packaging


def test_every_declared_action_has_an_executable_posix_script() -> None:
    declared = yaml.safe_load((REPO / "actions.yaml").read_text())
    assert set(declared) == set(ACTIONS)
    for name in ACTIONS:
        assert declared[name]["description"].strip()
        assert "workload container" in declared[name]["description"]
    scripts = {p.name for p in (REPO / "actions").iterdir() if p.name != "lib.sh"}
    assert scripts == set(ACTIONS)
    for path in [REPO / "dispatch", *((REPO / "actions" / n) for n in ACTIONS)]:
        # Juju keeps 0755 only when the owner-execute bit is set in the source tree.
        assert path.stat().st_mode & stat.S_IXUSR, path
        assert path.read_text().startswith("#!/bin/sh\n"), path
        for shell in (n for n in SHELLS if shell_available(n)):
            check = subprocess.run([*SHELLS[shell], "-n", str(path)], capture_output=True)
            assert check.returncode == 0, (shell, path, check.stderr)
