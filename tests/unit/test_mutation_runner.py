"""The mutation runner's reading of mutmut's results and of tests/mutation/equivalent.txt."""

from pathlib import Path

import pytest

from tests.mutation.run import EQUIVALENT, equivalent_mutants, parse_results, summarize

pytestmark = pytest.mark.tooling

RESULTS = """\
    domain.duration.x_parse_duration__mutmut_1: killed
    domain.duration.x_parse_duration__mutmut_2: survived
    domain.duration.x_parse_duration__mutmut_3: survived
    domain.rules.x_render__mutmut_1: timeout
    domain.rules.x_render__mutmut_2: no tests
"""


def test_results_are_read_name_by_name_with_their_status() -> None:
    results = parse_results("some progress line\n" + RESULTS)

    assert results == {
        "domain.duration.x_parse_duration__mutmut_1": "killed",
        "domain.duration.x_parse_duration__mutmut_2": "survived",
        "domain.duration.x_parse_duration__mutmut_3": "survived",
        "domain.rules.x_render__mutmut_1": "timeout",
        "domain.rules.x_render__mutmut_2": "no tests",
    }


def test_listed_survivors_count_as_equivalent_and_stale_names_are_reported() -> None:
    equivalent = {"domain.duration.x_parse_duration__mutmut_3": "same bound",
                  "domain.gone.x_f__mutmut_9": "was equivalent"}

    counts, stale = summarize(parse_results(RESULTS), equivalent)

    assert dict(counts) == {"killed": 1, "survived": 1, "equivalent": 1, "timeout": 1, "no tests": 1}
    assert stale == ["domain.gone.x_f__mutmut_9"]


def test_the_equivalent_file_has_a_name_and_a_reason_a_line(tmp_path: Path) -> None:
    listed = tmp_path / "equivalent.txt"
    listed.write_text("# comment\n\ndomain.a.x_f__mutmut_1   the bound cannot be reached\n")

    assert equivalent_mutants(listed) == {"domain.a.x_f__mutmut_1": "the bound cannot be reached"}
    listed.write_text("domain.a.x_f__mutmut_1\n")
    with pytest.raises(ValueError, match=r"equivalent.txt:1: .* needs a reason"):
        equivalent_mutants(listed)


def test_the_projects_equivalent_file_reads() -> None:
    assert isinstance(equivalent_mutants(EQUIVALENT), dict)
