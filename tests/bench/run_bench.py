#!/usr/bin/env python3
"""Benchmarks (`make bench`; not part of CI). Figures go into the README.

1. The pure core: parse_config + plan for the default options and for monitor-k8s
   with alert rules, in microseconds (median of many rounds); a rule file of ~1 MiB (the
   most an option can hold) read whole, and the share of it spent bounding its nesting.
2. Whole hooks as Juju runs them (./dispatch -> ops.main, hook-tool doubles, a loopback
   Kubernetes API): install, config-changed, a relation-changed, start and update-status of
   this charm against the same hook of a do-nothing ops charm with the same metadata, run
   interleaved in one session so machine noise hits both alike; reported as a ratio, gross and
   net of hook-tool calls. Both keep ops' state in the controller (state-get/state-set), as a
   pod-spec charm must: its operator pod can be recreated at any time.
   Each hook-tool double is a Python process (~0.1-0.3 s here; Juju's are one Go binary, and
   Juju has no batch call), so most of a hook's time is its calls. Each double writes its own
   cost (wall seconds since it was forked, CPU seconds) to timings.jsonl; "net" takes exactly
   those out of each run: net wall is the hook's wall time less its calls', net CPU the CPU
   time of the ./dispatch process tree (getrusage of waited-for children) less its calls'.
   Net CPU is the steadiest figure on a busy machine: waiting for a core does not count.

3. metrics-endpoint relations at scale (``relations_bench``) at ``RELATION_APPS`` applications
   of 10 units (default 1 and 10 here; ``make bench-relations`` runs 1 to 1,000).

`--hooks-only` skips parts 1 and 3; `--rounds N` sets the runs per hook and charm (default 7).
"""

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from domain.config.parse import parse_config  # noqa: E402
from domain.plan import plan  # noqa: E402
from domain.rules import parse_rule_file  # noqa: E402
from domain.rules.yaml_tree import refuse_deep  # noqa: E402
from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object, write_service_account  # noqa: E402
from scripts.localrun.juju_sim import JujuSim  # noqa: E402
from tests.bench import relations_bench  # noqa: E402
from tests.support.builders import make_facts, options  # noqa: E402
from tests.support.tls import CERT_PEM, KEY_PEM  # noqa: E402

RULES = "groups:\n" + "".join(
    f"- name: g{i}\n  rules:\n  - alert: A{i}\n    expr: up{{job=\"j{i}\"}} == 0\n    for: 5m\n"
    for i in range(50))
RULE_GROUP = """\
- name: node{n}
  interval: 30s
  rules:
  - alert: HostDown{n}
    expr: up{{job="node"}} == 0
    for: 5m
    labels:
      severity: page
    annotations:
      summary: "{{{{ $labels.instance }}}} is down"
  - record: job:up:sum{n}
    expr: sum by (job) (rate(http_requests_total{{code=~"5.."}}[5m]))
"""
BIG_RULES = "groups:\n" + "".join(RULE_GROUP.format(n=n) for n in range(3400))
BARE_CHARM = '''#!/usr/bin/env python3
import ops
class Bare(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        for event in (self.on.install, self.on.config_changed, self.on.start, self.on.update_status,
                      self.on["grafana-source"].relation_changed):
            framework.observe(event, self._nothing)
    def _nothing(self, event):
        pass
if __name__ == "__main__":
    ops.main(Bare, use_juju_for_storage=True)  # as ours: state in the controller
'''


