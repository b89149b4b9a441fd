"""The hook-tool doubles and JujuSim, exercised with a tiny throwaway ops charm (not ours).

Each test runs the tiny charm as a real process through ``./dispatch``, as Juju does.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, Optional

import pytest
import yaml

from scripts.localrun.juju_sim import HOOKTOOL, TOOL_NAMES, HookTimeout, JujuSim

pytestmark = [pytest.mark.e2e, pytest.mark.tooling]

METADATA = """\
name: tiny
summary: A throwaway pod-spec charm for testing the hook-tool doubles
description: Sets a pod spec from its config.
series: [kubernetes]
min-juju-version: 2.8.0
resources:
  tiny-image:
    type: oci-image
    description: the workload image
requires:
  db:
    interface: tiny-db
peers:
  replicas:
    interface: tiny-peers
storage:
  data:
    type: filesystem
    location: /srv/data
"""

CONFIG = """\
options:
  greeting:
    type: string
    default: hello
    description: |
      Passed to the workload as --greeting.
      (A multi-line description, as config.yaml files have.)
  empty-default:
    type: string
    default: ""
    description: an option whose default is the empty string
  no-default:
    type: string
    description: an option without a default
  port:
    type: int
    default: 8080
    description: >
      Container port.
  crash-after-spec:
    type: boolean
    default: false
    description: raise after setting the pod spec
  sleep:
    type: float
    default: 0.0
    description: seconds to sleep in config-changed
"""

ACTIONS = """\
greet:
  description: say hello
  params:
    name:
      type: string
      default: world
    fail:
      type: boolean
      default: false
  additionalProperties: false
"""

DISPATCH = """\
#!/bin/sh

JUJU_DISPATCH_PATH="${JUJU_DISPATCH_PATH:-$0}" PYTHONPATH=lib:venv \\
  exec ./src/charm.py
