#!/usr/bin/env python3
"""Test double for Juju's hook tools (is-leader, config-get, pod-spec-set, relation-get, ...).

One script, symlinked under every tool name; it acts on ``basename(argv[0])``.  JujuSim installs
it with the test interpreter (``#!<python> -E``) as its first line, so PyYAML is at hand and the
charm's own ``PYTHONPATH`` does not leak in.  Python 3.8+.

State lives in the directory named by ``HOOKTOOL_STATE`` (JSON files, written atomically):

``model.json`` (written by the test): ``leader``, ``config`` (option -> value), ``network``
(address), ``action`` (``{"name", "params"}``), ``storage`` (``{"data/0": {"kind", "location"}}``),
``goal_units``, ``fail`` (tool -> stderr, or ``{"stderr", "returncode", "times"}``).
``relations.json``, the index: ``{"next_id": N, "relations": {"<id>": {"endpoint", "remote_app",
"units"}}}``; ``relations/<id>.json``, each relation's data: ``{member: {key: value}}``, a member
being a unit or application name.  One file per relation, so that a call reads (and relation-set
rewrites) only its relation's data: a hook reading 1,000 relations makes ~12,000 calls.
relation-ids, relation-list and goal-state read the index only; relation-get and relation-set
the index and their relation's data file.
``resources/<name>/content.yaml``: what ``resource-get <name>`` points at.
Written here: ``calls.jsonl`` (one ``{"tool", "argv", "stdin", "returncode"}`` per call),
``status.json``, ``pod-spec-<n>.yaml`` / ``k8s-resources-<n>.yaml`` (copies: ops deletes the
originals right after the call) plus ``pod-spec.yaml`` / ``k8s-resources.yaml`` (latest) and
``pod-specs.json`` (count), ``juju-state.json`` (state-set), ``action-out.json``,
``juju-log.txt``, ``app-version``, ``ports.json``, ``leader-settings.json``, and
``timings.jsonl`` (one ``{"tool", "cpu", "wall"}`` per call: this process's CPU seconds and the
seconds since it was forked, both up to its last record, so that a benchmark can take each
call's own cost out of a hook's time; ``wall`` is null without Linux' /proc).

Behaviour follows Juju 2.9 and 3.6 (``JUJU_VERSION``) as docs/juju-podspec-reference.md section 8
describes; error messages are Juju's where known, else Juju-like.
"""

import json
import os
import re
import resource
import sys
import time

SETTABLE_STATUSES = ("maintenance", "blocked", "waiting", "active")


class ToolError(Exception):
    """Ends the tool: ``message`` goes to stderr, the exit code is ``code``."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.message = message if message.startswith("ERROR") else "ERROR " + message
        self.code = code


def _yaml():
    """PyYAML, imported by the tools that read or write YAML only: its import is a third of a
    call's time, and most calls (ops asks for JSON) need none."""
    import yaml

    return yaml


def load_mapping(text, what):
    """A YAML (or JSON) mapping of strings, read as Juju reads ``--file``: scalars stay text."""
    yaml = _yaml()
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)  # BaseLoader builds str, list, dict only
    except yaml.YAMLError as err:
        raise ToolError(f"cannot parse {what}: yaml: {err}".replace("\n", " ")) from None
    if data is None or data == "":
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ToolError(f"cannot parse {what}: yaml: cannot unmarshal into map[string]string")
    return data


# -- State files -----------------------------------------------------------------------------


