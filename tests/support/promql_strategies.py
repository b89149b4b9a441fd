"""Hypothesis strategies of well-typed PromQL expressions, for the topology-injection tests.

A small grammar of instant-vector (``VECTORS``) and scalar expressions, in Prometheus 2.x syntax
(so that ``promql-parser`` reads them too): selectors with and without ``{...}``, with matchers
whose strings hold braces, commas, quotes and ``juju_*`` text, the topology's own matchers
already there (as cos-tool writes them), trailing commas, comments; metric names that are
PromQL keywords or function names; range and subquery selectors; ``offset`` and ``@``;
aggregations with ``by``/``without`` before or after; binary operators with ``bool``,
``on``/``ignoring`` and ``group_left``; keywords in any case; random spacing.
"""

from hypothesis import strategies as st

TOPOLOGY = (("juju_model", "lma"), ("juju_model_uuid", "1234abcd-0000-4000-8000-000000000000"),
            ("juju_application", "api"))
_NAMES = ["up", "http_requests_total", "job:up:sum", "sum", "rate", "offset", "by", "nan_total",
          "inf_x", "bool_x", "_x", "Sum"]
_VALUES = ['"api"', "'x'", "`a{b}`", '"a,b}"', '"juju_model=\\"x\\""', '"#"', '""', '"\\u00e9"']
_OWN = ['juju_model="lma"', 'juju_model_uuid="1234abcd-0000-4000-8000-000000000000"', 'juju_application="api"']
_SPACE = st.sampled_from(["", " ", "  ", "\n", " # note { ( \n"])
_NUMBERS = st.sampled_from(["1", "0.5", "1e3", "0x1F", "Inf", "NaN", "2"])
_RANGES = st.sampled_from(["5m", "1h", "30s", "1h30m"])
_MODIFIERS = st.sampled_from(["", "", " offset 5m", " OFFSET -1m", " @ 1700000000", " @ start()",
                              " @ end()", " offset 1h @ 100"])
_CASE = st.sampled_from([str.lower, str.upper, str.title])


def _matcher() -> st.SearchStrategy[str]:
    other = st.tuples(st.sampled_from(["job", "instance", "juju_unit", "juju_charm", "le"]),
                      st.sampled_from(["=", "!=", "=~", "!~"]), st.sampled_from(_VALUES))
    return st.one_of(other.map("".join), st.sampled_from(_OWN))


@st.composite
def selectors(draw: st.DrawFn) -> str:
    matchers = draw(st.lists(_matcher(), max_size=4))
    name = draw(st.sampled_from(_NAMES + ["", ""]))
    if not name:
        matchers.append('job="api"')  # a selector without a name needs a matcher that no empty value passes
    if name and not matchers and draw(st.booleans()):
        return name
    space = draw(_SPACE)
    inner = ("," + draw(_SPACE)).join(matchers) + draw(st.sampled_from(["", ",", " "]) if matchers else st.just(""))
    return f"{name}{space}{{{draw(_SPACE)}{inner}}}"


def _ranged(vector: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    over_time = st.sampled_from(["rate", "increase", "max_over_time", "avg_over_time", "absent_over_time",
                                 "count_over_time", "changes", "deriv"])
    selector_range = st.tuples(over_time, selectors(), _RANGES, _MODIFIERS).map(
        lambda p: f"{p[0]}({p[1]}[{p[2]}]{p[3]})")
    subquery = st.tuples(over_time, vector, _RANGES, st.sampled_from(["", "1m", "30s"]), _MODIFIERS).map(
        lambda p: f"{p[0]}(({p[1]})[{p[2]}:{p[3]}]{p[4]})")
    return st.one_of(selector_range, subquery)


def _aggregate(vector: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    op = st.tuples(st.sampled_from(["sum", "avg", "max", "min", "count", "group", "stddev"]), _CASE).map(
        lambda p: p[1](p[0]))
    grouping = st.tuples(st.sampled_from(["by", "without"]), _CASE,
                         st.sampled_from(["job", "job, instance", "", "le,"])).map(lambda p: f"{p[1](p[0])} ({p[2]})")
    before = st.tuples(op, grouping, _SPACE, vector).map(lambda p: f"{p[0]} {p[1]}{p[2]}({p[3]})")
    after = st.tuples(op, vector, grouping).map(lambda p: f"{p[0]}({p[1]}) {p[2]}")
    param = st.tuples(st.sampled_from(["topk(3, ", "bottomk(1,", "quantile(0.9, ", 'count_values("v", ']),
                      vector).map(lambda p: f"{p[0]}{p[1]})")
    return st.one_of(before, after, param)


def _binary(vector: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    arithmetic = st.tuples(vector, st.sampled_from(["+", "-", "*", "/", "%", "^", "atan2"]),
                           st.sampled_from(["", " on (job)", " ignoring(instance)", " on() group_left",
                                            " on(job) group_left(instance)", " ignoring (le) group_right ()"]),
                           vector).map(lambda p: f"{p[0]} {p[1]}{p[2]} {p[3]}")
    sets = st.tuples(vector, st.sampled_from(["and", "or", "unless", "AND", "Or"]),
                     st.sampled_from(["", " on (job)", " ignoring(instance)", " on()"]), vector).map(
        lambda p: f"{p[0]} {p[1]}{p[2]} {p[3]}")
    compare = st.tuples(vector, st.sampled_from(["<", ">", "==", "!=", ">= bool", "<= BOOL"]), scalars(vector)).map(
        " ".join)
    return st.one_of(arithmetic, sets, compare)


def scalars(vector: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(_NUMBERS, st.just("time()"), vector.map(lambda v: f"scalar({v})"),
                     _NUMBERS.map(lambda n: f"-{n}"))


def _extend(vector: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        _ranged(vector), _aggregate(vector), _binary(vector),
        vector.map(lambda v: f"-{v}"), vector.map(lambda v: f"({v})"),
        st.tuples(st.sampled_from(["abs", "ceil", "sort", "timestamp", "ln"]), vector).map(lambda p: f"{p[0]}({p[1]})"),
        vector.map(lambda v: f'label_replace({v}, "juju_application", "b", "job", "(.*)")'),
        vector.map(lambda v: f"histogram_quantile(0.9, {v})"),
        vector.map(lambda v: f"clamp({v}, 0, 1)"),
        scalars(vector).map(lambda s: f"vector({s})"),
    )


_LEAVES = st.one_of(selectors(), st.tuples(selectors(), _MODIFIERS).map("".join),
                    selectors().map(lambda s: f"absent({s})"))
VECTORS = st.recursive(_LEAVES, _extend, max_leaves=6)
