"""parse_rule_file against the real ``promtool check rules`` (Prometheus 2.42, Debian's package).

Every VALID example passes promtool, as written and as the charm renders it, and so do rendered
rule files made up by hypothesis. Every INVALID example marked PROMETHEUS is refused by promtool
too, and every one marked POLICY is accepted by it: the table cannot call a rule of ours a
Prometheus error, or the other way round, without a test failing.
"""

import shutil
import subprocess
from pathlib import Path
from typing import Tuple

import pytest
from hypothesis import HealthCheck, given, settings

from domain.rules import RuleFile, parse_rule_file, render_rule_file
from tests.unit.domain.rules.cases import INVALID, POLICY, PROMETHEUS, RULE_FILES, VALID

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed (apt install prometheus)"),
]


def promtool_check_rules(tmp_path: Path, text: str) -> Tuple[bool, str]:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["promtool", "check", "rules", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return done.returncode == 0, done.stdout + done.stderr


def test_promtool_refuses_a_broken_rule_file(tmp_path: Path) -> None:
    accepted, output = promtool_check_rules(tmp_path, "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: (\n")

    assert not accepted, output


@pytest.mark.parametrize("text", VALID)
def test_promtool_accepts_the_rendered_valid_example(tmp_path: Path, text: str) -> None:
    rendered = render_rule_file(parse_rule_file(text, (2, 42, 0)))

    accepted, output = promtool_check_rules(tmp_path, rendered)

    assert accepted, output


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule_file=RULE_FILES)
def test_promtool_accepts_any_rendered_rule_file(tmp_path: Path, rule_file: RuleFile) -> None:
    rendered = render_rule_file(rule_file)

    accepted, output = promtool_check_rules(tmp_path, rendered)

    assert accepted, f"{output}\n{rendered}"


@pytest.mark.parametrize("text", VALID)
def test_promtool_accepts_the_valid_example_as_written(tmp_path: Path, text: str) -> None:
    accepted, output = promtool_check_rules(tmp_path, text)

    assert accepted, output


@pytest.mark.parametrize("text, fragments, kind", [p for p in INVALID if p.values[2] == PROMETHEUS])
def test_promtool_refuses_the_example_prometheus_would_refuse(
    tmp_path: Path, text: str, fragments: Tuple[str, ...], kind: str
) -> None:
    accepted, output = promtool_check_rules(tmp_path, text)

    assert not accepted, f"promtool accepted it, so it is {POLICY}, not {kind}:\n{output}"


@pytest.mark.parametrize("text, fragments, kind", [p for p in INVALID if p.values[2] == POLICY])
def test_promtool_accepts_the_example_refused_only_by_our_policy(
    tmp_path: Path, text: str, fragments: Tuple[str, ...], kind: str
) -> None:
    accepted, output = promtool_check_rules(tmp_path, text)

    assert accepted, f"promtool refused it, so it is {PROMETHEUS}, not {kind}:\n{output}"
