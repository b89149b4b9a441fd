"""Where the charm's imports come from: lib/ when Juju runs it, the importer's own otherwise.

lib/ holds `make build`'s CPython 3.8 wheels for the operator pod. Run through ./dispatch, the
charm puts lib/ ahead of everything; imported (by tests, on any Python), it leaves sys.path
alone; and the Juju simulator's copy of the charm leaves lib/'s build output behind, so that
tests exercise the packages of the environment tox made, whatever lib/ holds.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.localrun.juju_sim import JujuSim

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
# Stands in for a built ops in lib/: says where it was imported from, and stops the charm there.
FAKE_OPS = "import sys\nsys.stdout.write(__file__)\nraise SystemExit(42)\n"


def _charm_with_fake_ops_in_lib(root: Path) -> Path:
    charm = root / "charm"
    shutil.copytree(REPO / "src", charm / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dispatch", "metadata.yaml", "config.yaml", "actions.yaml"):
        shutil.copy2(REPO / name, charm / name)
    (charm / "lib" / "ops").mkdir(parents=True)
    (charm / "lib" / "README.md").write_text("lib/\n")
    (charm / "lib" / "ops" / "__init__.py").write_text(FAKE_OPS)
    return charm


def test_imported_charm_leaves_lib_off_sys_path() -> None:
    import charm

    lib = (REPO / "lib").resolve()
    assert charm.PrometheusCharm is not None
    assert [p for p in sys.path if p and Path(p).resolve() == lib] == []


def test_charm_run_through_dispatch_imports_lib_first(tmp_path: Path) -> None:
    charm = _charm_with_fake_ops_in_lib(tmp_path)
    # As Juju's hook environment: none of the test run's (nor pytest-cov's subprocess hook).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUJU_", "COV"))}
    env.update(JUJU_DISPATCH_PATH="hooks/install", PYTHONDONTWRITEBYTECODE="1")

    done = subprocess.run(["./dispatch"], cwd=charm, env=env, capture_output=True, text=True,
                          timeout=60)

    assert done.returncode == 42, done.stderr
    assert Path(done.stdout) == charm / "lib" / "ops" / "__init__.py"


def test_the_simulated_juju_copies_lib_without_its_build_output(tmp_path: Path) -> None:
    source = _charm_with_fake_ops_in_lib(tmp_path)

    sim = JujuSim(source, tmp_path / "sim")

    assert sorted(p.name for p in (sim.charm_dir / "lib").iterdir()) == ["README.md"]
    assert (sim.charm_dir / "src" / "charm.py").is_file()
