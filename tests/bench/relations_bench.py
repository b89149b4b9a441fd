#!/usr/bin/env python3
"""Scale of metrics-endpoint relations (`make bench-relations`; the small sizes run in `make bench`).

N related applications of 10 units each (10·N targets), each application sending what a
provider charm built on cos-lib's ``MetricsEndpointProvider`` sends: ``scrape_metadata``, one
job with a ``*:8080`` target, 10 alert rules with its topology, and a unit address per unit.
``metrics-endpoint-relation-changed`` is run as Juju runs it (``./dispatch``, the hook-tool
doubles of ``scripts/localrun``) for this charm and for a do-nothing ops charm that reads
every bag of every relation through ops, as ours must: Juju has no batch relation read, so
those ``relation-get`` calls are the floor, not ours to save. Ours runs it *warm* (earlier
hooks judged every relation's rules, kept in ``.rules-judgements.json``; the hook's relation
has sent other rules since, so it alone is judged again) and *cold* (without that file, as
after the operator pod was recreated: every relation judged). Reported: the times, the
hook-tool calls of each, the ratio gross and net of the calls (the time in them is measured:
a ``sitecustomize`` in the charm's ``lib/`` adds up the hook's time in hook-tool processes
as ops sees it: what Juju's tools would cost instead is not ours to judge), the ConfigMaps ours
published against the 1 MiB a ConfigMap holds (or the status saying by how much it would not
fit), the pure core (``plan``) alone warm and cold, and the growth from 1,000 to 10,000 targets.

Sizes: ``RELATION_APPS`` (default ``1,10,100,1000``); then ``plan`` alone, warm and cold, with
and without rules, and the judgements file's costs at ``PLAN_APPS`` (default ``100,1000``;
``PLAN_APPS=`` for none), which runs no process. Each hook-tool double is a Python
process (~50 ms a call here, 1,000 relations or one: it reads the relation index and one
relation's data file), so at 1,000 applications (~12,000 calls per hook) a hook takes 12 to
13 minutes here, and ``RELATION_APPS=100,1000 RELATION_QUICK_FROM=1000`` 45 minutes in all;
Juju's own tools are one Go binary talking to the agent.
"""

import dataclasses
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from adapters.rules_cache import FILE_NAME, RulesCache, code_stamp  # noqa: E402
from domain.config.charm_config import CharmConfig  # noqa: E402
from domain.errors import DomainError  # noqa: E402
from domain.facts import Facts  # noqa: E402
from domain.kubernetes.budget import CONFIG_MAP_LIMIT, config_maps  # noqa: E402
from domain.plan import plan  # noqa: E402
from domain.relations.data import Bag, Relation  # noqa: E402
from domain.relations.endpoints import METRICS_ENDPOINT  # noqa: E402
from domain.relations.rules_memo import RulesMemo  # noqa: E402
from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object  # noqa: E402
from scripts.localrun.juju_sim import DEFAULT_MODEL_UUID, JujuSim  # noqa: E402
from tests.support.builders import make_config, make_facts  # noqa: E402

UNITS = 10
RULES = 10
IMAGE = "prom/prometheus:v2.53.0"
READING_CHARM = '''#!/usr/bin/env python3
import ops
class Reader(ops.CharmBase):
    """Does nothing but read every relation bag, as any charm reading its relations must."""
    def __init__(self, framework):
        super().__init__(framework)
        for event in (self.on.install, self.on.config_changed, self.on["metrics-endpoint"].relation_changed):
            framework.observe(event, self._read)
    def _read(self, event):
        for endpoint in self.meta.relations:
            for relation in self.model.relations[endpoint]:
                if relation.app is not None:
                    dict(relation.data[relation.app])
                for unit in relation.units:
                    dict(relation.data[unit])
if __name__ == "__main__":
    ops.main(Reader, use_juju_for_storage=True)
'''
# Put in both charms' lib/ (on the hook's PYTHONPATH): adds up the wall time the hook spends in
# hook-tool processes (ops runs each with subprocess.run) and appends it to BENCH_TOOL_TIME.
TOOL_CLOCK = '''import atexit, os, subprocess, time
_run, _spent = subprocess.run, [0.0]
def _timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return _run(*args, **kwargs)
    finally:
        _spent[0] += time.perf_counter() - start
subprocess.run = _timed
def _write():
    with open(os.environ["BENCH_TOOL_TIME"], "a") as out:
        out.write(f"{_spent[0]}\\n")
if os.environ.get("BENCH_TOOL_TIME"):
    atexit.register(_write)
'''


