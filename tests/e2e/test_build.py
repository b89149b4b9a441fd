"""`make build` and `make clean`, run for real (twice each) on a copy of the repository.

The copy holds the files git tracks (and new ones not ignored), with the modes git records. The
build's pip downloads the locked wheels for CPython 3.8 from the package index (its cache makes
the second run quick); lib/ must then hold packages a real python3.8 imports, and no bytecode.
`setup` is not remade (``make -o setup``): it installs system packages, and is not under test.
"""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.tooling]

REPO = Path(__file__).resolve().parents[2]
RUNTIME_PACKAGES = ("ops", "yaml", "kubernetes", "rpdb")


def _tracked_modes() -> Dict[str, int]:
    """Path -> 0o755 or 0o644, as git records it, of every file the copy holds."""
    listed = subprocess.run(["git", "ls-files", "-s"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    modes = {line.split("\t", 1)[1]: 0o755 if line.startswith("100755") else 0o644
             for line in listed if line.startswith("100")}
    new = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=REPO,
                         check=True, capture_output=True, text=True).stdout.splitlines()
    for name in new:
        modes[name] = 0o755 if os.access(REPO / name, os.X_OK) else 0o644
    return {name: mode for name, mode in modes.items() if (REPO / name).is_file()}


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    copy = tmp_path_factory.mktemp("repo")
    for name, mode in _tracked_modes().items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, copy / name)
        (copy / name).chmod(mode)
    return copy


def _make(copy: Path, *targets: str) -> None:
    # Without pytest-cov's variables: its subprocess hook would measure the copy's src/ as ours.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "COV"))}
    env["PYTHON"] = sys.executable
    done = subprocess.run(["make", "-o", "setup", *targets], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"make {' '.join(targets)}:\n{done.stdout}\n{done.stderr}"


def _changed_modes(copy: Path) -> List[str]:
    return [f"{name}: {oct(stat.S_IMODE((copy / name).stat().st_mode))}, git has {oct(mode)}"
            for name, mode in _tracked_modes().items()
            if stat.S_IMODE((copy / name).stat().st_mode) != mode]


def _python38() -> str:
    found = shutil.which("python3.8")
    if found is None or subprocess.run([found, "-c", "pass"], capture_output=True).returncode:
        message = "no python3.8 to import lib/ with (see the README: 'Python 3.8')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _bytecode(lib: Path) -> List[Path]:
    return [p for p in lib.rglob("*") if p.suffix in (".pyc", ".pyo") or p.name == "__pycache__"]


def test_build_twice_fills_lib_with_what_python38_imports(repo_copy: Path) -> None:
    python38 = _python38()
    lib = repo_copy / "lib"
    for _ in range(2):
        _make(repo_copy, "build")

        assert (lib / "README.md").is_file()
        assert _bytecode(lib) == []
        assert _changed_modes(repo_copy) == []
        # -I: nothing from the environment or user site; -B: the check writes no bytecode.
        probe = ("import sys; sys.path.insert(0, 'lib'); import " + ", ".join(RUNTIME_PACKAGES)
                 + "; print(*[sys.modules[m].__file__ for m in sys.argv[1:]], yaml.__with_libyaml__)")
        done = subprocess.run([python38, "-I", "-B", "-c", probe, *RUNTIME_PACKAGES], cwd=repo_copy,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        *files, with_libyaml = done.stdout.split()
        assert all(lib in Path(repo_copy, f).resolve().parents for f in files), files
        assert with_libyaml == "True"  # the cp38 wheel's C extension loads
        assert _bytecode(lib) == []


def test_clean_twice_leaves_lib_with_its_readme_only(repo_copy: Path) -> None:
    _make(repo_copy, "build")
    for _ in range(2):
        _make(repo_copy, "clean")

        assert [p.name for p in (repo_copy / "lib").iterdir()] == ["README.md"]
        assert _changed_modes(repo_copy) == []
