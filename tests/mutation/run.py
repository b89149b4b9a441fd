"""Mutation testing of src/domain with the unit tests (mutmut), outside the working tree.

Copies src/, tests/, tox.ini (the pytest settings) and the charm's files the tests read into
build/mutation, writes mutmut's settings there and runs ``mutmut run`` in that copy, so no file
of the working tree is ever mutated. Hypothesis runs its ``mutation`` profile
(tests/conftest.py): few examples, the same ones every run. Prints the counts by status;
mutants listed in tests/mutation/equivalent.txt (a name and a reason a line) count as
equivalent, not as survivors.

Usage (from tox -e mutate / make mutate): python tests/mutation/run.py [mutmut run arguments]
"""

import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

REPO = Path(__file__).resolve().parents[2]
WORK = REPO / "build" / "mutation"
EQUIVALENT = Path(__file__).resolve().parent / "equivalent.txt"
# What the unit tests read besides src/: the charm's YAML (options, metadata), its shell parts.
CHARM_FILES = ("config.yaml", "metadata.yaml", "actions.yaml", "dispatch", "actions", "tox.ini")
# What tests/conftest.py and the adapter tests import besides src/ (the generations, the fake API).
SUPPORT = ("scripts/localrun",)
# mutmut mutates source_paths into mutants/, and copies also_copy (and tests/) beside them.
# timeout_multiplier: mutmut stops a mutant after (its tests' time + 1 s) x 2 x this many CPU
# seconds; at its default of 15 the few mutants that hang a loop take most of a run. On a busy
# machine some mutants that only slow the tests pass that bound: MUTATION_TIMEOUT_MULTIPLIER=10
# (with their names as arguments) runs them again with more time, to tell a hang from a survivor.
SETTINGS = """\
[mutmut]
source_paths = src/domain/
timeout_multiplier = {multiplier}
also_copy =
    src/adapters/
    src/charm.py
{charm_files}
pytest_add_cli_args_test_selection =
    tests/unit/
pytest_add_cli_args =
    -m
    not e2e
    -p
    no:cacheprovider
""".format(charm_files="\n".join(f"    {name}" for name in (*CHARM_FILES, *SUPPORT)),
           multiplier=int(os.environ.get("MUTATION_TIMEOUT_MULTIPLIER", "2")))
_RESULT = re.compile(r"^\s*(\S+): (.+)$")


def equivalent_mutants(path: Path = EQUIVALENT) -> Dict[str, str]:
    """Name -> reason, from the equivalent.txt format (``#`` starts a comment line)."""
    listed: Dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            raise ValueError(f"{path}:{number}: {name} needs a reason after the name")
        listed[name] = reason.strip()
    return listed


def parse_results(text: str) -> Dict[str, str]:
    """Mutant name -> status, from ``mutmut results --all true``."""
    return {m.group(1): m.group(2).strip() for m in map(_RESULT.match, text.splitlines()) if m}


def summarize(results: Dict[str, str], equivalent: Dict[str, str]) -> Tuple[Counter, List[str]]:
    """Counts by status (equivalent survivors apart) and the listed names that are not mutants."""
    counts: Counter = Counter()
    for name, status in results.items():
        counts["equivalent" if status == "survived" and name in equivalent else status] += 1
    return counts, sorted(set(equivalent) - set(results))


def prepare() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in ("src", "tests", *CHARM_FILES, *SUPPORT):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, WORK / name, ignore=ignore)
        else:
            shutil.copy2(source, WORK / name)
    (WORK / "setup.cfg").write_text(SETTINGS)


def main(argv: List[str]) -> int:
    started = time.monotonic()
    prepare()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # mutmut sets the path
    env["HYPOTHESIS_PROFILE"] = "mutation"
    mutmut = [str(Path(sys.executable).parent / "mutmut")]  # the console script of this env
    run = subprocess.run([*mutmut, "run", *argv], cwd=WORK, env=env)
    listed = subprocess.run([*mutmut, "results", "--all", "true"], cwd=WORK, env=env,
                            capture_output=True, text=True, check=True)
    results = parse_results(listed.stdout)
    counts, stale = summarize(results, equivalent_mutants())
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    print(f"\nmutation testing of src/domain: {len(results)} mutants in {minutes}m{seconds:02d}s")
    for status, count in sorted(counts.items()):
        print(f"  {status}: {count}")
    for name in stale:
        print(f"  listed in {EQUIVALENT.name} but not a mutant now: {name}")
    print(f"survivors: cd {WORK.relative_to(REPO)} && mutmut results; mutmut show <name>")
    return run.returncode

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
