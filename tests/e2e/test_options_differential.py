"""Every option value the charm accepts, the real Prometheus of the image's generation accepts.

A bounded campaign (tests/differential/campaign.py) per generation: the values issue 10 names,
then ``DIFFERENTIAL_EXAMPLES`` generated batches of one value per option (derandomized, so CI
judges the same values each run; ``make fuzz`` runs a long random campaign). The charm judges
each value for an image of the binary's own version; ``promtool`` judges the files it renders,
``prometheus`` the flags. A value the charm accepts and the binary refuses fails the test, as
does any exception of the charm other than a refusal naming the option; refusals the binary
would have accepted are policy, counted and listed. The counts are printed per option.
"""

import os
from pathlib import Path

import pytest

from domain.config.options import OPTIONS
from scripts.localrun.generations import Generation
from tests.differential import binaries, judge
from tests.differential.campaign import run
from tests.differential.strategies import NAMED, STRATEGIES
from tests.differential.tally import Tally

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("DIFFERENTIAL_EXAMPLES", "8"))


def test_every_option_but_alert_rules_has_values_and_a_route():
    names = {option.name for option in OPTIONS} - {"alert-rules"}  # tests/e2e/test_rules_promtool.py

    assert set(STRATEGIES) == names
    assert all(set(batch) <= names for batch in NAMED)
    routed = set(judge.FLAGS) | set(judge.IN_GLOBAL) | set(judge.TLS_FILES) | judge.CHARM_ONLY
    # in prometheus.yml, by the plan; the ingress host and path through the web-external-url derived from them
    assert names - routed == {"alertmanager-timeout", "monitor-k8s", "ingress-hostname", "ingress-path"}


def test_bisect_finds_each_refused_item_and_reports_a_refused_combination():
    refused = {3, 5}
    runs = []

    def run_group(group):
        runs.append(group)
        bad = [item for item in group if item in refused]
        return (not bad, f"refused {bad}")

    verdicts, problems = binaries.bisect(list(range(8)), run_group)

    assert {i for i, (ok, _) in verdicts.items() if not ok} == refused
    assert problems == []
    assert len(runs) < 2 * 8
    verdicts, problems = binaries.bisect([1, 2], lambda group: (len(group) == 1, "only alone"))
    assert all(ok for ok, _ in verdicts.values()) and len(problems) == 1


def test_the_binaries_refuse_what_they_cannot_read(generation: Generation, tmp_path: Path):
    """The judges can say no: an unreadable flag, and a prometheus.yml with a fullwidth digit."""
    default = judge.charm_plan({}, generation)
    keep = frozenset(judge.FLAGS.values())

    ready = binaries.start(generation, default.pod_spec, default.k8s_resources, tmp_path / "a", keep, {})
    refused = binaries.start(generation, default.pod_spec, default.k8s_resources, tmp_path / "b", keep,
                             {"--web.read-timeout": "\uff11m"})
    for name, text in (("good", default.prometheus_yml), ("bad", default.prometheus_yml.replace(": 1m", ": \uff11m"))):
        assert binaries.write_files(tmp_path / name, {"/etc/prometheus/config/prometheus.yml": text}) is None
    checked = binaries.promtool(generation, "config", [binaries.config_path(tmp_path / n) for n in ("good", "bad")])

    assert ready == (True, "ready")
    assert refused[0] is False and "\uff11m" in refused[1]
    assert [ok for ok, _ in checked] == [True, False]
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()  # each run cleans up after itself


def test_the_charm_accepts_only_what_prometheus_accepts(generation: Generation, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]):
    tally = Tally()

    run(generation, tmp_path, tally, EXAMPLES, derandomize=True)

    with capsys.disabled():
        print("\n" + tally.report(generation))
    assert tally.batches[generation.name] == len(NAMED) + EXAMPLES
    assert not tally.findings, "\n".join(tally.findings)
