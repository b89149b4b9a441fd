"""The charm as a process (./dispatch -> ops.main): on Python 3.8 every hook-tool call is spawned
with posix_spawn, none by fork (adapters/hook_tools.py); on 3.10 and later subprocess is left
as it is. The count is taken inside the hook by a ``sitecustomize`` on its PYTHONPATH (lib/),
which wraps the two stdlib entry points a child can be started through."""

import json
import sys

import pytest

from adapters.hook_tools import can_spawn_lightly
from tests.e2e.test_charm_process import deploy, make_sim

pytestmark = pytest.mark.e2e

COUNTER = '''import atexit, json, os, _posixsubprocess
spawned = []  # [how, program] for each child started
def counting(how, real, program):
    def run(*args, **kwargs):
        spawned.append([how, os.path.basename(program(args))])
        return real(*args, **kwargs)
    return run
os.posix_spawn = counting("posix_spawn", os.posix_spawn, lambda args: args[0])
_posixsubprocess.fork_exec = counting("fork", _posixsubprocess.fork_exec, lambda args: args[0][0])
def write():
    with open(os.environ["SPAWN_LOG"], "w") as out:
        json.dump(spawned, out)
atexit.register(write)
'''


def test_every_hook_tool_call_is_spawned_as_this_python_does_best(tmp_path):
    sim = make_sim(tmp_path)
    deploy(sim)
    sim.add_relation("grafana-source", "grafana", units=1)
    (sim.charm_dir / "lib").mkdir(exist_ok=True)
    (sim.charm_dir / "lib" / "sitecustomize.py").write_text(COUNTER)
    log = tmp_path / "spawned.json"
    light = can_spawn_lightly()
    assert light is (sys.version_info < (3, 10))  # glibc's posix_spawn is there on Linux

    for hook in ("config-changed", "grafana-source-relation-changed", "update-status"):
        result = sim.run_hook(hook, SPAWN_LOG=str(log))

        assert result.ok, str(result)
        assert len(result.calls) > 10  # state, config, relations, status: ops' whole round
        tools = [[how, program] for how, program in json.loads(log.read_text())
                 if program in {call["tool"] for call in result.calls}]
        assert [program for _, program in tools] == [call["tool"] for call in result.calls]
        assert {how for how, _ in tools} == {"posix_spawn" if light else "fork"}, hook
        # Python 3.8's uuid module (imported by ops' tracing) runs `uname -p` when imported, by
        # fork: once per hook in any ops charm; not a hook tool, and left as it is.
