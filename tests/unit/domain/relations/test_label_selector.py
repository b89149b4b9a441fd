"""Kubernetes label selectors, as apimachinery's labels.Parse reads them (the differential against
Prometheus 3.x's own parser is in tests/e2e/test_alerts_end_to_end.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.relations.label_selector import Requirement, parse, render, with_key_renamed

VALID = {
    "": "",
    "  ": "",
    "juju-app=alertmanager": "juju-app=alertmanager",
    "a==b": "a==b",
    "a!=b": "a!=b",
    "a=": "a=",
    "a= ,b": "a=,b",
    "a": "a",
    "!a": "!a",
    " ! a ": "!a",
    "a in (x, y)": "a in (x,y)",
    "a notin (y,x)": "a notin (x,y)",
    "a in ()": "a in ()",
    "a in (,)": "a in ()",
    "a in (,x)": "a in (,x)",
    "a in (x,)": "a in (,x)",
    "a in (x,,y)": "a in (,x,y)",
    "a in (x,,,)": "a in (,x)",
    "a in (x,,)": "a in (,x)",
    "a in (,,)": "a in ()",
    "a>5": "a>5",
    "a<0007": "a<0007",
    "a>9223372036854775807": "a>9223372036854775807",
    "in=notin": "in=notin",
    "app.kubernetes.io/name=am": "app.kubernetes.io/name=am",
    "x.y/Z_z.9=v-1.2_3": "x.y/Z_z.9=v-1.2_3",
    "a=b,c!=d,e in (f),!g,h": "a=b,c!=d,e in (f),!g,h",
    "a\t=\nb\r": "a=b",
    "a=" + "v" * 63: "a=" + "v" * 63,
    "k" * 63: "k" * 63,
}
INVALID = [
    "a=b=c", "a,", ",a", "a,,b", "!a=b", "!", "a b", "a=(b)", "a=!b", "a in b", "a in (b", "a in (b c)",
    "a in ((b))", "a>", "a>x", "a>-1", "a>+1", "a>9223372036854775808",
    "a<1.5", "-a=b", "a-=b", "A/b=c", "a/b/c=d", "/a=b", "a/=b", "a=-b", "a=b-", "a=b.c/d",
    "a=" + "v" * 64, "k" * 64, "p" * 254 + "/a", "é=b", "a=é", "a=b\x00,c", "a=b\x0b", "a\x7f",
    "a=b)", "(a=b)", "a notin", "a in", "=b", "a==b==c", "a<>b", "a=<b",
]


@pytest.mark.parametrize("text, canonical", VALID.items())
def test_valid_selectors_and_their_canonical_form(text, canonical):
    requirements = parse(text)
    assert not isinstance(requirements, str), requirements
    assert render(requirements) == canonical
    assert parse(canonical) == requirements


@pytest.mark.parametrize("text", INVALID)
def test_invalid_selectors_say_why(text):
    problem = parse(text)
    assert isinstance(problem, str) and problem


def test_too_long_is_refused_before_lexing():
    assert parse("a," * 600 + "a") == "is longer than 1024 characters"


def test_renaming_a_key_keeps_operators_and_values():
    requirements = parse("juju-app in (a,b),juju-app!=c,!juju-app,other=juju-app")
    renamed = with_key_renamed(requirements, "juju-app", "app.kubernetes.io/name")
    assert render(renamed) == ("app.kubernetes.io/name in (a,b),app.kubernetes.io/name!=c,"
                               "!app.kubernetes.io/name,other=juju-app")
    assert Requirement("k", "exists") in parse("k")


@given(st.text(alphabet="ab=!(),<> \tin/.-_19", max_size=30))
def test_what_is_accepted_renders_to_text_that_reads_the_same(text):
    requirements = parse(text)
    if not isinstance(requirements, str):
        assert parse(render(requirements)) == requirements


@given(st.text(max_size=60))
def test_any_text_is_parsed_or_refused_with_a_printable_reason(text):
    found = parse(text)
    if isinstance(found, str):
        assert found.isprintable() and len(found) < 300
