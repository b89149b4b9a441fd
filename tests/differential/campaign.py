"""A campaign: batches of option values judged by the charm and the real binaries, counted.

Each batch holds one value per option (``strategies.BATCHES``, and the named ones first). The
charm judges every value alone; then per batch: one ``promtool check config`` run over the
prometheus.yml of every value (as the charm renders it, or the default one with a refused raw
value put in place), one ``check web-config`` run for the TLS options, one ``prometheus`` start
for all the flag values the charm accepts (halved when refused, to find the culprit) and one
start per flag value it refuses (most exit at once).

``python -m tests.differential.campaign`` (``make fuzz``) runs a long one on both generations,
then the rule-file differential (tests/e2e/test_rules_promtool.py) with more batches, prints
the counts and exits non-zero on any violation or crash.
"""

import argparse
import collections
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from hypothesis import HealthCheck, Phase, example, given, seed, settings

from domain.config.parse import parse_config
from domain.errors import ConfigErrors
from scripts.localrun.generations import NAMES, Generation, generation
from tests.differential import binaries as b
from tests.differential import judge as j
from tests.differential.strategies import BATCHES, NAMED
from tests.differential.tally import Tally
from tests.support.tls import CERT_PEM, KEY_PEM

REPO = Path(__file__).resolve().parents[2]


