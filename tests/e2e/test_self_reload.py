"""A pod applies the files kubelet delivers by itself, in seconds, in the same process.

Each generation runs the real Prometheus from the charm's pod spec on files laid out as
kubelet lays out a ConfigMap volume (Kubernetes pkg/volume/util/atomic_writer.go): the data in
a timestamped directory ``..2026_11_29_...``, ``..data`` a symlink to it, every visible file a
symlink ``name -> ..data/name``; an update writes a new timestamped directory and replaces
``..data`` by renaming a fresh symlink over it. No hook runs and nothing else asks Prometheus
to reload. Prometheus 3 watches its own files (``auto-reload-config``); Prometheus 2 runs the
spec's command, the busybox watcher, under this machine's busybox (``sh``, ``cat``, ``md5sum``,
``sleep``, ``wget`` as applets, as in the image). The pod serves HTTPS under a path prefix, the
harder way for the watcher to reach it.
"""

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from adapters.prometheus_api import PrometheusHttpApi
from domain.prometheus.config_file import digest_in_running_config
from scripts.localrun.pod import LocalPod, prometheus_container
from scripts.localrun.processes import ManagedProcess
from tests.support.builders import make_plan
from tests.support.extract import config_map_files
from tests.support.tls import CERT_PEM, KEY_PEM

pytestmark = pytest.mark.e2e

