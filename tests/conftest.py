"""Fixtures every layer shares: the Prometheus generation a real-process test runs against."""

import os
from typing import List

import pytest
from hypothesis import HealthCheck, Phase, settings

from scripts.localrun.generations import NAMES, Generation, victoria_metrics
from scripts.localrun.generations import generation as find_generation


def pytest_report_header() -> List[str]:
    lines = []
    for name in NAMES:
        found = find_generation(name)
        if found is None:
            lines.append(f"generation {name}: not installed (run scripts/setup)")
            continue
        am = ".".join(map(str, found.alertmanager_version)) if found.alertmanager_version else "none"
        lines.append(f"generation {name}: {found} ({found.prometheus}), promtool beside it, "
                     f"alertmanager {am}, image {found.image}")
    lines.append(f"victoria-metrics: {victoria_metrics() or 'not installed'}")
    return lines


@pytest.fixture(scope="session", params=NAMES, ids=lambda name: f"prom{name}")
def generation(request: pytest.FixtureRequest) -> Generation:
    """Each Prometheus generation in turn: its binaries and the image tag of its version.

    Missing binaries skip the test on a developer's machine and fail it in CI, where
    ``scripts/setup`` has installed both.
    """
    found = find_generation(request.param)
    if found is None:
        message = f"Prometheus generation {request.param} is not installed: run scripts/setup"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


# --- Hypothesis profiles -------------------------------------------------------------------------
# HYPOTHESIS_PROFILE picks one (tox passes it through); otherwise `ci` where CI is set (CI
# services set it; .ci/run runs under them), `dev` elsewhere. Property tests leave max_examples to
# the profile. `ci` keeps the whole CI run within minutes on 2 cores; `mutation` is for
# tests/mutation/run.py: few examples, the same ones every time, so a mutant's fate is stable.
settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile(
    "mutation", max_examples=10, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
