"""Topology matchers go into every vector selector, and only there.

Judged by a real PromQL parser (``promql-parser``, the Rust port of Prometheus' parser): every
vector selector of the rewritten expression carries the three matchers, the selectors and their
own matchers are those of the expression as sent, and the charm's own checker still accepts it
on both generations. ``tests/e2e/test_rule_scoping.py`` has promtool and a running Prometheus
of each generation judge the rendered files.
"""

import promql_parser
import pytest
from hypothesis import assume, given

from domain.rules.features import Gate
from domain.rules.inject import inject_matchers, remove_placeholder, template_functions
from domain.rules.promql import check_expr
from domain.rules.selectors import find_selectors, unquote
from domain.rules.tokens import Invalid
from tests.support.promql_strategies import TOPOLOGY, VECTORS

VERSIONS = ((2, 42, 0), (3, 5, 0))
OWN = 'juju_model="lma",juju_model_uuid="1234abcd-0000-4000-8000-000000000000",juju_application="api"'


def _accepted(expr: str, version) -> bool:
    try:
        check_expr(expr, Gate(version))
    except Invalid:
        return False
    return True


def scoped(expr: str) -> str:
    return inject_matchers(expr, TOPOLOGY)


def selectors_of(node):
    """Each vector selector of a promql-parser tree, left to right."""
    if isinstance(node, promql_parser.VectorSelector):
        yield node
    elif isinstance(node, promql_parser.MatrixSelector):
        yield node.vector_selector
    elif isinstance(node, promql_parser.BinaryExpr):
        yield from selectors_of(node.lhs)
        yield from selectors_of(node.rhs)
    elif isinstance(node, promql_parser.AggregateExpr):
        if node.param is not None:
            yield from selectors_of(node.param)
        yield from selectors_of(node.expr)
    elif isinstance(node, promql_parser.Call):
        for arg in node.args:
            yield from selectors_of(arg)
    elif isinstance(node, (promql_parser.ParenExpr, promql_parser.UnaryExpr, promql_parser.SubqueryExpr)):
        yield from selectors_of(node.expr)


def matchers(selector):
    return [(m.name, str(m.op), m.value) for m in selector.matchers.matchers]


EQUAL = str(promql_parser.MatchOp.Equal)


@pytest.mark.parametrize(("expr", "expected"), [
    ("up", f"up{{{OWN}}}"),
    ("up < 1", f"up{{{OWN}}} < 1"),
    ('up{job="a"}', f'up{{{OWN},job="a"}}'),
    ('up {job="a",}', f'up {{{OWN},job="a",}}'),
    ("up{}", f"up{{{OWN}}}"),
    ('{job="a"}', f'{{{OWN},job="a"}}'),
    ('{"http.requests", job="a"}', f'{{{OWN},"http.requests", job="a"}}'),  # 3.x: quoted metric name
    ('{"service.name"="a"}', f'{{{OWN},"service.name"="a"}}'),
    ("rate(x[5m] offset 1m)", f"rate(x{{{OWN}}}[5m] offset 1m)"),
    ("max_over_time(rate(x[5m])[1h:1m]) @ end()", f"max_over_time(rate(x{{{OWN}}}[5m])[1h:1m]) @ end()"),
    ("sum by (job) (up) / on(job) group_left(instance) sum without (le) (x)",
     f"sum by (job) (up{{{OWN}}}) / on(job) group_left(instance) sum without (le) (x{{{OWN}}})"),
    ("sum(up) BY (job)", f"sum(up{{{OWN}}}) BY (job)"),
    ('count_values("up", rate)', f'count_values("up", rate{{{OWN}}})'),
    ('label_replace(up, "juju_application", "b", "", "")',
     f'label_replace(up{{{OWN}}}, "juju_application", "b", "", "")'),
    ("sum", f"sum{{{OWN}}}"),  # a metric named like a keyword, as Prometheus reads it
    ("offset offset 5m", f"offset{{{OWN}}} offset 5m"),
    ("vector(1) > bool time()", "vector(1) > bool time()"),
    ("Inf > nan", "Inf > nan"),
    ("up # up{x}\n", f"up{{{OWN}}} # up{{x}}\n"),
    ("up\n# c\n{job='a'}", f"up\n# c\n{{{OWN},job='a'}}"),
    ('up{job="{"} and up{job="}"}', f'up{{{OWN},job="{{"}} and up{{{OWN},job="}}"}}'),
    (f"up{{{OWN}}}", f"up{{{OWN}}}"),
    ('up{juju_application="api"}', 'up{juju_model="lma",juju_model_uuid="1234abcd-0000-4000-8000-000000000000",'
                                   'juju_application="api"}'),
    ('up{juju_unit="api/0",juju_charm="x"}', f'up{{{OWN},juju_unit="api/0",juju_charm="x"}}'),
    ("a - -b", f"a{{{OWN}}} - -b{{{OWN}}}"),
    ("a atan2 b", f"a{{{OWN}}} atan2 b{{{OWN}}}"),
])
def test_every_selector_gets_the_matchers_once(expr, expected):
    assert scoped(expr) == expected
    assert scoped(expected) == expected