BUSYBOX = "/usr/bin/busybox"
APPLETS = ("sh", "cat", "md5sum", "sleep", "wget")
RULES = "groups:\n- name: {name}\n  rules:\n  - alert: Always\n    expr: vector(1)\n"
BOUND = 15.0  # seconds from the swap to the new configuration running
OPTIONS = {"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM, "web_external_url": "https://prom.example.com/sub"}


class KubeletVolume:
    """A ConfigMap volume directory, written and updated the way kubelet's AtomicWriter does."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.serial = 0

    def write(self, files: Dict[str, str]) -> None:
        self.serial += 1
        stamp = f"..2026_11_29_12_00_{self.serial:02d}.{os.getpid()}"
        (self.directory / stamp).mkdir()
        for name, content in files.items():
            (self.directory / stamp / name).write_text(content)
        old = os.readlink(self.directory / "..data") if (self.directory / "..data").is_symlink() else None
        os.symlink(stamp, self.directory / "..data_tmp")
        os.replace(self.directory / "..data_tmp", self.directory / "..data")  # one rename
        for name in files:
            if not (self.directory / name).is_symlink():
                os.symlink(f"..data/{name}", self.directory / name)
        if old:
            for entry in (self.directory / old).iterdir():
                entry.unlink()
            (self.directory / old).rmdir()


def descendants(pid: int) -> List[int]:
    """The processes under ``pid`` (the watcher loop and what it runs), from /proc."""
    parents: Dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def files_of(plan) -> Dict[str, str]:
    return config_map_files(plan.pod_spec)


def plan_for(generation, name: str, **options):
    return make_plan(generation.image, alert_rules=RULES.format(name=name), **OPTIONS, **options)


def local_files(plan, port: int) -> Dict[str, str]:
    """The plan's files with the self-scrape target on the local port, as LocalPod writes them."""
    files = files_of(plan)
    files["prometheus.yml"] = files["prometheus.yml"].replace("- localhost:9090\n", f"- 127.0.0.1:{port}\n")
    return files


@pytest.fixture(scope="module")
def pod(generation, tmp_path_factory) -> Iterator[LocalPod]:
    first = plan_for(generation, "first")
    workdir = tmp_path_factory.mktemp(f"self-reload-{generation.name}")
    local = LocalPod(first.pod_spec, first.k8s_resources, workdir, ca_pem=CERT_PEM,
                     binary=generation.prometheus, start=False)
    config_dir = local.config_path("prometheus.yml").parent
    for entry in config_dir.iterdir():
        entry.unlink()
    local.volume = KubeletVolume(config_dir)
    local.volume.write(local_files(first, local.port))
    container = prometheus_container(first.pod_spec)
    if "command" in container:  # the busybox watcher, which then execs Prometheus
        applets = workdir / "bin"
        applets.mkdir()
        for applet in APPLETS:
            (applets / applet).symlink_to(BUSYBOX)
        shell, flag, script, name = container["command"]
        assert (shell, flag) == ("/bin/sh", "-c")
        assert script.count("exec /bin/prometheus ") == 1
        script = script.replace("exec /bin/prometheus ", f"exec {generation.prometheus} ")
        local.argv = [str(applets / "sh"), flag, script, name, *local.args]
        local.env["PATH"] = f"{applets}:{os.environ['PATH']}"
    local.start()
    watcher: List[int] = []
    try:
        local.wait_ready()
        # In a pod the watcher ends with Prometheus, process 1; here it would outlive it.
        watcher = local.watcher = descendants(local.pid)
        local.api_client = PrometheusHttpApi(local.url, ca_pem=CERT_PEM)
        assert digest_in_running_config(local.api_client.running_config()) == first.digest
        yield local
    finally:
        watcher = watcher or descendants(local.pid)
        local.stop()
        for pid in watcher:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def running_digest(pod: LocalPod) -> str:
    return digest_in_running_config(pod.api_client.running_config()) or ""


def start_time(pod: LocalPod) -> str:
    return str(pod.api("/api/v1/status/runtimeinfo")["startTime"])


def wait(what: str, check, bound: float = BOUND) -> float:
    """Seconds until ``check()`` holds (polled every 0.1 s), failing after ``bound``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > bound:
            raise AssertionError(f"{what}: not within {bound} s")
        time.sleep(0.1)
    return time.monotonic() - start


def test_delivered_files_run_within_seconds_in_the_same_process(pod, generation):
    second = plan_for(generation, "second", scrape_interval="30s")
    assert bool(pod.watcher) is (generation.name == "2")  # 3.x: Prometheus' own watcher
    pid = pod.pid
    started = start_time(pod)

    pod.volume.write(local_files(second, pod.port))
    seconds = wait("the second configuration running", lambda: running_digest(pod) == second.digest)

    print(f"\nprom{generation.name}: swap to running {seconds:.2f} s")
    assert seconds < BOUND
    assert [g["name"] for g in pod.api("/api/v1/rules")["groups"]] == ["second"]
    assert pod.process.proc.poll() is None and pod.pid == pid
    assert os.readlink(f"/proc/{pid}/exe") == os.path.realpath(generation.prometheus)
    assert start_time(pod) == started  # not restarted


def test_a_changed_rule_file_alone_is_applied_too(pod, generation):
    """prometheus.yml always changes with the rules (its digest marker), but the watchers look
    at the rule files themselves as well (Prometheus 3: config/reload.go GenerateChecksum)."""
    if generation.name == "2":
        pytest.skip("the busybox watcher sums every file of the volume, the rule file included")
    files = {path.name: path.read_text() for path in pod.config_path("prometheus.yml").parent.iterdir()
             if not path.name.startswith(".")}  # the visible files, not kubelet's ..data
    files["charm-alert-rules.rules"] = RULES.format(name="rules-only")

    pod.volume.write(files)
    seconds = wait("the new rule group", lambda: [g["name"] for g in pod.api("/api/v1/rules")["groups"]]
                   == ["rules-only"])

    print(f"\nprom{generation.name}: rule file swap to running {seconds:.2f} s")


def test_a_refused_file_keeps_the_running_configuration(pod, generation):
    """The busybox watcher asks once per change; Prometheus 3's own watcher tries the refused
    file again at every interval until it changes (its checksum is kept only on success)."""
    running = running_digest(pod)
    broken = local_files(plan_for(generation, "broken", scrape_interval="30s"), pod.port)
    # Prometheus refuses a scrape timeout (10s) longer than the interval
    assert broken["prometheus.yml"].count("scrape_interval: 30s") == 1
    broken["prometheus.yml"] = broken["prometheus.yml"].replace("scrape_interval: 30s", "scrape_interval: 5s")
    errors_before = pod.process.log().count("Error reloading config")

    pod.volume.write(broken)
    wait("the refused reload", lambda: not pod.api_client.runtime_info().reload_success)

    # (that the busybox watcher then asks no more is the script test's, below, in milliseconds)
    assert running_digest(pod) == running  # the last good configuration keeps running
    assert pod.process.log().count("Error reloading config") - errors_before >= 1
    assert "scrape timeout greater than scrape interval" in pod.process.log().split("Error reloading config")[-1]


FAKE_WGET = """#!/usr/bin/busybox sh
for arg; do printf '[%s]' "$arg"; done >>"{record}"; echo >>"{record}"
case $(cat "{mode}") in
  refuse) echo "wget: server returned error: HTTP/1.1 500 Internal Server Error" >&2 ;;
  *) echo "wget: can't connect to remote host (127.0.0.1): Connection refused" >&2 ;;