class State:
    def __init__(self, directory):
        self.dir = directory

    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name, default):
        try:
            with open(self.path(name), encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return default

    def write(self, name, data):
        write_atomic(self.path(name), json.dumps(data, indent=1, sort_keys=True) + "\n")

    def model(self):
        return self.read("model.json", {})


def read_file(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write_atomic(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def now():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int((t % 1) * 1e6):06d}Z"


def unit_name():
    name = os.environ.get("JUJU_UNIT_NAME", "")
    if "/" not in name:
        raise ToolError("JUJU_UNIT_NAME is not set (not running in a hook context)")
    return name


def app_name():
    return unit_name().split("/")[0]


def is_leader(state):
    return bool(state.model().get("leader", False))


# -- Argument parsing, gnuflag style: flags may come anywhere, "--" ends them. ---------------

_FLAG_ALIASES = {"r": "relation", "l": "log-level", "s": "storage", "o": "output", "a": "all"}


def parse_args(args, value_flags=(), bool_flags=()):
    """Return (options, positionals); unknown flags fail as gnuflag does."""
    value_flags = set(value_flags) | {"format", "output"}
    opts = {}
    pos = []
    i = 0
    dashdash = False
    while i < len(args):
        a = args[i]
        i += 1
        if dashdash or a == "-" or not a.startswith("-"):
            pos.append(a)
            continue
        if a == "--":
            dashdash = True
            continue
        name, eq, val = a.lstrip("-").partition("=")
        name = _FLAG_ALIASES.get(name, name)
        if name in value_flags:
            if not eq:
                if i >= len(args):
                    raise ToolError(f"option needs an argument: {a}", 2)
                val = args[i]
                i += 1
            opts[name] = val
        elif name in bool_flags:
            if eq:
                if val.lower() not in ("true", "false", "1", "0", "t", "f"):
                    raise ToolError(f'invalid boolean value "{val}" for option {a}', 2)
                opts[name] = val.lower() in ("true", "1", "t")
            else:
                opts[name] = True
        else:
            raise ToolError("option provided but not defined: {}".format(a.split("=")[0]), 2)
    return opts, pos


def render(value, opts):
    """Format output as Juju does: ``--format=json``, ``yaml``, or "smart" (the default)."""
    fmt = opts.get("format", "smart")
    if fmt not in ("json", "yaml", "smart"):
        raise ToolError(f'invalid value "{fmt}" for option --format: unknown format "{fmt}"', 2)
    strings = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if fmt == "json":
        text = json.dumps(value) + "\n"
    elif fmt == "yaml" or (isinstance(value, (dict, list)) and not strings):
        text = _yaml().safe_dump(value, default_flow_style=False) if value or fmt == "yaml" else ""
    elif strings:
        text = "".join(v + "\n" for v in value)
    elif isinstance(value, bool):
        text = ("True" if value else "False") + "\n"
    elif value is None:
        text = ""
    else:
        text = str(value) if str(value).endswith("\n") else f"{value}\n"
    if opts.get("output"):
        with open(opts["output"], "w", encoding="utf-8") as f:
            f.write(text)
        return ""
    return text


# -- Tools -----------------------------------------------------------------------------------


def charm_file(name):
    charm_dir = os.environ.get("JUJU_CHARM_DIR") or os.environ.get("CHARM_DIR") or "."
    return os.path.join(charm_dir, name)


def read_charm_yaml(name):
    if not os.path.exists(charm_file(name)):
        return {}
    return _yaml().safe_load(read_file(charm_file(name))) or {}


def current_config(state, include_unset=False):
    options = (read_charm_yaml("config.yaml").get("options") or {})
    values = {name: (option or {}).get("default") for name, option in options.items()}
    values.update(state.model().get("config") or {})
    return {k: v for k, v in values.items() if include_unset or v is not None}


def tool_is_leader(state, args, stdin):
    return render(is_leader(state), parse_args(args)[0])


def tool_config_get(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("all",))
    config = current_config(state, include_unset=bool(opts.get("all")))
    return render(config.get(pos[0]) if pos else config, opts)


def tool_resource_get(state, args, stdin):
    _, pos = parse_args(args)
    if len(pos) != 1:
        raise ToolError("resource-get expects exactly one resource name", 2)
    name = pos[0]
    declared = read_charm_yaml("metadata.yaml").get("resources") or {}
    path = state.path(os.path.join("resources", name, "content.yaml"))
    if declared and name not in declared:
        raise ToolError(f'could not download resource: resource "{name}" not found')
    if not os.path.exists(path):
        raise ToolError(
            "could not download resource: HTTP request failed: Get "
            "https://10.0.0.1:17070/model/{}/units/unit-{}/resources/{}: resource#{}/{} not found".format(
                os.environ.get("JUJU_MODEL_UUID", ""), unit_name().replace("/", "-"), name, app_name(), name))
    return path + "\n"


def tool_pod_spec_set(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("file", "k8s-resources"))
    if pos:
        raise ToolError(f"unrecognized args: {pos}", 2)
    if not is_leader(state):
        raise ToolError("this unit is not the leader")
    spec_file = opts.get("file")
    if not spec_file:
        raise ToolError("no pod spec specified: use --file", 2)
    try:
        spec_text, k8s_text = (read_file(f) if f else None for f in (spec_file, opts.get("k8s-resources")))
    except OSError as err:
        raise ToolError(f"cannot read spec: {err}") from None
    # Juju joins the two files as text and parses the result (reference section 1.1). A key in
    # both loses one section: stricter than Juju may be, but a charm bug either way.
    yaml = _yaml()
    try:
        parsed, k8s = (yaml.safe_load(t or "{}") for t in (spec_text, k8s_text))
    except yaml.YAMLError as err:
        raise ToolError(f"cannot parse pod spec: yaml: {err}") from None
    if not isinstance(parsed, dict) or not isinstance(k8s, dict):
        raise ToolError("cannot parse pod spec: not a mapping")
    dup = sorted(set(parsed) & set(k8s))
    if dup:
        raise ToolError(f"cannot parse pod spec: top-level key {', '.join(dup)} appears in both --file "
                        "and --k8s-resources (Juju concatenates the files; test-double check)")
    if parsed.get("version", 0) not in (0, 2, 3):
        raise ToolError("latest supported version 3, but got {}".format(parsed.get("version")))
    n = state.read("pod-specs.json", {"count": 0})["count"] + 1
    for name, text in (("pod-spec", spec_text), ("k8s-resources", k8s_text)):
        if text is not None:
            write_atomic(state.path(f"{name}-{n}.yaml"), text)
            write_atomic(state.path(f"{name}.yaml"), text)
        elif os.path.exists(state.path(f"{name}.yaml")):
            os.unlink(state.path(f"{name}.yaml"))
    state.write("pod-specs.json", {"count": n})
    return ""


def tool_status_set(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("application",))
    if not pos or len(pos) > 2:
        raise ToolError("invalid args, require <status> [message] [data]" if not pos
                        else f"unrecognized args: {pos[2:]}", 2)
    status, message = pos[0], (pos[1] if len(pos) > 1 else "")
    if status not in SETTABLE_STATUSES:
        raise ToolError(f'invalid status "{status}", expected one of [{" ".join(SETTABLE_STATUSES)}]')
    is_app = bool(opts.get("application"))
    if is_app and not is_leader(state):
        raise ToolError("setting application status: this unit is not the leader")
    data = state.read("status.json", {"history": []})
    who = "app" if is_app else "unit"
    data[who] = {"status": status, "message": message, "since": now()}
    data["history"].append({"who": who, "status": status, "message": message})
    state.write("status.json", data)
    return ""


def _status_of(data, who):
    entry = data.get(who) or {"status": "unknown", "message": ""}
    return {"status": entry["status"], "message": entry["message"], "status-data": {}}


def tool_status_get(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("application", "include-data"))
    data = state.read("status.json", {"history": []})
    if opts.get("application"):
        if not is_leader(state):
            raise ToolError("finding application status: this unit is not the leader")
        app = _status_of(data, "app")
        app["units"] = {unit_name(): _status_of(data, "unit")}
        value = {"application-status": app}
    else:
        value = _status_of(data, "unit")
        if not opts.get("include-data"):
            value.pop("status-data")
    if pos and pos[0] in ("status", "message"):
        value = value[pos[0]] if not opts.get("application") else value["application-status"][pos[0]]
    return render(value, opts)


def tool_juju_log(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("log-level",), bool_flags=("debug",))
    level = opts.get("log-level", "DEBUG" if opts.get("debug") else "INFO")
    with open(state.path("juju-log.txt"), "a", encoding="utf-8") as f:
        f.write(f"{unit_name()} {level}: {' '.join(pos)}\n")
    return ""


def tool_application_version_set(state, args, stdin):
    _, pos = parse_args(args)
    if len(pos) != 1:
        raise ToolError("application-version-set expects one version", 2)
    write_atomic(state.path("app-version"), pos[0])
    return ""


# -- relations (Juju's relation-*.go, 2.9 and 3.6 alike) -----------------------------------


def relations(state):
    """The relation index: ids, endpoints, remote applications and units, no data."""
    return state.read("relations.json", {"next_id": 0, "relations": {}})


def relation_data_name(number):
    """Relation ``number``'s data file, relative to the state directory."""
    return os.path.join("relations", f"{number}.json")


def relation_data(state, number):
    """``{member: {key: value}}`` of relation ``number`` (its own file only)."""
    return state.read(relation_data_name(number), {})


def juju_major():
    return int((os.environ.get("JUJU_VERSION") or "2").split(".")[0])


def find_relation(store, ref):
    """The relation for ``-r`` (``N`` or ``endpoint:N``: Juju reads the number only)."""
    ref = ref if ref is not None else os.environ.get("JUJU_RELATION_ID", "")
    if not ref:
        raise ToolError("no relation id specified", 2)
    number = ref.rpartition(":")[2]
    if not number.isdigit():
        raise ToolError(f'invalid value "{ref}" for option -r: invalid relation id', 2)
    rel = store["relations"].get(str(int(number)))
    if rel is None:
        raise ToolError(f'invalid value "{ref}" for option -r: relation not found', 2)
    return str(int(number)), rel


def tool_relation_ids(state, args, stdin):
    opts, pos = parse_args(args)
    endpoint = pos[0] if pos else os.environ.get("JUJU_RELATION", "")
    if not endpoint:
        raise ToolError("no endpoint name specified", 2)
    if len(pos) > 1:
        raise ToolError(f"unrecognized args: {pos[1:]}", 2)
    rels = sorted(relations(state)["relations"].items(), key=lambda kv: int(kv[0]))
    return render([f"{endpoint}:{n}" for n, rel in rels if rel["endpoint"] == endpoint], opts)


def tool_relation_list(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("relation",), bool_flags=("app",))
    if pos:
        raise ToolError(f"unrecognized args: {pos}", 2)
    _, rel = find_relation(relations(state), opts.get("relation"))
    return render(rel["remote_app"] if opts.get("app") else list(rel["units"]), opts)


def tool_relation_get(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("relation",), bool_flags=("app",))
    number, rel = find_relation(relations(state), opts.get("relation"))
    key = pos[0] if pos and pos[0] != "-" else ""
    default = "JUJU_REMOTE_APP" if opts.get("app") else "JUJU_REMOTE_UNIT"
    member = pos[1] if len(pos) > 1 else os.environ.get(default, "")
    if len(pos) > 2:
        raise ToolError(f"unrecognized args: {pos[2:]}", 2)
    if not member:
        raise ToolError("no unit or application specified", 2)
    if opts.get("app"):
        own = member == app_name()
        if member != rel["remote_app"] and not own:
            raise ToolError("permission denied")
        if own and rel["remote_app"] != app_name() and not is_leader(state):
            raise ToolError("permission denied")
    elif member not in (unit_name(), os.environ.get("JUJU_DEPARTING_UNIT")) and member not in rel["units"]:
        raise ToolError(f'cannot read settings for unit "{member}" in relation "{rel["endpoint"]}:'
                        f'{rel["remote_app"]}": unit "{member}": settings not found')
    bag = dict(relation_data(state, number).get(member, {}))
    return render(bag.get(key) if key else bag, opts)


def read_settings(opts, pos, stdin, what):
    """Settings of relation-set/state-set: a YAML or JSON mapping from --file (- is stdin), then key=value."""
    settings = {}
    if opts.get("file"):
        try:
            text = (stdin or "") if opts["file"] == "-" else read_file(opts["file"])
        except OSError as err:
            raise ToolError(f"open {opts['file']}: {err.strerror.lower()}") from None
        settings.update(load_mapping(text, what))
    for kv in pos:
        k, eq, v = kv.partition("=")
        if not eq or not k:
            raise ToolError(f'expected "key=value", got "{kv}"', 2)
        settings[k] = v
    return settings


def merge(bag, settings):
    """Juju's rule for relation-set, state-set and leader-set: a key set to "" is deleted."""
    for k, v in settings.items():
        if v == "":
            bag.pop(k, None)
        else:
            bag[k] = v
    return bag


def tool_relation_set(state, args, stdin):
    # Juju still accepts --format here (deprecated, no effect).
    opts, pos = parse_args(args, value_flags=("relation", "file"), bool_flags=("app",))
    number, _ = find_relation(relations(state), opts.get("relation"))
    settings = read_settings(opts, pos, stdin, "relation settings")
    if opts.get("app") and not is_leader(state):
        raise ToolError("cannot write relation settings")
    data = relation_data(state, number)
    merge(data.setdefault(app_name() if opts.get("app") else unit_name(), {}), settings)
    os.makedirs(state.path("relations"), exist_ok=True)
    state.write(relation_data_name(number), data)
    return ""


def tool_relation_model_get(state, args, stdin):
    opts, _ = parse_args(args, value_flags=("relation",))
    find_relation(relations(state), opts.get("relation"))
    return render({"uuid": os.environ.get("JUJU_MODEL_UUID", "")}, opts)


def tool_network_get(state, args, stdin):
    flags = ("ingress-address", "bind-address", "egress-subnets", "primary-address")
    opts, pos = parse_args(args, value_flags=("relation",), bool_flags=flags)
    if len(pos) != 1:
        raise ToolError("no arguments specified" if not pos else f"unrecognized args: {pos[1:]}", 2)
    if opts.get("relation") is not None:
        find_relation(relations(state), opts["relation"])
    meta = read_charm_yaml("metadata.yaml")
    bindings = {n for role in ("provides", "requires", "peers", "extra-bindings") for n in meta.get(role) or {}}
    if pos[0] not in bindings:
        raise ToolError(f'no network config found for binding "{pos[0]}"')
    address = state.model().get("network", "127.0.0.1")
    entry = {"hostname": "", "value": address, "cidr": address + "/32"}
    interface = {"mac-address": "", "interface-name": "eth0", "addresses": [entry]}
    if juju_major() < 3:  # Juju 2.9 still printed the old spellings beside the new ones
        interface.update({"macaddress": "", "interfacename": "eth0"})
    else:
        entry["address"] = address
    info = {"bind-addresses": [interface], "egress-subnets": [address + "/32"], "ingress-addresses": [address]}
    values = {"bind-address": address, "ingress-address": address, "primary-address": address,
              "egress-subnets": info["egress-subnets"]}
    asked = [f for f in flags if opts.get(f)]
    if len(asked) == 1:
        return render(values[asked[0]], opts)
    return render({f: values[f] for f in asked} if asked else info, opts)


# -- actions ----------------------------------------------------------------------------------


def current_action(state):
    action = state.model().get("action")
    if not action or not os.environ.get("JUJU_ACTION_NAME"):
        raise ToolError("not running an action")
    return action


def tool_action_get(state, args, stdin):
    opts, pos = parse_args(args)
    value = current_action(state).get("params", {})
    for key in pos[:1]:
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    return render(value, opts)


_ACTION_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_RESERVED_ACTION_KEYS = ("stdout", "stdout-encoding", "stderr", "stderr-encoding")


def _action_out(state):
    return state.read("action-out.json", {"results": {}, "logs": [], "failed": None})


def tool_action_set(state, args, stdin):
    current_action(state)
    _, pos = parse_args(args)
    out = _action_out(state)
    for kv in pos:
        k, eq, v = kv.partition("=")
        if not eq or not k:
            raise ToolError(f'argument "{kv}" must be of the form key...=value', 2)
        if not all(_ACTION_KEY.match(part) for part in k.split(".")):
            raise ToolError(f'key "{k}" must start and end with lowercase alphanumeric, and contain '
                            "only lowercase alphanumeric, hyphens and periods", 2)
        if k in _RESERVED_ACTION_KEYS:
            raise ToolError(f'cannot set reserved action key "{k}"', 2)
        node = out["results"]
        parts = k.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = v
    state.write("action-out.json", out)
    return ""


def tool_action_log(state, args, stdin):
    current_action(state)
    out = _action_out(state)
    out["logs"].append(" ".join(parse_args(args)[1]))
    state.write("action-out.json", out)
    return ""


def tool_action_fail(state, args, stdin):
    current_action(state)
    out = _action_out(state)
    out["failed"] = " ".join(parse_args(args)[1]) or "action failed without reason given, check action for errors"
    state.write("action-out.json", out)
    return ""


# -- storage ----------------------------------------------------------------------------------


def tool_storage_list(state, args, stdin):
    opts, pos = parse_args(args)
    storage = state.model().get("storage") or {}
    ids = sorted((s for s in storage if not pos or s.split("/")[0] == pos[0]),
                 key=lambda s: (s.split("/")[0], int(s.split("/")[1])))
    return render(ids, opts)


def tool_storage_get(state, args, stdin):
    if "--help" in args or "-h" in args:
        # What ops parses to learn the default storage id (_ModelBackend._STORAGE_KEY_RE).
        return "Usage: storage-get [options] [<key>]\n\nOptions:\n-s  (= {})\n".format(
            os.environ.get("JUJU_STORAGE_ID", ""))
    opts, pos = parse_args(args, value_flags=("storage",))
    ident = opts.get("storage") or os.environ.get("JUJU_STORAGE_ID", "")
    storage = state.model().get("storage") or {}
    if ident not in storage:
        raise ToolError(f'invalid value "{ident}" for option -s: storage instance "{ident}" not found', 2)
    info = {"kind": storage[ident].get("kind", "filesystem"), "location": storage[ident]["location"]}
    return render(info[pos[0]] if pos else info, opts)


def tool_storage_add(state, args, stdin):
    _, pos = parse_args(args)
    if not pos:
        raise ToolError("storage add requires a storage directive", 2)
    return ""


def tool_goal_state(state, args, stdin):
    opts, _ = parse_args(args)
    since = now()
    store = relations(state)["relations"].values()
    peers = [u for rel in store if rel["remote_app"] == app_name() for u in rel["units"]]
    units = {u: {"status": "active", "since": since}
             for u in [unit_name(), *peers, *(state.model().get("goal_units") or [])]}
    rels = {}
    for rel in store:
        entry = rels.setdefault(rel["endpoint"], {})
        entry[rel["remote_app"]] = {"status": "joined", "since": since}
        for u in rel["units"]:
            entry[u] = {"status": "joined", "since": since}
    return render({"units": units, "relations": rels}, opts)


def tool_credential_get(state, args, stdin):
    raise ToolError("cannot access cloud credentials: not supported on Kubernetes models (test double)")


# -- charm state (ops use_juju_for_storage=True) ----------------------------------------------


def tool_state_get(state, args, stdin):
    opts, pos = parse_args(args, bool_flags=("strict",))
    data = state.read("juju-state.json", {})
    if not pos or pos[0] not in data:
        if pos and opts.get("strict"):
            raise ToolError(f'"{pos[0]}" not found')
        return render(data, opts) if data and not pos else ""
    return data[pos[0]] if opts.get("format") != "json" else render(data[pos[0]], opts)


def tool_state_set(state, args, stdin):
    opts, pos = parse_args(args, value_flags=("file",))
    settings = read_settings(opts, pos, stdin, "state")
    state.write("juju-state.json", merge(state.read("juju-state.json", {}), settings))
    return ""


def tool_state_delete(state, args, stdin):
    _, pos = parse_args(args)
    if len(pos) != 1:
        raise ToolError("state-delete expects exactly one key", 2)
    state.write("juju-state.json", merge(state.read("juju-state.json", {}), {pos[0]: ""}))
    return ""


# -- ports and leader settings ----------------------------------------------------------------

_PORT = re.compile(r"^(icmp|\d+(-\d+)?(/(tcp|udp))?)$")


def _port_arg(args):
    _, pos = parse_args(args, value_flags=("endpoints",))
    if len(pos) != 1 or not _PORT.match(pos[0]):
        raise ToolError(f'invalid port "{" ".join(pos)}": expected <port>[/<protocol>], '
                        '<from>-<to>[/<protocol>] or icmp', 2)
    return pos[0] if "/" in pos[0] or pos[0] == "icmp" else pos[0] + "/tcp"


def tool_open_port(state, args, stdin):
    ports, p = state.read("ports.json", []), _port_arg(args)
    state.write("ports.json", ports + [p] * (p not in ports))
    return ""


def tool_close_port(state, args, stdin):
    p = _port_arg(args)
    state.write("ports.json", [q for q in state.read("ports.json", []) if q != p])
    return ""


def tool_opened_ports(state, args, stdin):
    return render(state.read("ports.json", []), parse_args(args, bool_flags=("endpoints",))[0])


# Juju 3 has no leader-get or leader-set (JujuSim links them for Juju 2.x only).
def tool_leader_get(state, args, stdin):
    opts, pos = parse_args(args)
    data = state.read("leader-settings.json", {})
    return render(data.get(pos[0]) if pos else data, opts)


def tool_leader_set(state, args, stdin):
    opts, pos = parse_args(args)
    settings = read_settings(opts, pos, None, "leadership settings")
    if not is_leader(state):
        raise ToolError("cannot write leadership settings: cannot write settings: not the leader")
    state.write("leader-settings.json", merge(state.read("leader-settings.json", {}), settings))
    return ""


tool_k8s_spec_set = tool_pod_spec_set
TOOLS = tuple(sorted(name[5:].replace("_", "-") for name in list(globals()) if name.startswith("tool_")))


def injected_failure(state, tool):
    """A failure the test asked for (``fail`` in model.json), or None."""
    model = state.model()
    spec = (model.get("fail") or {}).get(tool)
    if spec is None:
        return None
    spec = {"stderr": spec} if isinstance(spec, str) else spec
    if spec.get("times") is not None:
        if spec["times"] <= 0:
            return None
        model["fail"][tool] = spec = dict(spec, times=spec["times"] - 1)
        state.write("model.json", model)
    return ToolError(spec.get("stderr", "ERROR injected failure"), int(spec.get("returncode", 1)))


def record_call(state, tool, args, stdin, returncode):
    line = json.dumps({"tool": tool, "argv": [tool, *args], "stdin": stdin, "returncode": returncode})
    with open(state.path("calls.jsonl"), "a", encoding="utf-8") as f:  # one append per call
        f.write(line + "\n")


def seconds_since_fork():
    """Wall seconds since this process was forked (so with the interpreter's start), or None.

    /proc/self/stat field 22 is the start time in clock ticks after boot (proc(5)); CLOCK_BOOTTIME
    counts from the same origin. The kernel truncates the start to a whole tick (10 ms at USER_HZ
    100): half a tick is added back, so that the error, within half a tick, is zero on average
    rather than always an excess (over a hook's 40 calls, 0.2 s).
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rpartition(")")[2].split()
        started = (int(fields[19]) + 0.5) / os.sysconf("SC_CLK_TCK")  # field 22; fields[0] is field 3
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def record_timing(state, tool):
    usage = resource.getrusage(resource.RUSAGE_SELF)  # microseconds; os.times() has 10 ms ticks
    line = json.dumps({"tool": tool, "cpu": usage.ru_utime + usage.ru_stime, "wall": seconds_since_fork()})
    with open(state.path("timings.jsonl"), "a", encoding="utf-8") as f:
        f.write(line + "\n")


def main(argv):
    tool = os.path.basename(argv[0])
    state_dir = os.environ.get("HOOKTOOL_STATE")
    if not state_dir or not os.path.isdir(state_dir):
        sys.stderr.write(f"ERROR HOOKTOOL_STATE is not set to a directory (got {state_dir!r})\n")
        return 2
    state = State(state_dir)
    args = list(argv[1:])
    reads_stdin = "--file=-" in args or any(
        a == "--file" and b == "-" for a, b in zip(args, args[1:]))
    stdin = sys.stdin.read() if reads_stdin else None
    code = 0
    try:
        failure = injected_failure(state, tool)
        if failure is not None:
            raise failure
        if tool not in TOOLS:
            raise ToolError(f"unknown hook tool {tool!r} (not simulated by hooktool.py)", 127)
        sys.stdout.write(globals()["tool_" + tool.replace("-", "_")](state, args, stdin))
    except ToolError as err:
        sys.stderr.write(err.message.rstrip("\n") + "\n")
        code = err.code
    except Exception as err:
        sys.stderr.write(f"ERROR hooktool.py {tool} crashed: {type(err).__name__}: {err}\n")
        code = 70
    record_call(state, tool, args, stdin, code)
    record_timing(state, tool)
    return code


if __name__ == "__main__":
    exit_code = main(sys.argv)
    # Skips the interpreter's teardown, which record_timing could not count: what a call costs
    # is then all in timings.jsonl. Nothing is left to do but flush what was written.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
