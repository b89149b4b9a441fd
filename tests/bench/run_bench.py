#!/usr/bin/env python3
"""Benchmarks (`make bench`; not part of CI). Figures go into the README.

1. The pure core: parse_config + plan for the default options and for monitor-k8s
   with alert rules, in microseconds (median of many rounds); a rule file of ~1 MiB (the
   most an option can hold) read whole, and the share of it spent bounding its nesting.
2. A whole hook as Juju runs it (./dispatch -> ops.main, hook-tool doubles): config-changed of
   this charm against the same hook of a do-nothing ops charm with the same metadata, run
   interleaved in one session so machine noise hits both alike; reported as a ratio. Once
   without a Kubernetes API, once with a loopback one (pays the lazy `kubernetes` import).
   Each hook-tool double is a Python process (~0.1 s here); Juju's are a Go binary, so the
   number of calls is printed beside the times.
"""

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
        framework.observe(self.on.config_changed, self._nothing)
    def _nothing(self, event):
        pass
if __name__ == "__main__":
    ops.main(Bare)
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


def hook_seconds(sim: JujuSim) -> float:
    start = time.perf_counter()
    result = sim.run_hook("config-changed")
    elapsed = time.perf_counter() - start
    assert result.ok, str(result)
    return elapsed


def whole_hooks(label: str, workdir: Path, rounds: int, **env: str) -> None:
    ours = JujuSim(ROOT, workdir / f"ours-{label}", extra_env=env)
    bare = JujuSim(bare_charm(workdir / label), workdir / f"bare-{label}", extra_env=env)
    for sim in (ours, bare):
        sim.attach_image("prom/prometheus:v2.53.0")
        sim.set_leader(True)
        hook_seconds(sim)  # warm-up: first run creates .unit-state.db and byte-code
    ours_times, bare_times = [], []
    for _ in range(rounds):
        ours_times.append(hook_seconds(ours))
        bare_times.append(hook_seconds(bare))
    o, b = statistics.median(ours_times), statistics.median(bare_times)
    calls = [len(sim.calls()) // (rounds + 1) for sim in (ours, bare)]
    print(f"config-changed, {label:<24} ours {o * 1000:5.0f} ms ({calls[0]} hook-tool calls), "
          f"bare ops {b * 1000:5.0f} ms ({calls[1]} calls), ratio {o / b:4.2f}")


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
        whole_hooks("no-kubernetes-api", workdir, rounds=7)
        with FakeKubernetesApi() as api:
            api.set_pods("lma", [pod_object("prometheus-0", "prometheus", "prometheus/0", None, ready=False)])
            kubeconfig = api.write_kubeconfig(workdir / "kubeconfig")
            whole_hooks("loopback-kubernetes-api", workdir, rounds=7, KUBECONFIG=str(kubeconfig))


if __name__ == "__main__":
    main()