@pytest.mark.parametrize(("expr", "reason"), [
    ('up{juju_application="other"}', 'matches juju_application="other", outside this relation\'s own '
                                     'juju_application "api"'),
    ('up{juju_model!="lma"}', 'matches juju_model!="lma"'),
    ('up{juju_application=~"api|other"}', 'matches juju_application=~"api|other"'),
    ('up{"juju_application"="other"}', 'matches juju_application="other"'),
    ("rate(up[5m]) and up{juju_model_uuid=\"x\"}", 'matches juju_model_uuid="x"'),
    ("up offset", "ends where a time or duration belongs"),
    ("up offset (5m)", "has ( at column 11 where a time or duration belongs"),
    ("up up", "has up at column 4 where an operator belongs"),
    ("sum by (job)", "ends where the aggregation's '(' belongs"),
    ("up & x", "has & at column 4, which PromQL does not allow"),
    ("up +", "ends where an operand belongs"),
    ("up + )", "has ) at column 6 where an operand belongs"),
    ("up{=}", "has = at column 4 where a label matcher belongs"),
    ("up{job=x}", "has x at column 8 where a quoted label value belongs"),
    ("up{job}", "has } at column 7 where a matcher operator belongs"),
])
def test_a_selector_it_cannot_scope_is_refused(expr, reason):
    with pytest.raises(Invalid) as caught:
        scoped(expr)

    assert reason in str(caught.value)


def test_an_escaped_value_equal_to_the_topology_counts_as_present():
    expr = 'up{juju_model="\\x6cma",juju_model_uuid=`1234abcd-0000-4000-8000-000000000000`,juju_application=\'api\'}'

    assert scoped(expr) == expr
    assert unquote('"\\101\\u00e9\\U0001F600\\n\\\\\\""') == 'A\u00e9\U0001F600\n\\"'


def test_placeholders_are_removed_with_their_comma():
    assert remove_placeholder('up{%%juju_topology%%,job="a"} + x{%%juju_topology%%}') == 'up{job="a"} + x{}'


def test_the_functions_a_template_calls_are_found_outside_comments_and_strings():
    text = '{{/* query */}}{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}{{ "query" }}'

    assert template_functions(text) == {"query", "first", "value", "humanize"}
    assert template_functions("{{- $labels.job -}} no action") == set()


def test_selectors_are_found_with_their_places():
    found = find_selectors('sum(rate(up{job="a"}[5m])) + x')

    assert [(s.name_end, s.brace) for s in found] == [(11, 11), (30, -1)]
    assert found[0].matchers[0].name == "job"


@given(VECTORS)
def test_the_rewritten_expression_scopes_every_selector_as_a_real_parser_reads_it(expr):
    assume(all(_accepted(expr, version) for version in VERSIONS))  # only checked rules are scoped

    rewritten = scoped(expr)

    before = list(selectors_of(promql_parser.parse(expr)))
    after = list(selectors_of(promql_parser.parse(rewritten)))
    assert [s.name for s in after] == [s.name for s in before]
    for old, new in zip(before, after):
        old_own = [(n, v) for n, op, v in matchers(old) if (n, v) in TOPOLOGY and op == EQUAL]
        new_own = [(n, v) for n, op, v in matchers(new) if (n, v) in TOPOLOGY and op == EQUAL]
        assert sorted(new_own) == sorted(old_own + [pair for pair in TOPOLOGY if pair not in old_own])
        rest = [m for m in matchers(new) if (m[0], m[2]) not in TOPOLOGY]
        assert rest == [m for m in matchers(old) if (m[0], m[2]) not in TOPOLOGY]
    assert scoped(rewritten) == rewritten
    for version in VERSIONS:
        check_expr(rewritten, Gate(version))


def test_an_expression_that_would_outgrow_a_rule_file_once_scoped_is_refused():
    expr = "+".join(["up"] * 12_000)  # 35,999 bytes, each selector gaining 96

    with pytest.raises(Invalid, match=r"would be 1187999 bytes once scoped, over the 1048576 a rule file may have"):
        scoped(expr)
