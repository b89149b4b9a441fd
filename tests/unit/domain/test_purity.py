"""The core stays pure: no I/O modules, no ops, no kubernetes in src/domain."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[3] / "src" / "domain"
FORBIDDEN = {"ops", "kubernetes", "http", "urllib", "os", "sys", "io", "time", "random",
             "subprocess", "logging", "socket", "shutil", "pathlib", "tempfile", "requests"}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "__import__"}


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("module", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_nothing_that_does_io(module):
    tree = ast.parse(module.read_text())

    imported = set(_imports(tree))

    assert not imported & FORBIDDEN, f"{module.name} imports {sorted(imported & FORBIDDEN)}"


@pytest.mark.parametrize("module", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_calls_no_io_builtins(module):
    tree = ast.parse(module.read_text())

    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}

    assert not called & FORBIDDEN_CALLS, f"{module.name} calls {sorted(called & FORBIDDEN_CALLS)}"


def test_purity_check_catches_an_io_import(tmp_path):
    tree = ast.parse("import os\nfrom urllib import request\n")

    assert set(_imports(tree)) & FORBIDDEN == {"os", "urllib"}
