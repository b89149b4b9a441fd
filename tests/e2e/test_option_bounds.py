"""The edges of what the charm accepts, against the real Prometheus of each generation.

Every value is put into the args of the pod spec the charm builds for that generation's image.
"Flags pass" is judged quickly: Prometheus parses its flags and the external URL before it loads
its configuration, so with a missing configuration file it stops either at its flag checks or at
"Error loading config". Values that only fail later (a panic when the listener is made, memory
for the notification queue) or that start but misbehave (8EB) run a real pod.
"""

import re
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

from domain.errors import ConfigErrors, InvalidValue
from domain.values.url import ExternalUrl
from scripts.localrun.generations import Generation
from scripts.localrun.pod import LocalPod
from scripts.localrun.processes import ManagedProcess
from tests.support.builders import make_plan
from tests.support.url_cases import ACCEPTED, REFUSED

pytestmark = pytest.mark.e2e


def pod_for(generation: Generation, workdir: Path, start: bool = True, **options: object) -> LocalPod:
    plan = make_plan(generation.image, **options)
    return LocalPod(plan.pod_spec, plan.k8s_resources, workdir, binary=generation.prometheus, start=start)


def with_flag(argv: List[str], flag: str, value: str) -> List[str]:
    """``argv`` with ``flag`` set to ``value`` (replaced, or added)."""
    kept = [arg for arg in argv if not arg.startswith(flag + "=")]
    return [*kept, f"{flag}={value}"]


def flags_pass(generation: Generation, tmp_path: Path, flag: str, value: str) -> Tuple[bool, str]:
    """Whether Prometheus, run with the charm's args and ``flag=value``, gets past its flags."""
    pod = pod_for(generation, tmp_path / "flags", start=False)
    argv = with_flag(with_flag(pod.argv, flag, value), "--config.file", str(tmp_path / "missing.yml"))
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path)
    output = done.stdout + done.stderr
    return "Error loading config" in output, output


def run_until_exit(argv: List[str], log: Path, timeout: float = 20.0) -> str:
    process = ManagedProcess(argv, log)
    try:
        process.proc.wait(timeout=timeout)
    finally:
        process.stop()
    return process.log()


# --- web-external-url -----------------------------------------------------------------------------

# The plain ones are left to the unit tests; every refusal of Go's is checked here.
UNUSUAL = [(url, prefix) for url, prefix in ACCEPTED if any(c in url for c in "[]%:'<>@(H") or "é" in url]
GO_REFUSES = [case for case in REFUSED if case[2] != "charm"]


@pytest.mark.parametrize("url, prefix", UNUSUAL)
def test_unusual_urls_the_charm_accepts_pass_prometheus(generation, tmp_path, url, prefix):
    assert ExternalUrl.parse(url).route_prefix == prefix

    passed, output = flags_pass(generation, tmp_path, "--web.external-url", url)

    assert passed, output[-2000:]


@pytest.mark.parametrize("url, words, refused_by", GO_REFUSES)
def test_urls_refused_by_go_fail_prometheus_and_the_charm_says_why(generation, tmp_path, url, words, refused_by):
    with pytest.raises(InvalidValue, match=re.escape(words)):
        ExternalUrl.parse(url)

    passed, output = flags_pass(generation, tmp_path, "--web.external-url", url)

    refused_here = refused_by == "both" or refused_by == generation.name
    assert passed is not refused_here, output[-2000:]
    if refused_here:
        assert "external URL" in output, output[-2000:]


def test_a_pod_with_an_unusual_url_serves_under_the_decoded_prefix(generation, tmp_path):
    pod = pod_for(generation, tmp_path, web_external_url="http://[::1]:9090/%7Eteam/x@y:z/(1)/")
    try:
        assert pod.ready_path == "/~team/x@y:z/(1)/-/ready"  # the pod spec's probe; LocalPod waited on it
        jobs = {job["job_name"]: job for job in pod.loaded_config()["scrape_configs"]}
        assert jobs["prometheus"]["metrics_path"] == "/~team/x@y:z/(1)/metrics"
        assert pod.get("/metrics").startswith(b"# HELP")  # the self-scrape's path answers
    finally:
        pod.stop()


# --- numbers, durations and sizes ---------------------------------------------------------------