"""

CHARM = '''\
#!/usr/bin/env python3
"""A tiny pod-spec charm: only here to exercise the hook-tool doubles."""

import json
import logging
import os
import time
from pathlib import Path

import ops
import yaml
from ops.model import ModelError

logger = logging.getLogger(__name__)

LONG = "scrape_configs: " + json.dumps([{{"job_name": "job-%d" % i, "targets": ["10.0.0.%d:80" % i]}}
                                         for i in range(20)])


class TinyCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, *args):
        super().__init__(*args)
        self._stored.set_default(count=0)
        for event in (self.on.install, self.on.config_changed, self.on.leader_elected):
            self.framework.observe(event, self._reconcile)
        self.framework.observe(self.on.start, self._on_start)
        self.framework.observe(self.on.update_status, self._on_update_status)
        self.framework.observe(self.on.db_relation_changed, self._on_db_changed)
        self.framework.observe(self.on.db_relation_departed, self._on_db_departed)
        self.framework.observe(self.on.db_relation_broken, self._on_db_broken)
        self.framework.observe(self.on.greet_action, self._on_greet)
        self.framework.observe(self.on.data_storage_attached, self._on_storage_attached)

    def _reconcile(self, _event):
        self._stored.count += 1
        logger.info("reconcile number %d", self._stored.count)
        if self.config["sleep"]:
            time.sleep(self.config["sleep"])
        try:
            image = yaml.safe_load(self.model.resources.fetch("tiny-image").read_text())
        except ModelError:
            self.unit.status = ops.BlockedStatus("tiny-image: resource missing")
            return
        if self.unit.is_leader():
            spec = {{
                "version": 3,
                "containers": [{{
                    "name": "tiny",
                    "imageDetails": {{"imagePath": image["registrypath"], "username": image["username"],
                                      "password": image["password"]}},
                    "args": ["--greeting=" + self.config["greeting"], "--config=/etc/tiny/tiny.yml"],
                    "ports": [{{"containerPort": self.config["port"], "protocol": "TCP"}}],
                    "volumeConfig": [{{"name": "config", "mountPath": "/etc/tiny",
                                       "files": [{{"path": "tiny.yml", "content": LONG + "\\n"}}]}}],
                }}],
            }}
            annotations = {{"tiny/count": str(self._stored.count)}}
            k8s = {{"kubernetesResources": {{"pod": {{"annotations": annotations}}}}}}
            self.model.pod.set_spec(spec, k8s)
            self.app.status = ops.ActiveStatus("spec set")
        if self.config["crash-after-spec"]:
            raise RuntimeError("crash requested after set_spec")
        self.unit.status = ops.ActiveStatus("count=%d" % self._stored.count)

    def _on_start(self, _event):
        env_file = Path(os.environ["JUJU_CHARM_DIR"]) / "env.json"
        env_file.write_text(json.dumps(dict(os.environ)))
        self.unit.status = ops.ActiveStatus("started with %s" % sorted(self.config.keys()))

    def _on_update_status(self, _event):
        address = self.model.get_binding("db").network.bind_address
        self.unit.status = ops.ActiveStatus("address %s" % address)

    def _on_db_changed(self, event):
        hosts = sorted(event.relation.data[u].get("host", "?") for u in event.relation.units)
        remote = event.relation.data[event.relation.app].get("endpoint", "none")
        event.relation.data[self.unit]["seen"] = ",".join(hosts)
        if self.unit.is_leader():
            event.relation.data[self.app]["summary"] = LONG
            event.relation.data[self.app]["port"] = "9090"
        self.unit.status = ops.ActiveStatus("db %s with %d units" % (remote, len(hosts)))

    def _on_db_departed(self, event):
        self.unit.status = ops.WaitingStatus("db lost %s; %d left" % (event.departing_unit.name,
                                                                         len(event.relation.units)))

    def _on_db_broken(self, event):
        self.unit.status = ops.BlockedStatus("db relation removed")

    def _on_greet(self, event):
        event.log("greeting " + event.params["name"])
        if event.params["fail"]:
            event.fail("asked to fail")
            return
        event.set_results({{"greeting": "hello " + event.params["name"], "nested": {{"a": 1}}}})

    def _on_storage_attached(self, event):
        self.unit.status = ops.ActiveStatus("storage at %s" % event.storage.location)


if __name__ == "__main__":
    ops.main(TinyCharm{main_args})
'''


def write_tiny_charm(root: Path, use_juju_for_storage: bool = False) -> Path:
    root.mkdir(parents=True)
    (root / "metadata.yaml").write_text(METADATA)
    (root / "config.yaml").write_text(CONFIG)
    (root / "actions.yaml").write_text(ACTIONS)
    (root / "dispatch").write_text(DISPATCH)
    (root / "dispatch").chmod(0o755)
    (root / "src").mkdir()
    main_args = ", use_juju_for_storage=True" if use_juju_for_storage else ""
    (root / "src" / "charm.py").write_text(CHARM.format(main_args=main_args))
    (root / "src" / "charm.py").chmod(0o755)
    return root


@pytest.fixture
def make_sim(tmp_path: Path) -> Callable[..., JujuSim]:
    def make(use_juju_for_storage: bool = False, **kwargs: object) -> JujuSim:
        charm = write_tiny_charm(tmp_path / "tiny-charm", use_juju_for_storage)
        return JujuSim(charm, tmp_path / "sim", app="tiny", **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def sim(make_sim: Callable[..., JujuSim]) -> JujuSim:
    s = make_sim()
    s.attach_image("example/tiny:1.0", username="bot", password="s3cret")
    s.set_leader(True)
    return s


# -- hooks, config, resources, pod spec -------------------------------------------------------


def test_leader_sets_pod_spec_from_config_defaults(sim: JujuSim) -> None:
    result = sim.run_hook("config-changed")

    assert result.ok, result
    spec, k8s = sim.pod_spec()
    container = spec["containers"][0]
    assert container["args"][0] == "--greeting=hello"
    assert container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    assert container["imageDetails"] == {
        "imagePath": "example/tiny:1.0", "username": "bot", "password": "s3cret"}
    assert k8s == {"kubernetesResources": {"pod": {"annotations": {"tiny/count": "1"}}}}
    assert sim.unit_status() == ("active", "count=1")
    assert sim.app_status() == ("active", "spec set")


def test_config_get_omits_options_without_default_and_keeps_empty_string(sim: JujuSim) -> None:
    result = sim.run_hook("start")

    assert result.ok, result
    assert sim.unit_status() == (
        "active", "started with ['crash-after-spec', 'empty-default', 'greeting', 'port', 'sleep']")


def test_set_config_reaches_the_charm_and_strings_are_parsed_like_the_cli(sim: JujuSim) -> None:
    sim.set_config(**{"greeting": "hi there", "port": "9100"})

    result = sim.run_hook("config-changed")

    assert result.ok, result
    container = sim.pod_spec()[0]["containers"][0]
    assert container["args"][0] == "--greeting=hi there"
    assert container["ports"][0]["containerPort"] == 9100


def test_set_config_rejects_unknown_options_and_wrong_types(sim: JujuSim) -> None:
    with pytest.raises(ValueError, match="unknown option"):
        sim.set_config(**{"no-such-option": "x"})
    with pytest.raises(ValueError, match="invalid value"):
        sim.set_config(port="eighty")
    with pytest.raises(ValueError, match="invalid value"):
        sim.set_config(greeting=5)


def test_set_config_none_resets_to_default(sim: JujuSim) -> None:
    sim.set_config(greeting="hi")
    sim.set_config(greeting=None)

    sim.run_hook("config-changed")

    assert sim.pod_spec()[0]["containers"][0]["args"][0] == "--greeting=hello"


def test_every_pod_spec_set_is_copied_before_ops_deletes_the_files(sim: JujuSim) -> None:
    sim.run_hook("install")
    sim.set_config(greeting="second")
    sim.run_hook("config-changed")

    assert sim.pod_spec_count() == 2
    first = yaml.safe_load((sim.state_dir / "pod-spec-1.yaml").read_text())
    second_k8s = yaml.safe_load((sim.state_dir / "k8s-resources-2.yaml").read_text())
    assert first["containers"][0]["args"][0] == "--greeting=hello"
    assert second_k8s["kubernetesResources"]["pod"]["annotations"]["tiny/count"] == "2"
    argv = sim.calls("pod-spec-set")[-1]["argv"]
    assert argv[1] == "--file" and argv[3] == "--k8s-resources"
    assert not os.path.exists(argv[2]), "ops deletes its temporary spec file after the call"


def test_volume_file_content_survives_the_yaml_round_trip(sim: JujuSim) -> None:
    sim.run_hook("config-changed")

    content = sim.pod_spec()[0]["containers"][0]["volumeConfig"][0]["files"][0]["content"]

    assert content.startswith("scrape_configs: [{\"job_name\": \"job-0\"")
    assert content.endswith("\"targets\": [\"10.0.0.19:80\"]}]\n")


def test_non_leader_sets_no_pod_spec(sim: JujuSim) -> None:
    sim.set_leader(False)

    result = sim.run_hook("config-changed")

    assert result.ok, result
    assert sim.pod_spec() is None
    assert sim.pod_spec_count() == 0
    assert sim.unit_status() == ("active", "count=1")
    assert sim.calls("is-leader"), "ops asks is-leader on every dispatch"


def test_missing_image_resource_fails_resource_get_like_juju(make_sim: Callable[..., JujuSim]) -> None:
    sim = make_sim()
    sim.set_leader(True)

    result = sim.run_hook("config-changed")

    assert result.ok, result
    assert sim.unit_status() == ("blocked", "tiny-image: resource missing")
    call = sim.calls("resource-get")[-1]
    assert call["argv"] == ["resource-get", "tiny-image"] and call["returncode"] == 1


def test_injected_tool_failure_fails_the_hook_with_the_traceback_in_juju_log(sim: JujuSim) -> None:
    sim.fail_tool("pod-spec-set", "ERROR json: unknown field \"bogus\"")

    result = sim.run_hook("config-changed")

    assert result.returncode == 1
    assert result.stderr == "", "ops sends an uncaught exception to juju-log, not stderr"
    assert any("ModelError" in line and "unknown field" in line for line in result.juju_log), result
    assert "unknown field" in str(result)
    assert "hook tool failed (exit 1): pod-spec-set --file" in str(result)
    assert sim.pod_spec() is None


def test_injected_failure_can_be_limited_to_a_number_of_calls(sim: JujuSim) -> None:
    sim.fail_tool("pod-spec-set", "ERROR transient", times=1)

    first = sim.run_hook("config-changed")
    second = sim.run_hook("config-changed")

    assert (first.returncode, second.returncode) == (1, 0), second
    assert sim.pod_spec_count() == 1


def test_failed_hook_discards_its_pod_spec_and_state_like_juju(sim: JujuSim) -> None:
    assert sim.run_hook("install").ok
    sim.set_config(**{"crash-after-spec": True, "greeting": "lost"})

    result = sim.run_hook("config-changed")

    assert result.returncode == 1 and result.rolled_back, result
    assert "crash requested after set_spec" in str(result)
    assert sim.pod_spec_count() == 1
    assert sim.pod_spec()[0]["containers"][0]["args"][0] == "--greeting=hello"
    assert not (sim.state_dir / "pod-spec-2.yaml").exists()


def test_hook_that_runs_too_long_is_killed(make_sim: Callable[..., JujuSim]) -> None:
    sim = make_sim()
    sim.attach_image("example/tiny:1.0")
    sim.set_config(sleep=30.0)
    sim.hook_timeout = 3.0

    with pytest.raises(HookTimeout, match=r"still running after 3\.0s"):
        sim.run_hook("config-changed")


def test_hooks_run_in_a_clean_juju_environment(
    make_sim: Callable[..., JujuSim], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEAKY_TEST_VARIABLE", "1")
    sim = make_sim(extra_env={"KUBECONFIG": "/nonexistent/kubeconfig"}, model="testing", juju_version="3.6.1")

    result = sim.run_hook("start")

    assert result.ok, result
    env = json.loads((sim.charm_dir / "env.json").read_text())
    assert "LEAKY_TEST_VARIABLE" not in env
    assert env["PATH"].split(":")[0] == str(sim.tools_dir)
    assert env["PATH"].split(":")[1] == os.path.dirname(sys.executable)
    assert env["JUJU_DISPATCH_PATH"] == "hooks/start"
    assert env["JUJU_UNIT_NAME"] == "tiny/0"
    assert env["JUJU_MODEL_NAME"] == "testing"
    assert env["JUJU_VERSION"] == "3.6.1"
    assert env["JUJU_CHARM_DIR"] == env["CHARM_DIR"] == str(sim.charm_dir)
    assert env["KUBECONFIG"] == "/nonexistent/kubeconfig"
    assert env["PYTHONPATH"] == "lib:venv"
    assert env["OPERATOR_DISPATCH"] == "1"


# -- state ------------------------------------------------------------------------------------


def test_stored_state_lives_in_sqlite_in_the_copied_charm_dir(sim: JujuSim, tmp_path: Path) -> None:
    sim.run_hook("install")
    sim.run_hook("config-changed")

    assert sim.unit_status() == ("active", "count=2")
    assert (sim.charm_dir / ".unit-state.db").exists()
    assert not (tmp_path / "tiny-charm" / ".unit-state.db").exists()
    assert sim.charm_state() == {}


def test_use_juju_for_storage_persists_stored_state_through_state_get_and_set(
    make_sim: Callable[..., JujuSim],
) -> None:
    sim = make_sim(use_juju_for_storage=True)
    sim.attach_image("example/tiny:1.0")
    sim.set_leader(True)

    first = sim.run_hook("install")
    second = sim.run_hook("config-changed")

    assert first.ok and second.ok, f"{first}\n{second}"
    assert sim.unit_status() == ("active", "count=2")
    assert not (sim.charm_dir / ".unit-state.db").exists()
    stored = yaml.safe_load(sim.charm_state()["TinyCharm/StoredStateData[_stored]"])
    assert stored == {"count": 2}
    tools = [c["argv"][:2] for c in second.calls if c["tool"].startswith("state-")]
    assert ["state-get", "TinyCharm/StoredStateData[_stored]"] in tools
    assert ["state-set", "--file"] in tools


# -- relations --------------------------------------------------------------------------------


def test_relation_changed_reads_remote_bags_and_writes_its_own(sim: JujuSim) -> None:
    rel = sim.add_relation(
        "db", "postgres", ["postgres/0", "postgres/1"], app_data={"endpoint": "pg.example"},
        unit_data={"postgres/0": {"host": "10.1.0.5"}, "postgres/1": {"host": "10.1.0.6"}},
    )

    result = sim.run_hook("db-relation-changed")

    assert result.ok, result
    assert sim.unit_status() == ("active", "db pg.example with 2 units")
    assert sim.relation_data(rel, "tiny/0") == {"seen": "10.1.0.5,10.1.0.6"}
    app_bag = sim.relation_data(rel, "tiny")
    assert app_bag["port"] == "9090", "a number-like string stays a string"
    assert json.loads(app_bag["summary"][len("scrape_configs: "):])[19]["job_name"] == "job-19"
    relation_set = [c for c in result.calls if c["tool"] == "relation-set"]
    assert relation_set and relation_set[0]["argv"][-2:] == ["--file", "-"]
    assert relation_set[0]["stdin"].startswith("seen:"), "ops 2.x sends YAML"


def test_relation_hooks_get_juju_relation_environment(sim: JujuSim) -> None:
    rel = sim.add_relation("db", "postgres", 1)

    result = sim.run_hook("db-relation-changed")

    relation_list = [c for c in result.calls if c["tool"] == "relation-list"]
    assert relation_list[0]["argv"] == ["relation-list", "-r", f"db:{rel}", "--format=json"]
    assert sim.relation_data(rel, "tiny/0") == {"seen": "?"}


def test_non_leader_cannot_write_app_data(sim: JujuSim) -> None:
    sim.set_leader(False)
    rel = sim.add_relation("db", "postgres", 1)

    result = sim.run_hook("db-relation-changed")

    assert result.ok, result
    assert sim.relation_data(rel, "tiny") == {}


def test_peer_relation_exists_from_the_start(sim: JujuSim) -> None:
    assert sim.relation_ids("replicas") == [0]


def test_remove_relation_runs_departed_then_broken(sim: JujuSim) -> None:
    rel = sim.add_relation("db", "postgres", ["postgres/0", "postgres/1"])

    results = sim.remove_relation(rel)

    assert [r.name for r in results] == ["db-relation-departed"] * 2 + ["db-relation-broken"]
    assert all(r.ok for r in results), results
    assert ("unit", "waiting", "db lost postgres/1; 0 left") in sim.status_history()
    assert sim.unit_status() == ("blocked", "db relation removed")
    assert sim.relation_ids("db") == []


def test_relation_hook_with_two_relations_needs_an_id(sim: JujuSim) -> None:
    sim.add_relation("db", "one", 1)
    sim.add_relation("db", "two", 1)

    with pytest.raises(ValueError, match="say which relation_id"):
        sim.run_hook("db-relation-changed")


# -- actions, storage, network ----------------------------------------------------------------


def test_action_gets_default_params_and_sets_results(sim: JujuSim) -> None:
    result = sim.run_action("greet")

    assert result.ok, result
    assert result.action_results == {"greeting": "hello world", "nested": {"a": "1"}}
    assert result.action_logs == ["greeting world"]
    assert result.action_failure is None


def test_action_fail_is_reported(sim: JujuSim) -> None:
    result = sim.run_action("greet", {"name": "bob", "fail": True})

    assert result.ok, result
    assert result.action_failure == "asked to fail"
    assert result.action_results == {}


def test_action_params_are_checked_against_actions_yaml(sim: JujuSim) -> None:
    with pytest.raises(ValueError, match="unknown parameter"):
        sim.run_action("greet", {"nmae": "typo"})
    with pytest.raises(ValueError, match="no action"):
        sim.run_action("reload")


def test_storage_attached_hook_gets_its_storage(sim: JujuSim) -> None:
    sim.add_storage("data", "/srv/data")

    result = sim.run_hook("data-storage-attached")

    assert result.ok, result
    assert sim.unit_status() == ("active", "storage at /srv/data")


def test_network_get_answers_the_configured_address(sim: JujuSim) -> None:
    sim.set_address("10.152.183.7")

    result = sim.run_hook("update-status")

    assert result.ok, result
    assert sim.unit_status() == ("active", "address 10.152.183.7")


# -- the hook tools on their own --------------------------------------------------------------


def run_tool(sim: JujuSim, *argv: str, stdin: str = "", python: str = "",
             extra_env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    env = {
        "PATH": f"{sim.tools_dir}:{os.path.dirname(sys.executable)}:/usr/bin:/bin",
        "HOOKTOOL_STATE": str(sim.state_dir),
        "JUJU_UNIT_NAME": sim.unit,
        "JUJU_CHARM_DIR": str(sim.charm_dir),
        **(extra_env or {}),
    }
    cmd = [str(sim.tools_dir / argv[0]), *argv[1:]]
    if python:
        cmd.insert(0, python)
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=30)


def test_every_call_is_recorded_with_argv_and_stdin(sim: JujuSim) -> None:
    sim.add_relation("db", "postgres", 1)

    run_tool(sim, "relation-set", "-r", "db:1", "--file", "-", stdin="a: '1'\n")
    run_tool(sim, "is-leader", "--format=json")

    calls = sim.calls()
    assert calls[-2:] == [
        {"tool": "relation-set", "argv": ["relation-set", "-r", "db:1", "--file", "-"], "stdin": "a: '1'\n",
         "returncode": 0},
        {"tool": "is-leader", "argv": ["is-leader", "--format=json"], "stdin": None, "returncode": 0},
    ]


def test_relation_set_empty_value_deletes_the_key_and_json_input_works(sim: JujuSim) -> None:
    rel = sim.add_relation("db", "postgres", 1)
    run_tool(sim, "relation-set", "-r", f"db:{rel}", "--file", "-", stdin="a: x\nb: y\n")

    result = run_tool(sim, "relation-set", "-r", f"db:{rel}", "--file", "-", stdin='{"a": "", "c": "z"}')

    assert result.returncode == 0, result.stderr
    assert sim.relation_data(rel, "tiny/0") == {"b": "y", "c": "z"}


def test_relation_get_and_set_touch_only_their_own_relation_s_data_file(sim: JujuSim) -> None:
    ours = sim.add_relation("db", "postgres", 1, unit_data={"postgres/0": {"host": "10.1.0.5"}})
    valid = sim.add_relation("db", "mysql", 1, app_data={"endpoint": "my:3306"})
    broken = sim.add_relation("db", "redis", 1)
    shards = {rel: sim.state_dir / "relations" / f"{rel}.json" for rel in (ours, valid, broken)}
    shards[broken].write_text("{not json")  # any tool reading it would crash (exit 70)
    before = {rel: path.read_bytes() for rel, path in shards.items() if rel != ours}
    index = (sim.state_dir / "relations.json").read_bytes()

    got = run_tool(sim, "relation-get", "-r", f"db:{ours}", "--format=json", "-", "postgres/0")
    done = run_tool(sim, "relation-set", "-r", f"db:{ours}", "--file", "-", stdin="seen: '1'\n")
    listed = run_tool(sim, "relation-list", "-r", f"db:{ours}", "--format=json")
    ids = run_tool(sim, "relation-ids", "db", "--format=json")
    other = run_tool(sim, "relation-get", "-r", f"db:{broken}", "--format=json", "-", "redis/0")

    assert (got.returncode, json.loads(got.stdout)) == (0, {"host": "10.1.0.5"}), got.stderr
    assert done.returncode == 0, done.stderr
    assert sim.relation_data(ours, "tiny/0") == {"seen": "1"}
    assert {rel: path.read_bytes() for rel, path in shards.items() if rel != ours} == before
    assert (sim.state_dir / "relations.json").read_bytes() == index, "relation-set writes no index"
    assert json.loads(listed.stdout) == ["postgres/0"] and json.loads(ids.stdout) == [
        f"db:{ours}", f"db:{valid}", f"db:{broken}"]
    assert other.returncode == 70 and "JSONDecodeError" in other.stderr, "the broken file is read when asked"


def test_failed_hook_restores_relation_data_files(sim: JujuSim) -> None:
    rel = sim.add_relation("db", "postgres", 1, unit_data={"postgres/0": {"host": "10.1.0.5"}})
    shard = sim.state_dir / "relations" / f"{rel}.json"
    before = shard.read_bytes()
    sim.fail_tool("status-set")  # after the hook's relation-set calls

    result = sim.run_hook("db-relation-changed")

    assert result.rolled_back and [c for c in result.calls if c["tool"] == "relation-set"], result
    assert shard.read_bytes() == before
    assert sim.relation_data(rel, "tiny/0") == {} and sim.relation_data(rel, "tiny") == {}


def test_status_message_starting_with_dash_fails_without_double_dash(sim: JujuSim) -> None:
    bad = run_tool(sim, "status-set", "--application=False", "active", "-5 targets")
    good = run_tool(sim, "status-set", "--application=False", "active", "--", "-5 targets")

    assert bad.returncode == 2 and "option provided but not defined: -5 targets" in bad.stderr
    assert good.returncode == 0, good.stderr
    assert sim.unit_status() == ("active", "-5 targets")


def test_unknown_relation_says_relation_not_found(sim: JujuSim) -> None:
    result = run_tool(sim, "relation-get", "-r", "db:42", "-", "postgres/0", "--format=json")

    assert result.returncode == 2
    assert "relation not found" in result.stderr


def test_pod_spec_set_refuses_a_key_in_both_files(sim: JujuSim, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    k8s = tmp_path / "k8s.yaml"
    spec.write_text("version: 3\ncontainers: []\nkubernetesResources:\n  pod: {}\n")
    k8s.write_text("kubernetesResources:\n  secrets: []\n")

    result = run_tool(sim, "pod-spec-set", "--file", str(spec), "--k8s-resources", str(k8s))

    assert result.returncode == 1
    assert "kubernetesResources appears in both" in result.stderr
    assert sim.pod_spec() is None


def test_pod_spec_set_fails_for_a_non_leader(sim: JujuSim, tmp_path: Path) -> None:
    sim.set_leader(False)
    spec = tmp_path / "spec.yaml"
    spec.write_text("version: 3\ncontainers: []\n")

    result = run_tool(sim, "pod-spec-set", "--file", str(spec))

    assert result.returncode == 1 and "not the leader" in result.stderr


def test_storage_get_help_matches_what_ops_parses(sim: JujuSim) -> None:
    from ops.model import _ModelBackend

    env_tool = subprocess.run(
        [str(sim.tools_dir / "storage-get"), "--help"], capture_output=True, text=True, timeout=30,
        env={"HOOKTOOL_STATE": str(sim.state_dir), "JUJU_STORAGE_ID": "data/3", "JUJU_UNIT_NAME": sim.unit},
    )

    match = _ModelBackend._STORAGE_KEY_RE.match(env_tool.stdout)
    assert match and match.group("storage_key") == "data/3"


def test_unknown_tool_name_fails_loudly(sim: JujuSim) -> None:
    (sim.tools_dir / "secret-get").symlink_to("hooktool.py")

    result = run_tool(sim, "secret-get", "foo")

    assert result.returncode == 127 and "not simulated" in result.stderr


def test_every_hook_tool_ops_calls_is_simulated() -> None:
    import ops.model
    import ops.storage

    source = Path(ops.model.__file__).read_text() + Path(ops.storage.__file__).read_text()
    call = r"(?:_run(?:_for_secret)?\(\s*\[?|(?:args|cmd)(?:: [a-z\[\]]+)? = \[)'([a-z][a-z-]+)'"
    used = set(re.findall(call, source))
    not_needed = {t for t in used if t.startswith("secret-")} | {"add-metric", "juju-reboot"}

    assert used - not_needed - set(TOOL_NAMES) == set()
    assert {"pod-spec-set", "state-get", "state-set", "relation-set", "network-get", "is-leader"} <= used


def test_hook_tools_run_under_the_test_interpreter_isolated_from_the_charm(sim: JujuSim) -> None:
    assert HOOKTOOL.read_text().startswith("#!/usr/bin/env python3\n")
    installed = (sim.tools_dir / "hooktool.py").read_text()

    assert installed.startswith(f"#!{sys.executable} -E\n")
    assert os.access(sim.tools_dir / "relation-get", os.X_OK)


def test_action_set_refuses_keys_juju_refuses(sim: JujuSim) -> None:
    sim._update_model(action={"name": "greet", "params": {}})
    env_action = {"JUJU_ACTION_NAME": "greet"}

    bad = [run_tool(sim, "action-set", arg, extra_env=env_action) for arg in ("Result=1", "stdout=x", "a..b=1")]
    good = run_tool(sim, "action-set", "result.sub-key=1", extra_env=env_action)

    assert [r.returncode for r in bad] == [2, 2, 2], [r.stderr for r in bad]
    assert "reserved action key" in bad[1].stderr
    assert good.returncode == 0, good.stderr