def micro(label: str, fn: Callable[[], object], rounds: int = 2000) -> None:
    samples: List[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    print(f"{label:<55} median {statistics.median(samples) * 1e6:8.0f} µs")


def median_seconds(fn: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bare_charm(workdir: Path) -> Path:
    charm = workdir / "bare"
    (charm / "src").mkdir(parents=True)
    for name in ("metadata.yaml", "config.yaml", "actions.yaml", "dispatch"):
        shutil.copy2(ROOT / name, charm / name)
    (charm / "src" / "charm.py").write_text(BARE_CHARM)
    (charm / "src" / "charm.py").chmod(0o755)
    return charm


HOOKS = ("install", "config-changed", "grafana-source-relation-changed", "start", "update-status")
# The issue's goals, as a ratio to the do-nothing charm's same hook.
GOALS = {"config-changed": 1.3, "grafana-source-relation-changed": 1.3}
ANY_HOOK_GOAL = 3.0


@dataclass(frozen=True)
class HookRun:
    """One run of a hook: wall and CPU seconds of the whole ./dispatch process tree, and the part
    of each its hook-tool calls took, as each double measured itself (timings.jsonl)."""

    wall: float
    cpu: float
    calls: int
    tools_wall: float
    tools_cpu: float

    @property
    def net_wall(self) -> float:
        return self.wall - self.tools_wall

    @property
    def net_cpu(self) -> float:
        return self.cpu - self.tools_cpu


def run_once(sim: JujuSim, hook: str) -> HookRun:
    before = len(sim.tool_timings())
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = sim.run_hook(hook)
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # dispatch and all it waited for
    assert result.ok, str(result)
    tools = sim.tool_timings()[before:]
    assert len(tools) == len(result.calls), "a hook-tool call left no timing"
    return HookRun(wall=wall,
                   cpu=(cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime),
                   calls=len(tools), tools_wall=sum(t["wall"] or 0.0 for t in tools),
                   tools_cpu=sum(t["cpu"] for t in tools))


def median_of(runs: List[HookRun], figure: Callable[[HookRun], float]) -> float:
    return statistics.median(figure(run) for run in runs)


def whole_hooks(workdir: Path, rounds: int, **env: str) -> List[str]:
    """Runs each hook ``rounds`` times for each charm, interleaved; returns the README's table."""
    ours = JujuSim(ROOT, workdir / "ours", extra_env=env)
    bare = JujuSim(bare_charm(workdir / "bare-charm"), workdir / "bare", extra_env=env)
    for sim in (ours, bare):
        sim.attach_image("prom/prometheus:v2.53.0")
        sim.set_leader(True)
        sim.add_relation("grafana-source", "grafana", units=1)
        for hook in HOOKS:
            run_once(sim, hook)  # warm-up: first runs create state and byte-code
    per_call = statistics.median([ours.tool_seconds("is-leader", "--format=json"),
                                  bare.tool_seconds("is-leader", "--format=json")])
    print(f"one hook-tool call (double), from outside: {per_call * 1000:.0f} ms")
    table = ["| hook | ours | do-nothing | calls | gross ratio | net ratio (wall) | net ratio (CPU) | goal |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for hook in HOOKS:
        runs: Dict[str, List[HookRun]] = {"ours": [], "bare": []}
        for _ in range(rounds):
            runs["ours"].append(run_once(ours, hook))
            runs["bare"].append(run_once(bare, hook))
        o, b = runs["ours"], runs["bare"]
        calls = (max(r.calls for r in o), max(r.calls for r in b))
        wall = (median_of(o, lambda r: r.wall), median_of(b, lambda r: r.wall))
        net = (median_of(o, lambda r: r.net_wall), median_of(b, lambda r: r.net_wall))
        cpu = (median_of(o, lambda r: r.net_cpu), median_of(b, lambda r: r.net_cpu))
        goal = GOALS.get(hook, ANY_HOOK_GOAL)
        ms = [f"{seconds * 1000:.0f}" for seconds in wall + net + cpu]
        ratios = f"{wall[0] / wall[1]:.2f} | {net[0] / net[1]:.2f} | {cpu[0] / cpu[1]:.2f}"
        print(f"{hook:<32} ours/bare ms: wall {ms[0]}/{ms[1]} ({calls[0]}/{calls[1]} calls), net wall "
              f"{ms[2]}/{ms[3]}, net CPU {ms[4]}/{ms[5]}; ratios {ratios.replace(' |', ',')}; goal <= {goal}")
        table.append(f"| {hook} | {ms[0]} ms (net {ms[2]}, CPU {ms[4]}) | {ms[1]} ms (net {ms[3]}, CPU {ms[5]}) "
                     f"| {calls[0]} / {calls[1]} | {ratios} | ≤ {goal} |")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hooks-only", action="store_true", help="only the whole hooks (part 2)")
    parser.add_argument("--rounds", type=int, default=7, help="runs per hook and charm")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    if not args.hooks_only:
        core()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "api.crt").write_text(CERT_PEM)
        (workdir / "api.key").write_text(KEY_PEM)
        # As in the operator pod: HTTPS, the service account's token and CA certificate.
        with FakeKubernetesApi(tls=(workdir / "api.crt", workdir / "api.key"), token="bench") as api:
            api.set_pods("lma", [pod_object("prometheus-0", "prometheus", "prometheus/0", None, ready=False)])
            account = write_service_account(workdir / "serviceaccount", "bench", CERT_PEM, "lma")
            table = whole_hooks(workdir, rounds=args.rounds, KUBERNETES_SERVICE_HOST="127.0.0.1",
                                KUBERNETES_SERVICE_PORT=str(api.port),
                                PROMETHEUS_CHARM_SERVICE_ACCOUNT_DIR=str(account))
    print("\n".join(["", *table]))
    if not args.hooks_only:
        relations_bench.main(tuple(int(n) for n in os.environ.get("RELATION_APPS", "1,10").split(",")))


def core() -> None:
    default = options()
    big = options(monitor_k8s=True, alert_rules=RULES)
    facts = make_facts()
    version = facts.image.version
    micro("parse_config (defaults)", lambda: parse_config(default, version))
    micro("parse_config + plan (defaults)", lambda: plan(parse_config(default, version), facts))
    micro("parse_config + plan (monitor-k8s, 50 rules)", lambda: plan(parse_config(big, version), facts),
          rounds=300)
    size = len(BIG_RULES.encode())
    whole = median_seconds(lambda: parse_rule_file(BIG_RULES, version), rounds=5)
    walk = median_seconds(lambda: refuse_deep(BIG_RULES), rounds=5)
    print(f"parse_rule_file, {size} bytes ({BIG_RULES.count('- alert')} alerts): {whole * 1000:.0f} ms, of which "
          f"the nesting bound {walk * 1000:.0f} ms ({walk / whole:.0%}; "
          f"ratio with/without {whole / (whole - walk):.2f})")


if __name__ == "__main__":
    main()
