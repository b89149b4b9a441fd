"""What a campaign found: counts per generation and option, the violations, the policy refusals."""

import collections
from typing import Any, Counter, Dict, Optional, Tuple

from scripts.localrun.generations import Generation
from tests.differential import binaries as b
from tests.differential import judge as j
from tests.differential.strategies import STRATEGIES

OUTCOMES = ("agree", "violation", "policy", "unjudged", "crash")
COLUMNS = ("values", "accepted", "refused", *OUTCOMES)


class Tally:
    """Counts per (generation, option); every violation and crash, and the policy refusals."""

    def __init__(self) -> None:
        self.counts: Dict[Tuple[str, str], Counter[str]] = collections.defaultdict(collections.Counter)
        self.findings: Counter[str] = collections.Counter()  # each distinct one, with how often it came
        self.policy: Dict[Tuple[str, str], Counter[str]] = collections.defaultdict(collections.Counter)
        self.batches: Counter[str] = collections.Counter()
        self.starts: Counter[str] = collections.Counter()
        self.seconds: Dict[str, float] = collections.defaultdict(float)
        self.started: Dict[str, b.Verdict] = {}  # one start per distinct command line and generation

    def record(self, gen: Generation, option: str, value: Any, charm: j.CharmVerdict,
               binary: Optional[b.Verdict]) -> None:
        result = j.outcome(charm, None if binary is None else binary[0])
        counts = self.counts[(gen.name, option)]
        counts["values"] += 1
        counts["accepted" if charm.accepted else "refused"] += 1
        counts[result] += 1
        said = f"charm {'crashes' if charm.crashed else 'accepts' if charm.accepted else 'refuses'}"
        said += f": {charm.detail}" if charm.detail else ""
        if binary is not None:
            said += f"; prometheus {gen.name}.x {'accepts' if binary[0] else 'refuses: ' + binary[1]}"
        if result in ("violation", "crash"):
            self.findings[f"[{gen}] {option}={j.show(value)}: {said}"] += 1
        elif result == "policy":
            self.policy[(gen.name, option)][f"{j.show(value, 60)}: {charm.detail[:120]}"] += 1

    def report(self, gen: Generation, listed_policy: int = 3) -> str:
        lines = [f"options vs {gen}: {self.batches[gen.name]} batches, {self.starts[gen.name]} prometheus "
                 f"starts, {self.seconds[gen.name]:.1f} s",
                 f"{'option':42}" + "".join(f"{c:>10}" for c in COLUMNS)]
        total: Counter[str] = collections.Counter()
        for option in STRATEGIES:
            counts = self.counts[(gen.name, option)]
            total.update(counts)
            lines.append(f"{option:42}" + "".join(f"{counts[c]:>10}" for c in COLUMNS))
        lines.append(f"{'all':42}" + "".join(f"{total[c]:>10}" for c in COLUMNS))
        for (name, option), values in sorted(self.policy.items()):
            if name == gen.name:
                shown = "; ".join(value for value, _ in values.most_common(listed_policy))
                lines.append(f"  policy {option} ({sum(values.values())}, {len(values)} distinct): {shown}")
        lines += [f"  FINDING {f}" + (f" (x{n})" if n > 1 else "")
                  for f, n in self.findings.items() if f.startswith(f"[{gen}]")]
        return "\n".join(lines)
