"""Runtime code must run on Python 3.8, the Python of pod-spec operator pods (Ubuntu 20.04).

The grammar check runs on any interpreter; tox's py38 env also runs the whole suite on a
real 3.8, and `make static` type-checks src/ as 3.8.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = sorted((ROOT / "src").rglob("*.py"))
# Names that exist only on newer Pythons and would fail at import or call time on 3.8.
NEWER_ONLY = {"removeprefix", "removesuffix", "TypeAlias", "ParamSpec", "Self", "StrEnum",
              "kw_only", "zip_strict", "tomllib", "zoneinfo", "graphlib", "UTC"}


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: str(p.relative_to(ROOT)))
def test_runtime_module_parses_as_python_38(path):
    ast.parse(path.read_text(), filename=str(path), feature_version=(3, 8))


@pytest.mark.parametrize("path", RUNTIME, ids=lambda p: str(p.relative_to(ROOT)))
def test_runtime_module_uses_no_newer_stdlib_names(path):
    tree = ast.parse(path.read_text())

    names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}

    assert not names & NEWER_ONLY


def test_grammar_check_rejects_newer_syntax():
    with pytest.raises(SyntaxError):
        ast.parse("match x:\n    case 1:\n        pass\n", feature_version=(3, 8))


def test_builtin_generics_are_not_subscripted_at_runtime_in_src():
    offenders = []
    for path in RUNTIME:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                    and node.value.id in {"list", "dict", "tuple", "set", "type", "frozenset"}):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, f"list[...] and friends fail on 3.8 at runtime: {offenders}"


def test_suite_reports_its_interpreter():
    assert sys.version_info >= (3, 8)