def test_the_largest_accepted_values_start_and_are_ready(generation, tmp_path):
    pod = pod_for(generation, tmp_path, web_max_connections=1048576,
                  alertmanager_notification_queue_capacity=1000000, tsdb_retention_size="8191PB",
                  tsdb_retention_time="292y", web_read_timeout="292y")
    try:
        flags = pod.flags()
        assert flags["web.max-connections"] == "1048576"
        assert flags["alertmanager.notification-queue-capacity"] == "1000000"
        assert flags["storage.tsdb.retention.size"] == "7EiB1023PiB"
        # Go prints the shortest float that reads back, as Python's repr does
        assert f"\nprometheus_tsdb_retention_limit_bytes {float(8191 * 2**50)!r}\n" in pod.get("/metrics").decode()
    finally:
        pod.stop()


def test_8eb_wraps_to_no_size_limit_in_prometheus(generation, tmp_path):
    with pytest.raises(ConfigErrors, match="tsdb-retention-size: '8EB' is larger than Prometheus can hold"):
        make_plan(generation.image, tsdb_retention_size="8EB")
    pod = pod_for(generation, tmp_path, start=False)
    pod.argv = with_flag(pod.argv, "--storage.tsdb.retention.size", "8EB")
    pod.start()
    try:
        pod.wait_ready()
        assert pod.flags()["storage.tsdb.retention.size"] == "-8EiB"
        assert "\nprometheus_tsdb_retention_limit_bytes 0\n" in pod.get("/metrics").decode()
    finally:
        pod.stop()


def test_web_max_connections_beyond_the_bound_can_make_prometheus_panic(generation, tmp_path):
    with pytest.raises(ConfigErrors, match="web-max-connections: must be at most 1048576"):
        make_plan(generation.image, web_max_connections=2**63 - 1)
    pod = pod_for(generation, tmp_path, start=False)

    log = run_until_exit(with_flag(pod.argv, "--web.max-connections", str(2**63 - 1)), tmp_path / "panic.log")

    assert "panic: makechan: size out of range" in log


def test_a_huge_notification_queue_runs_prometheus_out_of_memory(generation, tmp_path):
    if Path("/proc/sys/vm/overcommit_memory").read_text().strip() != "0":
        pytest.skip("only the kernel's heuristic overcommit refuses the 8 TB at once")
    with pytest.raises(ConfigErrors, match="alertmanager-notification-queue-capacity: must be at most 1000000"):
        make_plan(generation.image, alertmanager_notification_queue_capacity=10**12)
    pod = pod_for(generation, tmp_path, start=False)

    log = run_until_exit(with_flag(pod.argv, "--alertmanager.notification-queue-capacity", str(10**12)),
                         tmp_path / "oom.log")

    assert "out of memory" in log


@pytest.mark.parametrize("flag, value, charm_words", [
    ("--web.read-timeout", "106752d", "longer than Prometheus can represent"),
    ("--web.read-timeout", "\uff11m", "is not a duration"),
    ("--storage.tsdb.retention.time", "0" * 30 + "18446744073709551616ms", "longer than Prometheus can represent"),
    ("--storage.tsdb.retention.size", "16EB", "larger than Prometheus can hold"),
    ("--storage.tsdb.retention.size", "\u0661GB", "is not a size"),
])
def test_values_past_the_edges_fail_prometheus_too(generation, tmp_path, flag, value, charm_words):
    option = {"--web.read-timeout": "web_read_timeout", "--storage.tsdb.retention.time": "tsdb_retention_time",
              "--storage.tsdb.retention.size": "tsdb_retention_size"}[flag]
    with pytest.raises(ConfigErrors, match=charm_words):
        make_plan(generation.image, **{option: value})

    passed, output = flags_pass(generation, tmp_path, flag, value)

    assert not passed, output[-2000:]


@pytest.mark.parametrize("flag, value", [
    ("--web.read-timeout", "292y24w"), ("--storage.tsdb.retention.time", "0" * 40 + "9223372036854ms"),
    ("--storage.tsdb.retention.size", "999999999999999999B"),
])
def test_values_at_the_edges_pass_prometheus(generation, tmp_path, flag, value):
    option = {"--web.read-timeout": "web_read_timeout", "--storage.tsdb.retention.time": "tsdb_retention_time",
              "--storage.tsdb.retention.size": "tsdb_retention_size"}[flag]
    make_plan(generation.image, **{option: value})

    passed, output = flags_pass(generation, tmp_path, flag, value)

    assert passed, output[-2000:]
