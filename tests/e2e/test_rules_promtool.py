"""parse_rule_file against the real ``promtool check rules`` of each Prometheus generation.

The charm judges every rule file for an image of the binary's own version
(``generation.version``), promtool judges it too, and the two verdicts must agree. Judged: the
whole case table (VALID as written and as rendered, INVALID, VERSIONED as written and rendered
where accepted) and rule files made up by hypothesis (``rule_file_strategies``), plus rendered
RULE_FILES. A disagreement is allowed only where it is reasoned:

* an INVALID row marked POLICY: the charm refuses on purpose what promtool accepts (its message
  is the reason), e.g. the 1 MiB bound of a ConfigMap, control characters, merge keys;
* promtool's lint (rules recorded twice under one name) is off (``--lint=none``): it is advice,
  and Prometheus loads such a file, so the charm does not refuse it;
* an entry of EXCEPTIONS below, kept short, each with its reason; an entry that no longer
  disagrees fails the test, so the list cannot go stale.
"""

import collections
import os
import subprocess
from pathlib import Path
from typing import Counter, Dict, Iterator, List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import RuleError
from domain.rules import RuleFile, parse_rule_file, render_rule_file
from scripts.localrun.generations import Generation
from tests.e2e.rule_file_strategies import JUDGED_FILES
from tests.unit.domain.rules.cases import INVALID, POLICY, RULE_FILES, VALID, VERSIONED

pytestmark = pytest.mark.e2e

# Bounds the generated part to ~20 s per generation: each example is one promtool run of a batch
# (RULES_BATCHES=n runs n batches, drawn at random rather than derandomized, for a longer search).
BATCHES, BATCH_SIZE = int(os.environ.get("RULES_BATCHES", "30")), 15

# (case id, generation name) -> why the charm and that promtool may disagree on it.
EXCEPTIONS: Dict[Tuple[str, str], str] = {}

Verdict = Tuple[bool, str]
TALLY: Dict[str, Counter[str]] = collections.defaultdict(collections.Counter)


def charm(text: str, version: Tuple[int, int, int]) -> Verdict:
    try:
        parse_rule_file(text, version)
    except RuleError as err:
        return False, str(err)
    return True, ""


def promtool(generation: Generation, directory: Path, texts: List[str]) -> List[Verdict]:
    """promtool's verdict on each text, in one run over one file per text."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, text in enumerate(texts):
        path = directory / f"case-{number:05d}.yml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")  # a lone surrogate as its 3 bytes
        paths.append(str(path))
    done = subprocess.run([generation.promtool, "check", "rules", "--lint=none", *paths], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=120, check=False)
    blocks = done.stdout.split("Checking ")[1:]
    assert len(blocks) == len(paths), done.stdout[-2000:]
    verdicts = []
    for path, block in zip(paths, blocks):
        head, _, rest = block.partition("\n")
        assert head.strip() == path, block
        verdicts.append((rest.lstrip().startswith("SUCCESS"), rest.strip()[:400]))
    return verdicts


def table(version: Tuple[int, int, int]) -> Iterator[Tuple[str, str, str]]:
    """(id, text, kind) of every row of the case table, with rendered forms where the charm reads it."""
    for param in VALID:
        yield param.id, param.values[0], "valid"
    for param in INVALID:
        yield param.id, param.values[0], param.values[2]
    for param in VERSIONED:
        yield param.id, param.values[0], "versioned"
    for param in [*VALID, *VERSIONED]:
        if charm(param.values[0], version)[0]:
            yield f"rendered:{param.id}", render_rule_file(parse_rule_file(param.values[0], version)), "rendered"


def disagreements(generation: Generation, cases: List[Tuple[str, str, str]], directory: Path) -> List[str]:
    """Judge the cases both ways, count them, and describe every disagreement not allowed."""
    tally, problems = TALLY[generation.name], []
    verdicts = promtool(generation, directory, [text for _, text, _ in cases])
    for (case_id, text, kind), (tool_ok, output) in zip(cases, verdicts):
        ours_ok, message = charm(text, generation.version)
        tally["judged"] += 1
        tally["accepted by promtool"] += tool_ok
        reason = EXCEPTIONS.get((case_id, generation.name))
        if ours_ok == tool_ok:
            tally["agreed"] += 1
            if reason:
                problems.append(f"{case_id}: listed as an exception but both now say {ours_ok}")
        elif kind == POLICY and not ours_ok:
            tally["policy"] += 1
        elif reason:
            tally["exceptions"] += 1
        else:
            problems.append(f"{case_id} ({kind}): charm {'accepts' if ours_ok else 'refuses: ' + message}; "
                            f"promtool {generation} {'accepts' if tool_ok else 'refuses: ' + output}\n{text[:600]}")
    return problems


def test_promtool_refuses_a_broken_rule_file(generation: Generation, tmp_path: Path) -> None:
    [(accepted, output)] = promtool(generation, tmp_path, ["groups:\n- name: a\n  rules:\n  - alert: A\n    expr: (\n"])

    assert not accepted, output


def test_the_whole_case_table_agrees_with_promtool(generation: Generation, tmp_path: Path) -> None:
    cases = list(table(generation.version))

    problems = disagreements(generation, cases, tmp_path)

    assert problems == [], "\n\n".join(problems)


@settings(max_examples=BATCHES, deadline=None, derandomize="RULES_BATCHES" not in os.environ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(texts=st.lists(JUDGED_FILES, min_size=BATCH_SIZE, max_size=BATCH_SIZE),
       rule_files=st.lists(RULE_FILES, min_size=3, max_size=3))
def test_generated_rule_files_agree_with_promtool(
    generation: Generation, tmp_path: Path, texts: List[str], rule_files: List[RuleFile]
) -> None:
    cases = [(f"generated:{n}", text, "generated") for n, text in enumerate(texts)]
    cases += [(f"rendered-generated:{n}", render_rule_file(rf), "rendered") for n, rf in enumerate(rule_files)]

    problems = disagreements(generation, cases, tmp_path / "batch")

    assert problems == [], "\n\n".join(problems)


def test_report_the_counts(generation: Generation) -> None:
    """Prints what the tests above judged for this generation (``pytest -s`` shows it)."""
    tally = TALLY[generation.name]
    print(f"\nrules vs promtool, {generation}: judged {tally['judged']}, agreed {tally['agreed']}, "
          f"policy {tally['policy']}, exceptions {tally['exceptions']}; "
          f"promtool accepted {tally['accepted by promtool']}")
    assert tally["judged"] == 0 or tally["judged"] == tally["agreed"] + tally["policy"] + tally["exceptions"]
