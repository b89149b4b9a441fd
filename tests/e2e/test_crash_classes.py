"""No input may crash a hook: each class of value that once killed the charm's process, sent
through the real process (./dispatch -> ops.main -> PrometheusCharm, the hook-tool doubles of
scripts/localrun/juju_sim.py).

A crash shows only here: libyaml's composer recursing on the C stack ends the process with
SIGSEGV (no Python ``except`` runs), and ``status-set`` refusing its argument (a NUL, or more
than the kernel's 128 KiB per argument) happens in execve, under ops. Each case starts from a
good configuration whose pod spec is published, sets one bad value, runs config-changed and
expects: the hook exits 0, the unit is blocked by a short one-line message naming the option,
and the pod spec Juju holds is still the good one.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest

from scripts.localrun.juju_sim import JujuSim

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
IMAGE = "prom/prometheus:v2.53.0"
GOOD_RULES = "groups:\n- name: node\n  limit: 10\n  rules:\n  - alert: HostDown\n    expr: up == 0\n    for: 5m\n"
GOOD: Dict[str, str] = {
    "alert-rules": GOOD_RULES,
    "external-labels": '{"cluster": "dc1"}',
    "scrape-interval": "30s",
    "tsdb-retention-size": "50GB",
    "web-page-title": "Prometheus",
    "log-level": "info",
}
# The kernel's limit on one argument of execve, its terminating NUL included (MAX_ARG_STRLEN,
# 32 pages: include/uapi/linux/binfmts.h in torvalds/linux).
ARGUMENT_LIMIT = 32 * os.sysconf("SC_PAGE_SIZE")
DIGITS = "9" * 5000  # past Python's 4300-digit limit on int(str) (3.11 and later)
BIG = 200 * 1024


def rules(group: str = "", rule: str = "", expr: str = "up == 0") -> str:
    return f"groups:\n- name: node\n{group}  rules:\n  - alert: HostDown\n    expr: {expr}\n{rule}"


class Deployed:
    """One unit deployed with GOOD options; each case sets bad values and restores them."""

    def __init__(self, workdir: Path) -> None:
        self.sim = JujuSim(ROOT, workdir, juju_version="3.6.1")
        self.sim.attach_image(IMAGE)
        self.sim.set_leader(True)
        self.sim.set_config(**GOOD)
        result = self.sim.run_hook("config-changed")
        assert result.ok, str(result)
        self.spec = self.sim.pod_spec_text()
        self.count = self.sim.pod_spec_count()
        assert "HostDown" in self.spec and "cluster: dc1" in self.spec

    def bad(self, **values: str) -> Tuple[str, str]:
        """config-changed with the options set to ``values``: the status it leaves."""
        self.sim.set_config(**values)
        try:
            result = self.sim.run_hook("config-changed")
        finally:
            self.sim.set_config(**{option: GOOD.get(option) for option in values})
        assert result.ok, str(result)[-3000:]
        assert self.sim.pod_spec_count() == self.count, "the charm published a pod spec for a bad value"
        assert self.sim.pod_spec_text() == self.spec
        return self.sim.unit_status()


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    yield Deployed(tmp_path_factory.mktemp("crash-classes"))


def assert_blocked_on(status: Tuple[str, str], *options: str) -> str:
    """Blocked, every option named, in a message status-set can take and a person can read."""
    kind, message = status
    assert kind == "blocked", status
    assert message.isprintable() and len(message) <= 1024, message[:300]
    assert [option for option in options if f"{option}: " not in message] == [], message
    return message


# Several options that parse apart go in one hook (every bad option is reported at once); one
# option's several values take one hook each.

@pytest.mark.parametrize("value", [
    pytest.param("[" * 50_000, id="50000-flow-lists"),
    pytest.param("{" * 50_000, id="50000-flow-mappings"),
    pytest.param("- " * 50_000, id="50000-block-lists"),
])
def test_deeply_nested_alert_rules_block_the_unit(unit, value):
    """libyaml's composer recursed on the C stack: SIGSEGV, no Python except ran."""
    message = assert_blocked_on(unit.bad(**{"alert-rules": value}), "alert-rules")

    assert "more than 64 deep at line 1" in message


def test_deeply_nested_external_labels_block_the_unit(unit):
    """json.loads recursed until RecursionError (about 1000 levels), which no parser caught."""
    value = '{"a": [' * 2500  # 5000 levels, objects and arrays

    assert_blocked_on(unit.bad(**{"external-labels": value}), "external-labels")


@pytest.mark.parametrize("values", [
    pytest.param({"scrape-interval": DIGITS + "s", "tsdb-retention-size": DIGITS + "GB"}, id="options"),
    pytest.param({"alert-rules": rules(group=f"  limit: {DIGITS}\n")}, id="limit"),
    pytest.param({"alert-rules": rules(rule=f"    for: {DIGITS}s\n")}, id="for"),
    pytest.param({"alert-rules": rules(expr=f"rate(up[{DIGITS}s]) > 0")}, id="range-in-expr"),
])
def test_a_number_of_5000_digits_blocks_the_unit(unit, values):
    """int() refuses more than 4300 digits (Python >= 3.11) with a ValueError."""
    assert_blocked_on(unit.bad(**values), *values)


