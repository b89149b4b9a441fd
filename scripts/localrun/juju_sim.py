"""Run a charm as a real process, the way Juju runs it, against test doubles of the hook tools.

``JujuSim`` copies the charm into ``<workdir>/charm`` (so ops' ``.unit-state.db`` never lands in
the repository), symlinks ``hooktools/hooktool.py`` under every hook tool name in
``<workdir>/hooktools``, and runs ``./dispatch`` with a clean Juju-like environment
(docs/juju-podspec-reference.md sections 4.1 and 8). The model the charm sees (leadership,
config, the OCI image resource, relations, storage, an action's parameters) lives as JSON in
``<workdir>/state``; the accessors read back what the charm did (pod specs, statuses,
relation data, juju-log lines, every hook-tool call).

Like Juju, a failed hook (non-zero exit) discards what it wrote to relation data, the pod spec,
charm state (state-set) and opened ports; statuses and log lines stay.
"""

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import yaml

HOOKTOOL = Path(__file__).resolve().parent / "hooktools" / "hooktool.py"


def _load_hooktool() -> Any:
    """hooktool.py as a module (it is a script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("hooktool", HOOKTOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL_NAMES: Tuple[str, ...] = tuple(_load_hooktool().TOOLS)

CHARM_FILES = ("dispatch", "src", "actions", "lib", "metadata.yaml", "config.yaml", "actions.yaml")

# What Juju writes only when the hook succeeds (the uniter commits the hook's context): these
# files, and every relation's data file in COMMIT_DIRS (hooktool.py: relations/<id>.json).
COMMIT_FILES = (
    "relations.json", "juju-state.json", "pod-spec.yaml", "k8s-resources.yaml",
    "pod-specs.json", "ports.json",
)
COMMIT_DIRS = ("relations",)

DEFAULT_MODEL_UUID = "7e3f9a2c-5b14-4d8e-9c61-0a2b4c6d8e10"

_RELATION_HOOK = re.compile(r"^(?P<endpoint>.+)-relation-(?P<kind>created|joined|changed|departed|broken)$")
_STORAGE_HOOK = re.compile(r"^(?P<storage>.+)-storage-(?P<kind>attached|detaching)$")
_TRUE_WORDS = ("1", "t", "T", "TRUE", "true", "True")
_FALSE_WORDS = ("0", "f", "F", "FALSE", "false", "False")


class HookTimeout(RuntimeError):
    """The hook ran past ``JujuSim.hook_timeout``; its process group was killed."""


class HookResult:
    """Outcome of one ``./dispatch`` run."""

    def __init__(
        self,
        kind: str,
        name: str,
        unit: str,
        returncode: int,
        stdout: str,
        stderr: str,
        calls: List[Dict[str, Any]],
        rolled_back: bool = False,
        action_results: Optional[Dict[str, Any]] = None,
        action_failure: Optional[str] = None,
        action_logs: Optional[List[str]] = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.unit = unit
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.calls = calls
        self.rolled_back = rolled_back
        self.action_results = action_results
        self.action_failure = action_failure
        self.action_logs = action_logs or []

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def juju_log(self) -> List[str]:
        """``LEVEL message`` for every juju-log call during this run."""
        return [_log_line(c) for c in self.calls if c["tool"] == "juju-log"]

    def __str__(self) -> str:
        lines = [f"{self.kind} {self.name} on {self.unit}: exit {self.returncode}"]
        if self.rolled_back:
            lines[0] += " (failed: relation data, pod spec and state-set changes discarded)"
        if self.action_failure is not None:
            lines.append(f"action-fail: {self.action_failure}")
        if self.action_results:
            lines.append(f"action results: {json.dumps(self.action_results, sort_keys=True)}")
        failed_tools = [c for c in self.calls if c.get("returncode")]
        for call in failed_tools:
            lines.append(f"hook tool failed (exit {call['returncode']}): {' '.join(call['argv'])}")
        lines.append("juju-log:")
        lines.extend("  " + line for line in self.juju_log or ["(none)"])
        if self.stderr.strip():
            lines.append("stderr:")
            lines.extend("  " + line for line in self.stderr.rstrip().splitlines())
        if self.stdout.strip():
            lines.append("stdout:")
            lines.extend("  " + line for line in self.stdout.rstrip().splitlines())
        return "\n".join(lines)

    __repr__ = __str__


def _log_line(call: Mapping[str, Any]) -> str:
    argv = list(call["argv"][1:])
    level = "INFO"
    if "--log-level" in argv:
        i = argv.index("--log-level")
        level = argv[i + 1]
        del argv[i:i + 2]
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    return f"{level} {' '.join(argv)}"


def _load_yaml(path: Path) -> Dict[str, Any]:
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text()) or {}


class JujuSim:
    """One unit of a pod-spec application, driven hook by hook (see module docstring)."""

    hook_timeout: float = 60.0

    def __init__(
        self,
        charm_source: Path,
        workdir: Path,
        app: str = "prometheus",
        unit_number: int = 0,
        model: str = "lma",
        juju_version: str = "2.9.44",
        extra_env: Optional[Dict[str, str]] = None,
        model_uuid: str = DEFAULT_MODEL_UUID,
    ) -> None:
        self.charm_source = Path(charm_source)
        self.workdir = Path(workdir)
        self.app = app
        self.unit = f"{app}/{unit_number}"
        self.model = model
        self.model_uuid = model_uuid
        self.juju_version = juju_version
        self.extra_env = dict(extra_env or {})
        self.charm_dir = self.workdir / "charm"
        self.state_dir = self.workdir / "state"
        self.tools_dir = self.workdir / "hooktools"
        self.home = self.workdir / "home"
        self._runs = 0

        self.copy_charm()
        self._install_tools()
        for d in (self.state_dir, self.home):
            d.mkdir(parents=True, exist_ok=True)
        if not (self.state_dir / "model.json").exists():
            self._write_json("model.json", {"leader": False, "config": {}})
        for peer in self.metadata.get("peers") or {}:
            if not self.relation_ids(peer):
                self.add_relation(peer, self.app)

    # -- set-up ---------------------------------------------------------------------------------
    def copy_charm(self) -> None:
        """Copy (or re-copy, as for upgrade-charm) the charm's files; ``.unit-state.db`` stays."""
        dispatch = self.charm_source / "dispatch"
        if not dispatch.is_file() or not os.access(dispatch, os.X_OK):
            raise ValueError(f"{dispatch} is missing or not executable: Juju could not run this charm")
        self.charm_dir.mkdir(parents=True, exist_ok=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".unit-state.db")
        for name in CHARM_FILES:
            src = self.charm_source / name
            dst = self.charm_dir / name
            if dst.is_dir() and not dst.is_symlink():
                shutil.rmtree(dst)
            elif dst.exists() or dst.is_symlink():
                dst.unlink()
            if name == "lib" and src.is_dir():
                # lib/ holds `make build`'s CPython 3.8 wheels; the charm here runs on this
                # interpreter, with its packages, so only the README goes along.
                dst.mkdir()
                for kept in src.glob("README*"):
                    shutil.copy2(kept, dst / kept.name)
            elif src.is_dir():
                shutil.copytree(src, dst, symlinks=True, ignore=ignore)
            elif src.exists():
                shutil.copy2(src, dst)
        self.metadata = _load_yaml(self.charm_dir / "metadata.yaml")
        self.config_options: Dict[str, Dict[str, Any]] = (
            _load_yaml(self.charm_dir / "config.yaml").get("options") or {}
        )
        self.actions_meta = _load_yaml(self.charm_dir / "actions.yaml")

    def _install_tools(self) -> None:
        """hooktool.py under this interpreter (``-E``: the charm's PYTHONPATH stays out), linked
        under every tool name this Juju version has (Juju 3 dropped leader-get and leader-set)."""
        self.tools_dir.mkdir(parents=True, exist_ok=True)
        tool = self.tools_dir / "hooktool.py"
        body = HOOKTOOL.read_text().split("\n", 1)[1]
        tool.write_text(f"#!{sys.executable} -E\n{body}")
        tool.chmod(0o755)
        juju3 = int(self.juju_version.split(".")[0]) >= 3
        for name in TOOL_NAMES:
            link = self.tools_dir / name
            if juju3 and name in ("leader-get", "leader-set"):
                link.unlink(missing_ok=True)
            elif not link.is_symlink():
                link.symlink_to("hooktool.py")

    # -- state files ----------------------------------------------------------------------------
    def _read_json(self, name: str, default: Any) -> Any:
        path = self.state_dir / name
        return json.loads(path.read_text()) if path.exists() else default

    def _write_json(self, name: str, data: Any) -> None:
        path = self.state_dir / name
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, path)

    def _update_model(self, **changes: Any) -> Dict[str, Any]:
        model: Dict[str, Any] = self._read_json("model.json", {})
        model.update(changes)
        self._write_json("model.json", model)
        return model

    # -- the model the charm sees ---------------------------------------------------------------
    def set_leader(self, leader: bool = True) -> None:
        self._update_model(leader=bool(leader))

    def set_config(self, **options: Any) -> None:
        """Set options like ``juju config``: ``sim.set_config(**{"scrape-interval": "30s"})``.

        Strings are parsed for int/float/boolean options as the juju CLI does; ``None`` resets
        an option to its default. Unknown options and wrong types raise ``ValueError``.
        """
        model = self._read_json("model.json", {})
        config = dict(model.get("config") or {})
        for name, value in options.items():
            if name not in self.config_options:
                raise ValueError(f"unknown option {name!r}; config.yaml has {sorted(self.config_options)}")
            if value is None:
                config.pop(name, None)
            else:
                config[name] = self._coerce(name, value)
        model["config"] = config
        self._write_json("model.json", model)

    def _coerce(self, name: str, value: Any) -> Any:
        kind = self.config_options[name].get("type", "string")
        wrong = ValueError(f"option {name!r} ({kind}): invalid value {value!r}")
        if kind in ("string", "secret"):
            if not isinstance(value, str):
                raise wrong
            return value
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value in _TRUE_WORDS + _FALSE_WORDS:
                return value in _TRUE_WORDS
            raise wrong
        if isinstance(value, bool):
            raise wrong
        try:
            if kind == "int":
                if isinstance(value, float) and not value.is_integer():
                    raise wrong
                return int(value)
            if kind == "float":
                return float(value)
        except (TypeError, ValueError):
            raise wrong from None
        raise ValueError(f"option {name!r} has unsupported type {kind!r}")

    def attach_image(self, registrypath: str, username: str = "", password: str = "",
                     resource: Optional[str] = None) -> Path:
        """Attach the OCI image resource (``juju attach-resource``); returns content.yaml."""
        declared = self.metadata.get("resources") or {}
        oci = [n for n, r in declared.items() if (r or {}).get("type") == "oci-image"]
        if resource is None:
            if len(oci) != 1:
                raise ValueError(f"say which resource: metadata.yaml declares OCI images {oci}")
            resource = oci[0]
        elif resource not in oci:
            raise ValueError(f"{resource!r} is not an oci-image resource in metadata.yaml ({oci})")
        path = self.state_dir / "resources" / resource / "content.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        content = {"registrypath": registrypath, "username": username, "password": password}
        path.write_text(yaml.safe_dump(content, sort_keys=False))
        return path

    def detach_image(self, resource: Optional[str] = None) -> None:
        for path in (self.state_dir / "resources").glob(f"{resource or '*'}/content.yaml"):
            path.unlink()

    def set_address(self, address: str) -> None:
        """What ``network-get`` answers (default 127.0.0.1)."""
        self._update_model(network=address)

    def fail_tool(self, tool: str, stderr: str = "ERROR simulated failure", returncode: int = 1,
                  times: Optional[int] = None) -> None:
        """Make ``tool`` exit ``returncode`` with ``stderr`` (``times`` calls, or always)."""
        model = self._read_json("model.json", {})
        spec: Dict[str, Any] = {"stderr": stderr, "returncode": returncode}
        if times is not None:
            spec["times"] = times
        model.setdefault("fail", {})[tool] = spec
        self._write_json("model.json", model)

    def clear_failures(self) -> None:
        self._update_model(fail={})

    def add_storage(self, name: str, location: str, kind: str = "filesystem") -> str:
        model = self._read_json("model.json", {})
        storage = model.setdefault("storage", {})
        index = len([s for s in storage if s.split("/")[0] == name])
        ident = f"{name}/{index}"
        storage[ident] = {"kind": kind, "location": location}
        self._write_json("model.json", model)
        return ident

    # -- relations ------------------------------------------------------------------------------
    def _endpoints(self) -> Dict[str, str]:
        out = {}
        for role in ("provides", "requires", "peers"):
            for name in self.metadata.get(role) or {}:
                out[name] = role
        return out

    def add_relation(
        self,
        endpoint: str,
        remote_app: str,
        units: Union[Sequence[str], int] = (),
        app_data: Optional[Mapping[str, str]] = None,
        unit_data: Optional[Mapping[str, Mapping[str, str]]] = None,
    ) -> int:
        """Create a relation (no hooks run); ``units`` are remote unit names or a count."""
        if endpoint not in self._endpoints():
            raise ValueError(f"metadata.yaml has no endpoint {endpoint!r} ({sorted(self._endpoints())})")
        if isinstance(units, int):
            units = [f"{remote_app}/{i}" for i in range(units)]
        store = self._relation_index()
        rel_id = int(store["next_id"])
        store["next_id"] = rel_id + 1
        data: Dict[str, Dict[str, str]] = {remote_app: _strings(app_data or {})}
        for unit in units:
            data[unit] = _strings((unit_data or {}).get(unit, {}))
        for unit in unit_data or {}:
            if unit not in units:
                raise ValueError(f"unit_data for {unit!r}, which is not among units {list(units)}")
        store["relations"][str(rel_id)] = {"endpoint": endpoint, "remote_app": remote_app, "units": list(units)}
        self._write_relation_data(rel_id, data)  # before the index names the relation
        self._write_json("relations.json", store)
        return rel_id

    def update_relation(
        self,
        relation_id: int,
        app_data: Optional[Mapping[str, str]] = None,
        unit_data: Optional[Mapping[str, Mapping[str, str]]] = None,
        units: Optional[Sequence[str]] = None,
    ) -> None:
        """Change the remote side's data (an empty value deletes a key) or its unit list."""
        store = self._relation_index()
        rel = store["relations"][str(relation_id)]
        data = self._relation_data(relation_id)
        for member, changes in [(rel["remote_app"], app_data or {}), *list((unit_data or {}).items())]:
            bag = data.setdefault(member, {})
            for k, v in changes.items():
                if v == "" or v is None:
                    bag.pop(k, None)
                else:
                    bag[k] = str(v)
        self._write_relation_data(relation_id, data)
        if units is not None:
            rel["units"] = list(units)
            self._write_json("relations.json", store)

    def add_remote_unit(self, relation_id: int, unit: str,
                        data: Optional[Mapping[str, str]] = None) -> None:
        """A remote unit joins the relation (a peer unit, for a peer relation); no hooks run."""
        store = self._relation_index()
        rel = store["relations"][str(relation_id)]
        if unit.split("/")[0] != rel["remote_app"] or unit in rel["units"]:
            raise ValueError(f"{unit!r} is not a new unit of {rel['remote_app']!r}")
        rel["units"].append(unit)
        bags = self._relation_data(relation_id)
        bags[unit] = _strings(data or {})
        self._write_relation_data(relation_id, bags)
        self._write_json("relations.json", store)

    def set_goal_units(self, units: Sequence[str]) -> None:
        """Further units of this application that ``goal-state`` lists (ops' planned_units)."""
        self._update_model(goal_units=list(units))

    def remove_relation(self, relation_id: int) -> List[HookResult]:
        """``juju remove-relation``: departed for each remote unit, then broken; then it is gone."""
        rel = self._relation(relation_id)
        results = []
        for unit in list(rel["units"]):
            remaining = [u for u in rel["units"] if u != unit]
            self.update_relation(relation_id, units=remaining)
            rel["units"] = remaining
            results.append(self.run_hook(f"{rel['endpoint']}-relation-departed", relation_id=relation_id,
                                         remote_unit=unit, departing_unit=unit))
        results.append(self.run_hook(f"{rel['endpoint']}-relation-broken", relation_id=relation_id))
        store = self._relation_index()
        store["relations"].pop(str(relation_id), None)
        self._write_json("relations.json", store)
        (self.state_dir / self._relation_data_name(relation_id)).unlink(missing_ok=True)
        return results

    def _relation_index(self) -> Dict[str, Any]:
        """relations.json: ``next_id``, and each relation's endpoint, remote app and units."""
        index: Dict[str, Any] = self._read_json("relations.json", {"next_id": 0, "relations": {}})
        return index

    @staticmethod
    def _relation_data_name(relation_id: int) -> str:
        return f"relations/{int(relation_id)}.json"

    def _relation_data(self, relation_id: int) -> Dict[str, Dict[str, str]]:
        """The relation's own data file: ``{member: {key: value}}``."""
        data: Dict[str, Dict[str, str]] = self._read_json(self._relation_data_name(relation_id), {})
        return data

    def _write_relation_data(self, relation_id: int, data: Mapping[str, Mapping[str, str]]) -> None:
        (self.state_dir / "relations").mkdir(exist_ok=True)
        self._write_json(self._relation_data_name(relation_id), data)

    def _relation(self, relation_id: int) -> Dict[str, Any]:
        """The relation's entry in the index (endpoint, remote_app, units)."""
        try:
            return dict(self._relation_index()["relations"][str(relation_id)])
        except KeyError:
            raise KeyError(f"no relation {relation_id}") from None

    def relation_ids(self, endpoint: str) -> List[int]:
        store = self._relation_index()
        return sorted(int(i) for i, r in store["relations"].items() if r["endpoint"] == endpoint)

    def relation_data(self, relation_id: int, member: str) -> Dict[str, str]:
        """The bag of ``member`` (a unit or application name, local or remote)."""
        self._relation(relation_id)  # KeyError for an unknown relation, as before
        return dict(self._relation_data(relation_id).get(member, {}))

    # -- running hooks and actions --------------------------------------------------------------
    def _base_env(self, dispatch_path: str, hook_name: str) -> Dict[str, str]:
        self._runs += 1
        env = {
            "PATH": os.pathsep.join(
                [str(self.tools_dir), os.path.dirname(sys.executable), "/usr/bin", "/bin"]),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "HOOKTOOL_STATE": str(self.state_dir),
            "JUJU_DISPATCH_PATH": dispatch_path,
            "JUJU_HOOK_NAME": hook_name,
            "JUJU_UNIT_NAME": self.unit,
            "JUJU_MODEL_NAME": self.model,
            "JUJU_MODEL_UUID": self.model_uuid,
            "JUJU_VERSION": self.juju_version,
            "JUJU_CHARM_DIR": str(self.charm_dir),
            "CHARM_DIR": str(self.charm_dir),
            "JUJU_CONTEXT_ID": f"{self.unit}-{hook_name or dispatch_path}-{self._runs}",
        }
        env.update(self.extra_env)
        return env

    def tool_seconds(self, tool: str, *args: str, rounds: int = 9) -> float:
        """The median wall time of one call of hook tool ``tool`` here (a Python process per
        call, where Juju's tools are one Go binary): what a hook's tool calls cost in it."""
        env = self._base_env("hooks/measure", "measure")
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            subprocess.run([str(self.tools_dir / tool), *args], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        return sorted(times)[len(times) // 2]

    def run_hook(
        self,
        name: str,
        relation_id: Optional[int] = None,
        remote_unit: Optional[str] = None,
        remote_app: Optional[str] = None,
        departing_unit: Optional[str] = None,
        storage_id: Optional[str] = None,
        **env: str,
    ) -> HookResult:
        """Run ``./dispatch`` for hook ``name``; extra keyword arguments become env variables.

        For ``<endpoint>-relation-*`` hooks the relation defaults to the endpoint's only one
        and the remote unit to its first unit; for ``<name>-storage-*`` hooks the storage
        instance defaults to the only one of that name.
        """
        hook_env = self._base_env(f"hooks/{name}", name)
        rel_match = _RELATION_HOOK.match(name)
        if rel_match and rel_match.group("endpoint") in self._endpoints():
            endpoint, kind = rel_match.group("endpoint"), rel_match.group("kind")
            if relation_id is None:
                ids = self.relation_ids(endpoint)
                if len(ids) != 1:
                    raise ValueError(f"{name}: say which relation_id; {endpoint!r} has relations {ids}")
                relation_id = ids[0]
            rel = self._relation(relation_id)
            if remote_unit is None and kind in ("joined", "changed", "departed") and rel["units"]:
                remote_unit = rel["units"][0]
            if kind == "departed" and departing_unit is None:
                departing_unit = remote_unit
            hook_env["JUJU_RELATION"] = endpoint
            hook_env["JUJU_RELATION_ID"] = f"{endpoint}:{relation_id}"
            hook_env["JUJU_REMOTE_APP"] = remote_app or rel["remote_app"]
            hook_env["JUJU_REMOTE_UNIT"] = remote_unit or ""
            if departing_unit:
                hook_env["JUJU_DEPARTING_UNIT"] = departing_unit
        storage_match = _STORAGE_HOOK.match(name)
        if storage_match:
            storage = self._read_json("model.json", {}).get("storage") or {}
            if storage_id is None:
                instances = [s for s in storage if s.split("/")[0] == storage_match.group("storage")]
                if len(instances) != 1:
                    raise ValueError(f"{name}: say which storage_id; instances: {instances}")
                storage_id = str(instances[0])
            hook_env["JUJU_STORAGE_ID"] = storage_id
            if storage_id in storage:
                hook_env["JUJU_STORAGE_LOCATION"] = storage[storage_id]["location"]
                hook_env["JUJU_STORAGE_KIND"] = storage[storage_id].get("kind", "filesystem")
        hook_env.update(env)
        return self._dispatch("hook", name, hook_env)

    def run_action(self, name: str, params: Optional[Mapping[str, Any]] = None) -> HookResult:
        """Run action ``name`` (``juju run-action``); params are checked against actions.yaml."""
        params = self._action_params(name, dict(params or {}))
        self._runs += 1
        action_id = str(self._runs)
        self._update_model(action={"name": name, "params": params, "id": action_id})
        (self.state_dir / "action-out.json").unlink(missing_ok=True)
        env = self._base_env(f"actions/{name}", "")
        env.update({"JUJU_ACTION_NAME": name, "JUJU_ACTION_UUID": action_id,
                    "JUJU_ACTION_TAG": f"action-{action_id}"})
        try:
            result = self._dispatch("action", name, env)
        finally:
            self._update_model(action=None)
        out = self._read_json("action-out.json", {"results": {}, "logs": [], "failed": None})
        result.action_results = out["results"]
        result.action_logs = out["logs"]
        result.action_failure = out["failed"]
        if result.returncode != 0 and result.action_failure is None:
            result.action_failure = f"exit status {result.returncode}"
        return result

    def _action_params(self, name: str, params: Dict[str, Any]) -> Dict[str, Any]:
        if name not in self.actions_meta:
            raise ValueError(f"actions.yaml has no action {name!r} ({sorted(self.actions_meta)})")
        meta = self.actions_meta[name] or {}
        schema = meta.get("params") or {}
        types: Dict[str, Union[type, Tuple[type, ...]]] = {
            "string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
            "object": dict,
        }
        for key, value in params.items():
            if key not in schema:
                if meta.get("additionalProperties", True) is False:
                    raise ValueError(f"action {name!r}: unknown parameter {key!r}")
                continue
            want = types.get((schema[key] or {}).get("type", ""))
            bad_bool = isinstance(value, bool) and want in (int, (int, float))
            if want is not None and (not isinstance(value, want) or bad_bool):
                raise ValueError(f"action {name!r}: parameter {key!r} must be {schema[key]['type']}")
        merged = {k: v["default"] for k, v in schema.items() if isinstance(v, dict) and "default" in v}
        merged.update(params)
        missing = [k for k in meta.get("required") or [] if k not in merged]
        if missing:
            raise ValueError(f"action {name!r}: missing required parameters {missing}")
        return merged

    def _dispatch(self, kind: str, name: str, env: Dict[str, str]) -> HookResult:
        snapshot = self._snapshot()
        first_call = len(self.calls())
        proc = subprocess.Popen(
            ["./dispatch"], cwd=self.charm_dir, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=self.hook_timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            try:
                out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:  # a child that left the group still holds the pipes
                proc.kill()
                proc.wait()
                out, err = b"", b"(output lost: a child process of the hook still holds its pipes)"
            calls = self.calls()[first_call:]
            partial = HookResult(kind, name, self.unit, -9, out.decode(errors="replace"),
                                 err.decode(errors="replace"), calls)
            message = f"{kind} {name} still running after {self.hook_timeout}s; killed\n{partial}"
            raise HookTimeout(message) from None
        except BaseException:
            _kill_group(proc)
            proc.wait()
            raise
        rolled_back = proc.returncode != 0
        if rolled_back:
            self._restore(snapshot)
        return HookResult(kind, name, self.unit, proc.returncode, out.decode(errors="replace"),
                          err.decode(errors="replace"), self.calls()[first_call:], rolled_back)

    def _committed_files(self) -> List[str]:
        """COMMIT_FILES and the data files now in COMMIT_DIRS, relative to the state directory."""
        found = [f"{d}/{path.name}" for d in COMMIT_DIRS for path in sorted((self.state_dir / d).glob("*.json"))]
        return [*COMMIT_FILES, *found]

    def _snapshot(self) -> Dict[str, Optional[bytes]]:
        """What a failed hook's state is restored from: each committed file's bytes (None: absent)."""
        return {f: (self.state_dir / f).read_bytes() if (self.state_dir / f).exists() else None
                for f in self._committed_files()}

    def _restore(self, snapshot: Mapping[str, Optional[bytes]]) -> None:
        for name in self._committed_files():  # relation data files the hook wrote first
            if name not in snapshot:
                (self.state_dir / name).unlink()
        for name, content in snapshot.items():
            path = self.state_dir / name
            if content is None:
                path.unlink(missing_ok=True)
            elif not path.exists() or path.read_bytes() != content:
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(content)
        count = self.pod_spec_count()
        for path in self.state_dir.glob("*-[0-9]*.yaml"):
            m = re.match(r"(pod-spec|k8s-resources)-(\d+)\.yaml$", path.name)
            if m and int(m.group(2)) > count:
                path.unlink()

    # -- what the charm did ---------------------------------------------------------------------
    def pod_spec(self) -> Optional[Tuple[Dict[str, Any], Dict[str, Any]]]:
        """The latest pod spec and k8s resources (``{}`` if none were given), or None."""
        spec = self.state_dir / "pod-spec.yaml"
        if not spec.exists():
            return None
        return _load_yaml(spec), _load_yaml(self.state_dir / "k8s-resources.yaml")

    def pod_spec_count(self) -> int:
        """How many pod specs Juju accepted (failed hooks' specs do not count)."""
        return int(self._read_json("pod-specs.json", {"count": 0})["count"])

    def pod_spec_text(self, n: Optional[int] = None) -> str:
        """The YAML text ops passed to pod-spec-set (call ``n``, or the latest)."""
        name = f"pod-spec-{n}.yaml" if n else "pod-spec.yaml"
        return (self.state_dir / name).read_text()

    def unit_status(self) -> Tuple[str, str]:
        entry = self._read_json("status.json", {}).get("unit") or {"status": "unknown", "message": ""}
        return entry["status"], entry["message"]

    def app_status(self) -> Tuple[str, str]:
        entry = self._read_json("status.json", {}).get("app") or {"status": "unknown", "message": ""}
        return entry["status"], entry["message"]

    def status_history(self) -> List[Tuple[str, str, str]]:
        """(``unit`` or ``app``, status, message) for every status-set, oldest first."""
        history = self._read_json("status.json", {}).get("history") or []
        return [(h["who"], h["status"], h["message"]) for h in history]

    def calls(self, tool: Optional[str] = None) -> List[Dict[str, Any]]:
        path = self.state_dir / "calls.jsonl"
        if not path.exists():
            return []
        calls = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [c for c in calls if tool is None or c["tool"] == tool]

    def tool_timings(self) -> List[Dict[str, Any]]:
        """``{"tool", "cpu", "wall"}`` per hook-tool call so far (see hooktool.py), oldest first."""
        path = self.state_dir / "timings.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def juju_log(self) -> List[str]:
        """``LEVEL message`` for every juju-log call so far."""
        return [_log_line(c) for c in self.calls("juju-log")]

    def app_version(self) -> Optional[str]:
        path = self.state_dir / "app-version"
        return path.read_text() if path.exists() else None

    def opened_ports(self) -> List[str]:
        return list(self._read_json("ports.json", []))

    def charm_state(self) -> Dict[str, str]:
        """What the charm stored with state-set (ops ``use_juju_for_storage=True``)."""
        return dict(self._read_json("juju-state.json", {}))


def _strings(bag: Mapping[str, Any]) -> Dict[str, str]:
    return {str(k): str(v) for k, v in bag.items()}


def _kill_group(proc: "subprocess.Popen[bytes]") -> None:
    """Kill the hook and any hook tool it started (its own process group, by pid)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
