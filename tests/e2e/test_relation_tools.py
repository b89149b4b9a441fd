"""The relation hook-tool doubles against what ops calls: a probe charm run through ./dispatch.

The probe uses ops' Relation API (and, where ops itself would refuse first, ops' model backend,
which calls the hook tools directly) and writes what it saw to $PROBE_OUT; the tests compare
that with the relation state in JujuSim, under Juju 2.9 and Juju 3.6.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from scripts.localrun.juju_sim import JujuSim

pytestmark = [pytest.mark.e2e, pytest.mark.tooling]

METADATA = """\
name: probe
summary: exercises the relation hook tools through ops
description: see tests/e2e/test_relation_tools.py
provides:
  metrics:
    interface: prometheus
requires:
  db:
    interface: probe-db
peers:
  replicas:
    interface: probe-peers
extra-bindings:
  admin:
"""

DISPATCH = "#!/bin/sh\nJUJU_DISPATCH_PATH=\"${JUJU_DISPATCH_PATH:-$0}\" PYTHONPATH=lib exec ./src/charm.py\n"

CHARM = '''\
#!/usr/bin/env python3
import json
import os

import ops
from ops.model import ModelError, RelationNotFoundError


def attempt(call):
    try:
        return {"ok": call()}
    except (ModelError, RelationNotFoundError) as err:
        return {"error": type(err).__name__, "stderr": str(err)}


class Probe(ops.CharmBase):
    def __init__(self, *args):
        super().__init__(*args)
        self.framework.observe(self.on.db_relation_changed, self._on_db)

    def _on_db(self, event):
        rel, backend = event.relation, self.model._backend
        peer = self.model.get_relation("replicas")
        seen = {
            "relation": [rel.id, rel.name, rel.app.name, sorted(u.name for u in rel.units)],
            "get_relation": self.model.get_relation("db", rel.id).id,
            "remote_app": dict(rel.data[rel.app]),
            "remote_units": {u.name: dict(rel.data[u]) for u in rel.units},
            "metrics_apps": [r.app.name for r in self.model.relations["metrics"]],
            "peer_units": sorted(u.name for u in peer.units),
            "peer_app": dict(peer.data[self.app]),
            "planned_units": self.app.planned_units(),
            "own_app": attempt(lambda: backend.relation_get(rel.id, self.app.name, True)),
            "missing_relation": attempt(lambda: backend.relation_get(99, self.app.name, True)),
        }
        binding = self.model.get_binding(rel).network
        seen["binding"] = [str(binding.bind_address), [str(a) for a in binding.ingress_addresses],
                           [str(s) for s in binding.egress_subnets]]
        seen["admin_binding"] = str(self.model.get_binding("admin").network.bind_address)
        rel.data[self.unit].update({"host": "probe-0.example", "gone": "x"})
        rel.data[self.unit]["gone"] = ""
        seen["app_write"] = attempt(lambda: backend.relation_set(rel.id, {"port": "9090"}, True))
        if self.unit.is_leader():
            rel.data[self.app]["url"] = "http://probe:9090"
            peer.data[self.app]["leader-said"] = "hi"
        with open(os.environ["PROBE_OUT"], "w") as out:
            json.dump(seen, out)


if __name__ == "__main__":
    ops.main(Probe)
'''

VERSIONS = ["2.9.44", "3.6.1"]


@pytest.fixture(params=VERSIONS)
def sim(request: pytest.FixtureRequest, tmp_path: Path) -> JujuSim:
    charm = tmp_path / "probe-charm"
    (charm / "src").mkdir(parents=True)
    (charm / "metadata.yaml").write_text(METADATA)
    (charm / "dispatch").write_text(DISPATCH)
    (charm / "src" / "charm.py").write_text(CHARM)
    for exe in (charm / "dispatch", charm / "src" / "charm.py"):
        exe.chmod(0o755)
    return JujuSim(charm, tmp_path / "sim", app="probe", juju_version=request.param)


def probe(sim: JujuSim, tmp_path: Path, **hook: Any) -> Dict[str, Any]:
    out = tmp_path / "probe.json"
    result = sim.run_hook("db-relation-changed", PROBE_OUT=str(out), **hook)
    assert result.ok, result
    seen: Dict[str, Any] = json.loads(out.read_text())
    return seen


def related(sim: JujuSim) -> int:
    sim.add_relation("metrics", "grafana")  # no units: ops asks relation-list --app
    rel = sim.add_relation("db", "postgres", ["postgres/0"], app_data={"endpoint": "pg:5432"},
                           unit_data={"postgres/0": {"host": "10.1.0.5"}})
    sim.add_remote_unit(rel, "postgres/1", {"host": "10.1.0.6"})
    sim.add_remote_unit(sim.relation_ids("replicas")[0], "probe/1", {"peer": "yes"})
    sim.set_address("10.1.2.3")
    return rel


def test_leader_reads_remote_bags_and_writes_its_own_and_its_apps(sim: JujuSim, tmp_path: Path) -> None:
    rel = related(sim)
    sim.set_leader(True)

    seen = probe(sim, tmp_path)

    assert seen["relation"] == [rel, "db", "postgres", ["postgres/0", "postgres/1"]]
    assert seen["get_relation"] == rel
    assert seen["remote_app"] == {"endpoint": "pg:5432"}
    assert seen["remote_units"] == {"postgres/0": {"host": "10.1.0.5"}, "postgres/1": {"host": "10.1.0.6"}}
    assert seen["metrics_apps"] == ["grafana"], "relation-list --app for a relation not in the event"
    assert seen["peer_units"] == ["probe/1"]
    assert seen["planned_units"] == 2, "goal-state counts this unit and its peer"
    assert seen["own_app"] == {"ok": {}}
    assert seen["missing_relation"]["error"] == "RelationNotFoundError"
    assert seen["binding"] == ["10.1.2.3", ["10.1.2.3"], ["10.1.2.3/32"]]
    assert seen["admin_binding"] == "10.1.2.3"
    assert seen["app_write"] == {"ok": None}
    assert sim.relation_data(rel, "probe/0") == {"host": "probe-0.example"}, "'' deletes a key"
    assert sim.relation_data(rel, "probe") == {"port": "9090", "url": "http://probe:9090"}
    assert sim.relation_data(sim.relation_ids("replicas")[0], "probe") == {"leader-said": "hi"}


def test_non_leader_reads_remote_app_data_but_cannot_touch_its_own(sim: JujuSim, tmp_path: Path) -> None:
    rel = related(sim)
    peer = sim.relation_ids("replicas")[0]
    sim.update_relation(peer, app_data={"shared": "by the leader"})
    sim.set_leader(False)

    seen = probe(sim, tmp_path)

    assert seen["remote_app"] == {"endpoint": "pg:5432"}
    assert seen["peer_app"] == {"shared": "by the leader"}, "peer app data needs no leadership"
    assert seen["own_app"] == {"error": "ModelError", "stderr": "ERROR permission denied\n"}
    assert seen["app_write"] == {"error": "ModelError", "stderr": "ERROR cannot write relation settings\n"}
    assert sim.relation_data(rel, "probe") == {}
    assert sim.relation_data(rel, "probe/0") == {"host": "probe-0.example"}


def test_ops_calls_the_relation_tools_with_the_flags_juju_has(sim: JujuSim, tmp_path: Path) -> None:
    rel = related(sim)
    metrics = sim.relation_ids("metrics")[0]
    sim.set_leader(True)

    probe(sim, tmp_path)

    argvs = [c["argv"] for c in sim.calls() if c["tool"].startswith(("relation-", "network-", "goal-"))]
    assert all(c["returncode"] == 0 for c in sim.calls() if c["tool"] != "relation-get"
               and c["tool"] != "relation-set")
    assert ["relation-ids", "db", "--format=json"] in argvs
    assert ["relation-list", "-r", f"metrics:{metrics}", "--app", "--format=json"] in argvs
    assert ["relation-set", "-r", f"db:{rel}", "--file", "-"] in argvs
    assert ["relation-set", "-r", f"db:{rel}", "--app", "--file", "-"] in argvs
    assert ["network-get", "admin", "--format=json"] in argvs
    assert ["goal-state", "--format=json"] in argvs
    assert any(a[:2] == ["relation-get", "-r"] and a[3:] == ["-", "postgres", "--app", "--format=json"]
               for a in argvs)


# -- the tools' command lines beyond what ops uses --------------------------------------------


def tool(sim: JujuSim, *argv: str, stdin: str = "", **env: str) -> "subprocess.CompletedProcess[str]":
    base = {"PATH": f"{sim.tools_dir}:{os.path.dirname(sys.executable)}:/usr/bin:/bin",
            "HOOKTOOL_STATE": str(sim.state_dir), "JUJU_UNIT_NAME": sim.unit,
            "JUJU_CHARM_DIR": str(sim.charm_dir), "JUJU_VERSION": sim.juju_version}
    return subprocess.run([str(sim.tools_dir / argv[0]), *argv[1:]], input=stdin, capture_output=True,
                          text=True, env={**base, **env}, timeout=30)


def test_relation_get_and_set_command_lines(sim: JujuSim, tmp_path: Path) -> None:
    rel = related(sim)
    settings = tmp_path / "settings.yaml"
    settings.write_text("a: |\n  two\n  lines\nb: 'yes'\nc: 010\n")
    hook = {"JUJU_RELATION_ID": f"db:{rel}", "JUJU_REMOTE_UNIT": "postgres/0", "JUJU_REMOTE_APP": "postgres"}

    assert tool(sim, "relation-set", "--file", str(settings), "c=override", **hook).returncode == 0
    assert sim.relation_data(rel, "probe/0") == {"a": "two\nlines\n", "b": "yes", "c": "override"}
    assert tool(sim, "relation-get", "host", **hook).stdout == "10.1.0.5\n"
    assert tool(sim, "relation-get", "-", **hook).stdout == "host: 10.1.0.5\n"
    assert tool(sim, "relation-get", "--app", "endpoint", **hook).stdout == "pg:5432\n"
    assert json.loads(tool(sim, "relation-get", "-r", str(rel), "missing", "postgres/1",
                           "--format=json").stdout) is None
    assert tool(sim, "relation-ids", "db").stdout == f"db:{rel}\n"
    assert tool(sim, "relation-list", **hook).stdout == "postgres/0\npostgres/1\n"
    assert tool(sim, "relation-list", "-r", f"db:{rel}", "--app").stdout == "postgres\n"
    assert tool(sim, "relation-set", "d=1", "e=", **hook).returncode == 0
    assert "e" not in sim.relation_data(rel, "probe/0") and sim.relation_data(rel, "probe/0")["d"] == "1"


@pytest.mark.parametrize("argv, code, stderr", [
    (["relation-get", "-", "postgres/0"], 2, "ERROR no relation id specified\n"),
    (["relation-get", "-r", "db:7", "-", "postgres/0"], 2,
     'ERROR invalid value "db:7" for option -r: relation not found\n'),
    (["relation-get", "-r", "x", "-", "postgres/0"], 2,
     'ERROR invalid value "x" for option -r: invalid relation id\n'),
    (["relation-get", "-r", "1", "-"], 2, "ERROR no unit or application specified\n"),
    (["relation-get", "-r", "1", "-", "mysql", "--app"], 1, "ERROR permission denied\n"),
    (["relation-set", "-r", "1", "--app", "a=b"], 1, "ERROR cannot write relation settings\n"),
    (["relation-set", "-r", "1", "novalue"], 2, 'ERROR expected "key=value", got "novalue"\n'),
    (["relation-list", "-r", "1", "--bogus"], 2, "ERROR option provided but not defined: --bogus\n"),
    (["network-get", "nope"], 1, 'ERROR no network config found for binding "nope"\n'),
])
def test_relation_tool_errors_are_juju_s(sim: JujuSim, argv: list, code: int, stderr: str) -> None:
    related(sim)

    result = tool(sim, *argv)

    assert (result.returncode, result.stderr) == (code, stderr)


def test_leader_settings_tools_exist_under_juju_2_only(sim: JujuSim) -> None:
    if sim.juju_version.startswith("3."):
        assert not (sim.tools_dir / "leader-set").exists() and not (sim.tools_dir / "leader-get").exists()
        return
    assert tool(sim, "leader-set", "k=v").returncode == 1
    sim.set_leader(True)
    assert tool(sim, "leader-set", "k=v").returncode == 0
    assert tool(sim, "leader-get", "k").stdout == "v\n"