esac
exit 1
"""


def test_the_watcher_reaches_https_under_any_prefix_and_gives_up_quietly(tmp_path):
    """The busybox script alone, with a recording wget and a fast sleep: the URL it builds for
    an awkward path over TLS, five requests then one line when nothing answers, one request
    when Prometheus answers with an error."""
    plan = make_plan("prom/prometheus:v2.53.0", web_external_url="http://example.com/a'b$c")
    shell, flag, script, name = prometheus_container(plan.pod_spec)["command"]
    script = script.replace('exec /bin/prometheus "$@"', f"exec {BUSYBOX} sleep 60")
    applets, config = tmp_path / "bin", tmp_path / "config"
    applets.mkdir()
    config.mkdir()
    for applet in ("sh", "cat", "md5sum"):
        (applets / applet).symlink_to(BUSYBOX)
    record, mode = tmp_path / "record", tmp_path / "mode"
    mode.write_text("unreachable")
    (applets / "wget").write_text(FAKE_WGET.format(record=record, mode=mode))
    (applets / "sleep").write_text(f"#!{BUSYBOX} sh\nexec {BUSYBOX} sleep 0.05\n")
    for fake in ("wget", "sleep"):
        (applets / fake).chmod(0o755)
    volume = KubeletVolume(config)
    files = {"prometheus.yml": "a", "web-config.yml": "tls_server_config: {}\n"}
    volume.write(files)
    process = ManagedProcess([str(applets / "sh"), flag, script, name, f"--config.file={config}/prometheus.yml",
                              "--web.listen-address=:1234"], tmp_path / "log",
                             env={"PATH": f"{applets}:{os.environ['PATH']}"})
    watcher: List[int] = []
    try:
        wait("the watcher", lambda: descendants(process.pid), 5)
        watcher = descendants(process.pid)
        requests = lambda: record.read_text().splitlines() if record.exists() else []  # noqa: E731

        volume.write(dict(files, **{"prometheus.yml": "b"}))
        wait("the fifth request", lambda: len(requests()) == 5, 5)
        time.sleep(0.5)  # ten more rounds
        assert len(requests()) == 5
        assert requests()[0] == "[-q][-O][/dev/null][--no-check-certificate][--post-data][]" \
                                "[https://127.0.0.1:1234/a'b$c/-/reload]"
        assert process.log().count("config-watch: could not ask Prometheus to reload: wget: can't connect") == 1

        mode.write_text("refuse")
        volume.write(dict(files, **{"prometheus.yml": "c"}))
        wait("the next request", lambda: len(requests()) == 6, 5)
        time.sleep(0.5)
        assert len(requests()) == 6
        assert process.log().count("config-watch:") == 1  # an answer, even a refusal, ends it
    finally:
        watcher = watcher or descendants(process.pid)
        process.stop()
        for pid in watcher:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