def app_bags(n: int, model: str = "lma", uuid: str = DEFAULT_MODEL_UUID, rules_count: int = RULES,
             for_minutes: int = 5) -> Tuple[str, Dict[str, str], Dict[str, Dict[str, str]]]:
    """Application ``n``'s name, app bag and unit bags, as cos-lib's provider writes them
    (without ``alert_rules`` when ``rules_count`` is 0; ``for_minutes``: a change of its rules)."""
    app = f"app{n}"
    topology = {"juju_model": model, "juju_model_uuid": uuid, "juju_application": app, "juju_charm": "app-k8s"}
    scope = ",".join(f'{k}="{v}"' for k, v in topology.items() if k != "juju_charm")
    rules = [{"alert": f"AppAlert{i}", "expr": f'rate(http_requests_total{{code=~"5..",{scope}}}[5m]) > {i}',
              "for": f"{for_minutes}m", "labels": dict(topology, severity="warning"),
              "annotations": {"summary": "{{ $labels.instance }} answers 5xx",
                              "description": f"{{{{ $value }}}} errors per second on {app}"}}
             for i in range(rules_count)]
    bag = {"scrape_metadata": json.dumps({"model": model, "model_uuid": uuid, "application": app,
                                          "unit": f"{app}/0", "charm_name": "app-k8s"}),
           "scrape_jobs": json.dumps([{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:8080"]}]}]),
           "alert_rules": json.dumps({"groups": [{"name": f"{model}_{uuid[:8]}_{app}_alerts", "rules": rules}]})}
    if not rules_count:
        del bag["alert_rules"]
    units = {f"{app}/{u}": {"prometheus_scrape_unit_address": f"10.{n // 250}.{n % 250}.{u + 1}",
                            "prometheus_scrape_unit_name": f"{app}/{u}"} for u in range(UNITS)}
    return app, bag, units


def relate_all(sim: JujuSim, apps: int) -> int:
    """All ``apps`` relations written to the double's store at once (``add_relation`` rewrites
    the whole index for each): the index ``relations.json`` and each relation's data file
    ``relations/<id>.json`` (hooktool.py); returns the last relation id."""
    sim.add_relation(METRICS_ENDPOINT, "app0", units=[f"app0/{u}" for u in range(UNITS)])
    path = sim.state_dir / "relations.json"
    store = json.loads(path.read_text())
    first = store["next_id"] - 1
    for n in range(apps):
        app, bag, units = app_bags(n)
        store["relations"][str(first + n)] = {"endpoint": METRICS_ENDPOINT, "remote_app": app,
                                              "units": list(units)}
        (sim.state_dir / "relations" / f"{first + n}.json").write_text(json.dumps({app: bag, **units}))
    store["next_id"] = first + apps
    path.write_text(json.dumps(store))
    return first + apps - 1


def change_rules(sim: JujuSim, relation_id: int, apps: int, round_: int) -> None:
    """The last application (the hook's relation) sends other rules: its own rules only are
    judged again by a hook that finds the others' judgements."""
    rules = app_bags(apps - 1, for_minutes=6 + round_)[1]["alert_rules"]
    sim.update_relation(relation_id, app_data={"alert_rules": rules})


def snapshots(apps: int, rules_count: int = RULES, changed: int = -1) -> Tuple[Relation, ...]:
    """The same relations as the adapter hands them to the core; application ``changed`` with
    other rules."""
    found = []
    for n in range(apps):
        app, bag, units = app_bags(n, rules_count=rules_count, for_minutes=6 if n == changed else 5)
        found.append(Relation(METRICS_ENDPOINT, n, app, Bag.of(app, bag),
                              tuple(Bag.of(unit, data) for unit, data in units.items())))
    return tuple(found)


def core_seconds(apps: int, rules_count: int = RULES) -> Tuple[float, float, str]:
    """``plan`` alone for ``apps`` relations, cold (no earlier judgements) and warm (those of an
    earlier plan, one application's rules changed since), and its verdict (ok, or the refusal)."""
    config = make_config(make_facts(IMAGE).image.version)
    stamp = code_stamp()
    cold = dataclasses.replace(make_facts(IMAGE), relations=snapshots(apps, rules_count), judged=RulesMemo(stamp))
    cold_seconds, verdict = _timed_plan(config, cold)
    warm = dataclasses.replace(cold, relations=snapshots(apps, rules_count, changed=apps - 1),
                               judged=RulesMemo(stamp, cold.judged.kept()))
    warm_seconds, _ = _timed_plan(config, warm)
    assert warm.judged.judged == (1 if rules_count else 0), warm.judged.judged
    return cold_seconds, warm_seconds, verdict


def _timed_plan(config: CharmConfig, facts: Facts) -> Tuple[float, str]:
    start = time.perf_counter()
    try:
        plan(config, facts)
        verdict = "ok"
    except DomainError as err:  # the refusal is a figure here
        verdict = f"{type(err).__name__}: {err}"
    return time.perf_counter() - start, verdict


@dataclasses.dataclass
class Run:
    apps: int
    ours: float  # warm: earlier hooks judged every relation's rules; one relation's changed since
    bare: float
    ours_calls: int
    bare_calls: int
    ours_tools: float
    bare_tools: float
    core: float  # plan alone, warm
    sizes: List[Tuple[str, int]]
    status: Tuple[str, str]
    cold: Tuple[float, int, float] = (0.0, 0, 0.0)  # ours without the judgements file: wall, calls, tools
    core_cold: float = 0.0
    cache_bytes: int = 0

    def net(self) -> Tuple[float, float]:
        return self.ours - self.ours_tools, self.bare - self.bare_tools

    def cold_net(self) -> float:
        return self.cold[0] - self.cold[2]


def reading_charm(workdir: Path) -> Path:
    charm = workdir / "reader"
    (charm / "src").mkdir(parents=True)
    for name in ("metadata.yaml", "config.yaml", "actions.yaml", "dispatch"):
        (charm / name).write_bytes((ROOT / name).read_bytes())
    (charm / "dispatch").chmod(0o755)
    (charm / "src" / "charm.py").write_text(READING_CHARM)
    (charm / "src" / "charm.py").chmod(0o755)
    return charm


def timed(sim: JujuSim, hook: str, relation_id: Optional[int] = None) -> Tuple[float, int, float]:
    """The hook's wall time, its hook-tool calls and its wall time in them."""
    clock = sim.workdir / "tool-time"
    clock.unlink(missing_ok=True)
    before = len(sim.calls())
    start = time.perf_counter()
    result = sim.run_hook(hook, relation_id=relation_id, BENCH_TOOL_TIME=str(clock))
    elapsed = time.perf_counter() - start
    assert result.ok, str(result)
    return elapsed, len(sim.calls()) - before, float(clock.read_text())


def one_size(workdir: Path, apps: int, rounds: int, env: Dict[str, str], quick: bool = False) -> Run:
    """``quick`` (the largest sizes, where a hook takes many minutes here): no ``install``
    warm-up, and the cold figure is the first hook's (which also writes every relation's
    ``event``, once), not a second cold hook's; warm and floor are measured as always."""
    ours = JujuSim(ROOT, workdir / "ours", extra_env=env)
    bare = JujuSim(reading_charm(workdir / "reader-charm"), workdir / "bare", extra_env=env)
    last = 0
    for sim in (ours, bare):
        sim.hook_timeout = 7200.0
        sim.attach_image(IMAGE)
        sim.set_leader(True)
        (sim.charm_dir / "lib").mkdir(exist_ok=True)
        (sim.charm_dir / "lib" / "sitecustomize.py").write_text(TOOL_CLOCK)
        last = relate_all(sim, apps)
        if not quick:
            timed(sim, "install")  # warm-up: state and byte-code
    hook = f"{METRICS_ENDPOINT}-relation-changed"
    # The first one writes every relation's event and judges every relation's rules.
    first = timed(ours, hook, last)
    judgements = ours.charm_dir / FILE_NAME
    ours_runs, bare_runs, cold_runs = [], [], [first] if quick else []
    for round_ in range(rounds):
        for sim in (ours, bare):
            change_rules(sim, last, apps, round_)  # the measured hook's relation sends other rules
        logged = len(ours.juju_log())
        ours_runs.append(timed(ours, hook, last))
        assert _judged(ours, logged) == 1  # warm: only the changed relation's rules
        bare_runs.append(timed(bare, hook, last))
        if quick:
            continue
        judgements.unlink()  # cold: the operator pod was recreated, its files lost
        logged = len(ours.juju_log())
        cold_runs.append(timed(ours, hook, last))
        assert _judged(ours, logged) == apps
    spec = ours.pod_spec()
    sizes = [(name, sum(len(v.encode()) for v in data.values()))
             for name, data in config_maps(spec[0], ours.app)] if spec else []
    core_cold, core, _ = core_seconds(apps)
    ours_run, bare_run = _median(ours_runs), _median(bare_runs)
    return Run(apps, ours_run[0], bare_run[0], ours_run[1], bare_run[1], ours_run[2], bare_run[2], core, sizes,
               ours.unit_status(), _median(cold_runs), core_cold, judgements.stat().st_size)


def _judged(sim: JujuSim, since: int) -> int:
    """How many relations' rules were judged since the ``since``-th log line (the debug lines)."""
    found = [re.search(r"rules judgements: (\d+) relations judged", line) for line in sim.juju_log()[since:]]
    return sum(int(match.group(1)) for match in found if match)


def _median(runs: List[Tuple[float, int, float]]) -> Tuple[float, int, float]:
    """The run of median time net of hook tools."""
    return sorted(runs, key=lambda run: run[0] - run[2])[len(runs) // 2]


def report(run: Run) -> None:
    net_o, net_b = run.net()
    print(f"{run.apps:>5} apps x {UNITS} units ({run.apps * UNITS:>6} targets, {run.apps * RULES:>6} rules): "
          f"warm: ours {run.ours:7.2f} s ({run.ours_calls} calls), reading ops charm {run.bare:7.2f} s "
          f"({run.bare_calls} calls); ratio {run.ours / run.bare:5.2f}, "
          f"net of calls {net_o:6.2f} vs {net_b:5.2f} s, ratio {net_o / net_b:5.2f}; plan alone {run.core:6.2f} s")
    print(f"      cold (no judgements file): ours {run.cold[0]:7.2f} s ({run.cold[1]} calls), net of calls "
          f"{run.cold_net():6.2f} s, ratio {run.cold_net() / net_b:5.2f}; plan alone {run.core_cold:6.2f} s; "
          f"judgements file {run.cache_bytes} bytes")
    for name, size in run.sizes:
        print(f"      ConfigMap {name}: {size} bytes ({size / CONFIG_MAP_LIMIT:.0%} of {CONFIG_MAP_LIMIT})")
    if run.status[0] != "active":
        print(f"      unit status {run.status[0]}: {run.status[1][:400]}")


def main(sizes: Sequence[int] = ()) -> None:
    sizes = sizes or tuple(int(n) for n in os.environ.get("RELATION_APPS", "1,10,100,1000").split(","))
    print(f"Python {sys.version.split()[0]}; metrics-endpoint relations, {UNITS} units and {RULES} rules each")
    runs: Dict[int, Run] = {}
    for apps in sizes:
        with tempfile.TemporaryDirectory() as tmp, FakeKubernetesApi() as api:
            workdir = Path(tmp)
            api.set_pods("lma", [pod_object("prometheus-0", "prometheus", "prometheus/0", None, ready=False)])
            env = {"KUBECONFIG": str(api.write_kubeconfig(workdir / "kubeconfig"))}
            runs[apps] = one_size(workdir, apps, rounds=3 if apps <= 10 else 1, env=env,
                                  quick=apps >= int(os.environ.get("RELATION_QUICK_FROM", "1000")))
        report(runs[apps])
        sys.stdout.flush()
    if 100 in runs and 1000 in runs:
        small, large = runs[100].net()[0], runs[1000].net()[0]
        print(f"growth from 1,000 to 10,000 targets (net of calls, warm): {large / small:.1f}x; "
              f"plan alone {runs[1000].core / runs[100].core:.1f}x")


def plan_alone(sizes: Sequence[int]) -> None:
    """``plan`` alone, cold and warm, with and without rules (no process is run), the
    judgements file's size and what loading and saving it take."""
    warm: Dict[int, float] = {}
    for apps in sizes:
        for rules_count in (RULES, 0):
            cold_seconds, warm_seconds, verdict = core_seconds(apps, rules_count)
            warm[apps] = warm_seconds if rules_count else warm.get(apps, 0.0)
            print(f"plan alone, {apps:>5} apps x {UNITS} units, {rules_count:>2} rules each: "
                  f"cold {cold_seconds:6.2f} s, warm {warm_seconds:6.2f} s; {verdict[:160]}")
        print("      " + file_figures(apps))
    if 100 in warm and 1000 in warm:
        print(f"plan alone, growth from 1,000 to 10,000 targets, warm: {warm[1000] / warm[100]:.1f}x")


def file_figures(apps: int) -> str:
    """The judgements file of ``apps`` relations: its size, the stamp, loading and saving it."""
    start = time.perf_counter()
    stamp = code_stamp()
    stamp_seconds = time.perf_counter() - start
    facts = dataclasses.replace(make_facts(IMAGE), relations=snapshots(apps), judged=RulesMemo(stamp))
    _timed_plan(make_config(facts.image.version), facts)
    with tempfile.TemporaryDirectory() as tmp:
        cache = RulesCache(Path(tmp) / FILE_NAME, stamp)
        start = time.perf_counter()
        cache.save(facts.judged)
        saved = time.perf_counter() - start
        start = time.perf_counter()
        loaded = cache.load()
        load_seconds = time.perf_counter() - start
        assert loaded.kept() == {} and loaded.known == apps  # all of it read back
        size = cache.path.stat().st_size
    return (f"judgements file: {size} bytes; stamp {stamp_seconds * 1000:.0f} ms, save {saved * 1000:.0f} ms, "
            f"load {load_seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
    plan_alone(tuple(int(n) for n in os.environ.get("PLAN_APPS", "100,1000").split(",") if n))