def test_a_nul_blocks_the_unit_and_is_never_echoed_raw(unit):
    """A NUL in the message made status-set impossible (Python refuses it in an argument)."""
    values = {
        "web-page-title": "Prome\x00theus",
        "external-labels": '{"clus\\u0000ter": "dc1"}',
        "alert-rules": GOOD_RULES.replace("HostDown", "Host\x00Down"),
        "log-level": "de\x00bug",
        "scrape-interval": "30\x00s",
    }
    message = assert_blocked_on(unit.bad(**values), *values)

    assert "\x00" not in message


def test_a_200_kib_value_blocks_the_unit_by_its_size_not_echoed(unit):
    """Past 128 KiB the kernel refused status-set its argument (E2BIG) when the message echoed the
    value; now the value is refused by its size before it is parsed, and never echoed whole."""
    message = assert_blocked_on(unit.bad(**{"log-level": "x" * BIG}), "log-level")

    assert message == f"log-level: is {BIG} bytes, more than the 64 bytes it may hold"


def test_200_kib_values_are_each_named_in_a_short_message(unit):
    values = {
        "log-level": "x" * BIG,
        "scrape-interval": "x" * BIG,
        "tsdb-retention-size": "x" * BIG,
        "external-labels": '{"' + "x" * BIG + '": "dc1"}',
        "web-external-url": "http://" + "x" * BIG,
        "alert-rules": rules(rule="    labels:\n      " + "x" * BIG + ": [a]\n"),
    }
    assert_blocked_on(unit.bad(**values), *values)


@pytest.mark.parametrize("content", [
    pytest.param("registrypath: " + "[" * 50_000, id="50000-flow-lists"),
    pytest.param("registrypath: " + "- " * 2_000, id="nested-block-lists"),
    pytest.param("registrypath: prom/prometheus:v" + DIGITS + ".0.0\n", id="5000-digit-version"),
    pytest.param("registrypath: x\nusername: " + "u" * BIG + "\n", id="200-kib-resource"),
])
def test_a_bad_image_resource_blocks_the_unit(unit, content):
    """The resource is input too: Juju writes what the operator attached into content.yaml."""
    path = unit.sim.attach_image(IMAGE)
    path.write_text(content)
    try:
        status = unit.bad()
    finally:
        unit.sim.attach_image(IMAGE)

    assert_blocked_on(status, "prometheus-image")


def test_the_unit_recovers_when_the_values_are_good_again(unit):
    result = unit.sim.run_hook("config-changed")

    assert result.ok, str(result)
    assert unit.sim.unit_status()[0] != "blocked", unit.sim.unit_status()
    assert unit.sim.pod_spec_text() == unit.spec


# -- the limits status-set has, shown on the hook-tool double and on a binary of the OS -----------

OPS_STATUS_SET = """
import sys
import ops.model
backend = ops.model._ModelBackend()
try:
    backend.status_set("blocked", sys.stdin.read())
except BaseException as err:
    print(type(err).__name__, getattr(err, "errno", ""))
else:
    print("accepted")
"""


@pytest.mark.tooling
def test_status_set_refuses_a_nul_and_an_argument_past_the_kernels_limit(tmp_path):
    """The double is a real executable: execve refuses it what it refuses Juju's own tool.

    ops passes the message as an argument (``status-set --application=False blocked <message>``);
    the longest one the kernel takes is ARGUMENT_LIMIT - 1 bytes. /bin/echo, run the same way,
    fails the same way: the limit is the OS's, not the double's.
    """
    sim = JujuSim(ROOT, tmp_path / "juju")
    env = sim._base_env("hooks/update-status", "update-status")
    env["PYTHONPATH"] = os.pathsep.join(sys.path)

    def ops_status_set(message: str) -> str:
        done = subprocess.run([sys.executable, "-c", OPS_STATUS_SET], input=message, env=env,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    longest = "y" * (ARGUMENT_LIMIT - 1)
    assert ops_status_set(longest) == "accepted"
    assert sim.unit_status() == ("blocked", longest)
    assert ops_status_set(longest + "y") == "OSError 7"  # E2BIG: Argument list too long
    assert ops_status_set("a\x00b") == "ValueError"  # embedded null byte
    assert sim.unit_status() == ("blocked", longest)
    for tool in (str(sim.tools_dir / "status-set"), "/bin/echo"):
        with pytest.raises(OSError) as caught:
            subprocess.run([tool, "blocked", longest + "y"], env=env, capture_output=True, check=False)
        assert caught.value.errno == 7
        with pytest.raises(ValueError, match="embedded null byte"):
            subprocess.run([tool, "blocked", "a\x00b"], env=env, capture_output=True, check=False)
