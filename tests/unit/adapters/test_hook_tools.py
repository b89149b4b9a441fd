"""adapters.hook_tools: hook tools spawned through posix_spawn on Python 3.8, otherwise unchanged.

Real children are run (this interpreter with ``-c``): the light ``run`` must give exactly what
``subprocess.run`` gives, and on Python 3.8 it must reach ``os.posix_spawn`` where plain
``subprocess.run`` forks."""

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from adapters import hook_tools
from adapters.hook_tools import LIGHT_SUBPROCESS, can_spawn_lightly, spawn_lightly

CHILD = "import sys; data = sys.stdin.read(); sys.stdout.write(data.upper()); sys.stderr.write('e:' + data)"
SPAWNS = can_spawn_lightly()


def _run_both(argv, **kwargs):
    plain = subprocess.run(argv, **kwargs)
    light = LIGHT_SUBPROCESS.run(argv, **kwargs)
    return plain, light


def test_run_gives_what_subprocess_run_gives():
    kwargs = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "check": True, "encoding": "utf-8",
              "input": "state ü\n"}
    plain, light = _run_both([sys.executable, "-c", CHILD], **kwargs)

    assert (light.returncode, light.stdout, light.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert light.stdout == "STATE Ü\n" and light.stderr == "e:state ü\n"


def test_a_failing_tool_raises_as_subprocess_does():
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('ERROR relation not found'); sys.exit(2)"]
    with pytest.raises(subprocess.CalledProcessError) as caught:
        LIGHT_SUBPROCESS.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True, encoding="utf-8")

    assert caught.value.returncode == 2 and caught.value.stderr == "ERROR relation not found"
    # ops catches these names through the module it was given
    assert LIGHT_SUBPROCESS.CalledProcessError is subprocess.CalledProcessError
    assert LIGHT_SUBPROCESS.PIPE == subprocess.PIPE


def test_a_missing_tool_raises_as_subprocess_does(tmp_path):
    missing = str(tmp_path / "no-such-tool")
    with pytest.raises(FileNotFoundError):
        subprocess.run([missing])
    with pytest.raises(FileNotFoundError):
        LIGHT_SUBPROCESS.run([missing])


def test_the_caller_may_still_ask_for_close_fds():
    result = LIGHT_SUBPROCESS.run([sys.executable, "-c", "print(1)"], stdout=subprocess.PIPE, close_fds=True)

    assert result.stdout == b"1\n"


def test_a_descriptor_python_opened_does_not_reach_the_tool(tmp_path):
    listing = "import os; print(' '.join(sorted(os.listdir('/proc/self/fd'), key=int)))"
    with open(tmp_path / "state", "w") as private:  # non-inheritable, as every fd Python opens (PEP 446)
        fd = private.fileno()
        seen = LIGHT_SUBPROCESS.run([sys.executable, "-c", listing], stdout=subprocess.PIPE, encoding="utf-8")
        fds = {int(fd) for fd in seen.stdout.split()}

    assert fd > 2 and fd not in fds
    assert {0, 1, 2} <= fds


@pytest.fixture
def spawn_counts(monkeypatch):
    """How often os.posix_spawn ran (the stdlib's function, wrapped to count)."""
    counts = {"posix_spawn": 0}
    real = os.posix_spawn

    def counting(*args, **kwargs):
        counts["posix_spawn"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(os, "posix_spawn", counting)
    return counts


@pytest.mark.skipif(not SPAWNS, reason="this Python starts children without fork() already")
def test_on_python_38_the_light_run_spawns_where_subprocess_forks(spawn_counts):
    argv = [sys.executable, "-c", "pass"]
    subprocess.run(argv, capture_output=True, check=True, encoding="utf-8")
    assert spawn_counts["posix_spawn"] == 0

    LIGHT_SUBPROCESS.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True, encoding="utf-8",
                         input="x")
    assert spawn_counts["posix_spawn"] == 1


def test_spawn_lightly_swaps_the_subprocess_of_the_modules_that_use_it():
    runs_tools = types.ModuleType("runs_tools")
    runs_tools.subprocess = subprocess
    unrelated = types.ModuleType("unrelated")
    unrelated.subprocess = "something else"

    changed = spawn_lightly((runs_tools, unrelated))

    assert changed is SPAWNS
    assert runs_tools.subprocess is (LIGHT_SUBPROCESS if SPAWNS else subprocess)
    assert unrelated.subprocess == "something else"


def test_only_python_before_310_forks(monkeypatch):
    assert hook_tools.SPAWNS_BY_FORK is (sys.version_info < (3, 10))
    monkeypatch.setattr(hook_tools, "SPAWNS_BY_FORK", False)
    runs_tools = types.ModuleType("runs_tools")
    runs_tools.subprocess = subprocess

    assert spawn_lightly((runs_tools,)) is False
    assert runs_tools.subprocess is subprocess


def test_ops_runs_hook_tools_through_the_module_attribute_that_is_swapped():
    """If ops stopped calling ``subprocess.run`` through these module globals, the swap would
    do nothing (harmless, but the gain would be lost): checked against the installed ops."""
    import ops.model
    import ops.storage

    for module in (ops.model, ops.storage):
        assert module.subprocess is subprocess
        assert "subprocess.run(" in Path(module.__file__).read_text(encoding="utf-8")


def test_only_a_descriptor_made_inheritable_reaches_the_tool(tmp_path):
    """The one difference close_fds=False makes, shown: an fd someone marked inheritable (as
    Juju might leave one open to the hook) stays open in the tool; subprocess.run closes it."""
    listing = "import os; print(' '.join(os.listdir('/proc/self/fd')))"
    with open(tmp_path / "shared", "w") as shared:
        os.set_inheritable(shared.fileno(), True)
        plain, light = _run_both([sys.executable, "-c", listing], stdout=subprocess.PIPE, encoding="utf-8")
        fd = str(shared.fileno())

    assert fd not in plain.stdout.split()
    assert fd in light.stdout.split()
