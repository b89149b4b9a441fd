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
   Each hook-tool double is a Python process (~0.1 s here; Juju's are
   one Go binary, and Juju has no batch call), so the net ratio takes out each hook's calls at
   the median cost of one call, measured in the same run.
3. metrics-endpoint relations at scale (``relations_bench``) at ``RELATION_APPS`` applications
   of 10 units (default 1 and 10 here; ``make bench-relations`` runs 1 to 1,000).
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from domain.config.parse import parse_config  # noqa: E402
from domain.plan import plan  # noqa: E402
from domain.rules import parse_rule_file  # noqa: E402
from domain.rules.yaml_tree import refuse_deep  # noqa: E402
from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object  # noqa: E402
from scripts.localrun.juju_sim import JujuSim  # noqa: E402
from tests.bench import relations_bench  # noqa: E402
from tests.support.builders import make_facts, options  # noqa: E402

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


def hook_seconds(sim: JujuSim, hook: str) -> float:
    start = time.perf_counter()
    result = sim.run_hook(hook)
    elapsed = time.perf_counter() - start
    assert result.ok, str(result)
    return elapsed


def whole_hooks(workdir: Path, rounds: int, **env: str) -> None:
    ours = JujuSim(ROOT, workdir / "ours", extra_env=env)
    bare = JujuSim(bare_charm(workdir / "bare-charm"), workdir / "bare", extra_env=env)
    for sim in (ours, bare):
        sim.attach_image("prom/prometheus:v2.53.0")
        sim.set_leader(True)
        sim.add_relation("grafana-source", "grafana", units=1)
        for hook in HOOKS:
            hook_seconds(sim, hook)  # warm-up: first runs create state and byte-code
    per_call = statistics.median([ours.tool_seconds("is-leader", "--format=json"),
                                  bare.tool_seconds("is-leader", "--format=json")])
    print(f"one hook-tool call (double): {per_call * 1000:.0f} ms")
    for hook in HOOKS:
        ours_times, bare_times, counts = [], [], []
        for _ in range(rounds):
            before = [len(sim.calls()) for sim in (ours, bare)]
            ours_times.append(hook_seconds(ours, hook))
            bare_times.append(hook_seconds(bare, hook))
            counts.append([len(sim.calls()) - n for sim, n in zip((ours, bare), before)])
        o, b = statistics.median(ours_times), statistics.median(bare_times)
        calls = [max(c[i] for c in counts) for i in (0, 1)]
        net_o, net_b = o - calls[0] * per_call, b - calls[1] * per_call
        print(f"{hook:<32} ours {o * 1000:5.0f} ms ({calls[0]:2} calls), bare ops {b * 1000:5.0f} ms "
              f"({calls[1]} calls): ratio {o / b:4.2f}, net of calls {net_o * 1000:4.0f} vs "
              f"{net_b * 1000:4.0f} ms, ratio {net_o / net_b:4.2f}")


def main() -> None:
    default = options()
    big = options(monitor_k8s=True, alert_rules=RULES)
    facts = make_facts()
    version = facts.image.version
    print(f"Python {sys.version.split()[0]}")
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
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with FakeKubernetesApi() as api:
            api.set_pods("lma", [pod_object("prometheus-0", "prometheus", "prometheus/0", None, ready=False)])
            kubeconfig = api.write_kubeconfig(workdir / "kubeconfig")
            whole_hooks(workdir, rounds=7, KUBECONFIG=str(kubeconfig))
    relations_bench.main(tuple(int(n) for n in os.environ.get("RELATION_APPS", "1,10").split(",")))


if __name__ == "__main__":
    main()
