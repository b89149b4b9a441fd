"""The core stays pure: no I/O modules, no ops, no kubernetes anywhere under src/domain."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[3] / "src" / "domain"
MODULES = sorted(DOMAIN.rglob("*.py"))
FORBIDDEN = {"ops", "kubernetes", "http", "urllib", "os", "sys", "io", "time", "random",
             "subprocess", "logging", "socket", "shutil", "pathlib", "tempfile", "requests"}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "__import__"}


def _name(module: Path) -> str:
    return str(module.relative_to(DOMAIN))


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_every_subpackage_is_walked():
    walked = {module.parent for module in MODULES}

    assert {DOMAIN / name for name in ("values", "config", "prometheus", "kubernetes")} <= walked


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_domain_module_imports_nothing_that_does_io(module):
    tree = ast.parse(module.read_text())

    imported = set(_imports(tree))

    assert not imported & FORBIDDEN, f"{_name(module)} imports {sorted(imported & FORBIDDEN)}"


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_domain_module_calls_no_io_builtins(module):
    tree = ast.parse(module.read_text())

    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}

    assert not called & FORBIDDEN_CALLS, f"{_name(module)} calls {sorted(called & FORBIDDEN_CALLS)}"


def test_purity_check_catches_an_io_import(tmp_path):
    tree = ast.parse("import os\nfrom urllib import request\n")

    assert set(_imports(tree)) & FORBIDDEN == {"os", "urllib"}