def _write_injected(option: str, value: Any, root: Path, gen: Generation) -> Tuple[bool, Optional[str]]:
    """The pod's files with a refused value put where the charm would have put it, under ``root``.

    Returns whether there is such a place, and the reason the files cannot be written, if any.
    """
    if option in j.TLS_FILES:  # a valid pair as the charm writes it, then the value in its file
        plan = j.charm_plan({"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM}, gen)
        problem = b.write_plan_files(plan.pod_spec, plan.k8s_resources, root, gen)
        return True, problem or b.overwrite(b.tls_files(root)[j.TLS_FILES[option]], j.injected_pem(value))
    plan = j.charm_plan(j.CONTEXT.get(option, {}), gen)
    text = j.injected_yml(plan.prometheus_yml, option, value)
    if text is None:
        return False, None
    return True, b.write_plan_files(plan.pod_spec, plan.k8s_resources, root, gen) or b.overwrite(
        b.config_path(root), text)


def _judge_files(batch: Dict[str, Any], charm: Dict[str, j.CharmVerdict], gen: Generation, workdir: Path,
                 binary: Dict[str, List[b.Verdict]]) -> None:
    checks: Dict[str, List[Tuple[str, Path]]] = {"config": [], "web-config": []}
    for n, (option, value) in enumerate(batch.items()):
        verdict, root = charm[option], workdir / f"files-{n}"
        if verdict.crashed or j.deliverable(option, value):
            continue
        if verdict.accepted:
            assert verdict.plan is not None
            problem = b.write_plan_files(verdict.plan.pod_spec, verdict.plan.k8s_resources, root, gen)
        else:
            judged, problem = _write_injected(option, value, root, gen)
            if not judged:
                continue
        if problem:
            binary[option].append((False, problem))
            continue
        if b.config_path(root).exists():
            checks["config"].append((option, b.config_path(root)))
        if b.web_config_path(root).exists():
            checks["web-config"].append((option, b.web_config_path(root)))
    for kind, found in checks.items():
        for (option, _), said in zip(found, b.promtool(gen, kind, [path for _, path in found])):
            binary[option].append(said)


def _judge_flags(batch: Dict[str, Any], charm: Dict[str, j.CharmVerdict], gen: Generation, workdir: Path,
                 binary: Dict[str, List[b.Verdict]], tally: Tally) -> None:
    keep = frozenset(j.FLAGS.values())

    def run(values: Dict[str, Any], extra: Dict[str, str]) -> b.Verdict:
        plan = j.charm_plan(values, gen)
        key = repr((gen.name, plan.pod_spec, plan.k8s_resources, sorted(extra.items())))
        if key not in tally.started:
            tally.starts[gen.name] += 1
            tally.started[key] = b.start(gen, plan.pod_spec, plan.k8s_resources,
                                         workdir / f"start-{tally.starts[gen.name]}", keep, extra,
                                         grace=b.READY_GRACE if extra else None)
        return tally.started[key]

    def run_group(group: List[Tuple[str, Any]]) -> Optional[b.Verdict]:
        try:
            parse_config(j.raw_options(dict(group)), gen.version)
        except ConfigErrors:
            return None  # accepted one by one, refused together (cross-option checks): judge apart
        return run(dict(group), {})

    accepted = [(o, v) for o, v in batch.items() if o in j.FLAGS and charm[o].accepted and not j.deliverable(o, v)]
    verdicts, problems = b.bisect(accepted, run_group)
    for position, (option, _) in enumerate(accepted):
        binary[option].append(verdicts[position])
    tally.findings.update(f"[{gen}] {p}" for p in problems)
    for option, value in batch.items():
        if charm[option].accepted or charm[option].crashed or j.deliverable(option, value):
            continue
        flag = j.injected_flag(option, value)
        if flag is not None:
            extra = dict([flag] + ([("--web.route-prefix", "/")] if option == "web-external-url" else []))
            binary[option].append(run(j.CONTEXT.get(option, {}), extra))


def judge_batch(batch: Dict[str, Any], gen: Generation, workdir: Path, tally: Tally) -> None:
    """Judge one value per option of ``batch`` by the charm and the binaries; count the outcomes."""
    began = time.monotonic()
    charm = {option: j.charm_verdict(option, value, gen) for option, value in batch.items()}
    binary: Dict[str, List[b.Verdict]] = collections.defaultdict(list)
    files = workdir / f"batch-{tally.batches[gen.name]}"
    _judge_files(batch, charm, gen, files, binary)
    shutil.rmtree(files, ignore_errors=True)
    _judge_flags(batch, charm, gen, workdir, binary, tally)
    for option, value in batch.items():
        found = binary.get(option)
        refusals = [said for ok, said in found or [] if not ok]
        tally.record(gen, option, value, charm[option],
                     None if not found else (not refusals, "; ".join(refusals)))
    tally.batches[gen.name] += 1
    tally.seconds[gen.name] += time.monotonic() - began


def run(gen: Generation, workdir: Path, tally: Tally, examples: int, derandomize: bool,
        random_seed: Optional[int] = None) -> None:
    """The named batches, then ``examples`` generated ones, all judged against ``gen``."""

    @settings(max_examples=examples, derandomize=derandomize, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.large_base_example, HealthCheck.filter_too_much])
    @given(batch=BATCHES)
    def campaign(batch: Dict[str, Any]) -> None:
        judge_batch(batch, gen, workdir, tally)

    for named in reversed(NAMED):
        campaign = example(batch=named)(campaign)
    if random_seed is not None:
        campaign = seed(random_seed)(campaign)
    campaign()


def _rules(batches: int) -> int:
    """The rule-file differential with ``batches`` generated batches; its counts printed."""
    env = dict(os.environ, RULES_BATCHES=str(batches))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-m", "e2e",
                           "tests/e2e/test_rules_promtool.py", "-k", "generated or report or case_table"],
                          cwd=REPO, env=env, check=False).returncode


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "200")),
                        help="generated batches per generation (FUZZ_EXAMPLES; default 200)")
    parser.add_argument("--rules-batches", type=int, default=int(os.environ.get("RULES_BATCHES", "100")),
                        help="generated rule-file batches per generation (RULES_BATCHES; 0: skip)")
    parser.add_argument("--generation", choices=NAMES, action="append", help="default: both")
    parser.add_argument("--seed", type=int, help="the seed of a campaign to repeat (default: a new one, printed)")
    args = parser.parse_args(argv)
    random_seed = secrets.randbits(32) if args.seed is None else args.seed
    print(f"seed {random_seed} (--seed {random_seed} draws the same values again)", flush=True)
    tally, failed = Tally(), False
    for name in args.generation or NAMES:
        gen = generation(name)
        if gen is None:
            print(f"Prometheus generation {name} is not installed: run scripts/setup")
            failed = True
            continue
        with tempfile.TemporaryDirectory(prefix="fuzz-") as workdir:
            run(gen, Path(workdir), tally, args.examples, derandomize=False, random_seed=random_seed)
        print(tally.report(gen, listed_policy=8), flush=True)
    if args.rules_batches:
        failed |= _rules(args.rules_batches) != 0
    print(f"violations and crashes: {len(tally.findings)} distinct, {sum(tally.findings.values())} in all")
    return 1 if failed or tally.findings else 0


if __name__ == "__main__":
    sys.exit(main())
