"""check_expr reads PromQL's tokens as Prometheus does (promtool check rules refuses these
expressions too), and its message names the problem and the place exactly.

Functions: https://prometheus.io/docs/prometheus/latest/querying/functions/; operators and
aggregations: https://prometheus.io/docs/prometheus/latest/querying/operators/
"""

import pytest

from domain.rules.features import FEATURES, Gate
from domain.rules.promql import check_expr
from domain.rules.tokens import Invalid
from domain.values.version import NEWEST

V2_42 = (2, 42, 0)
FUNCTIONS = (
    "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
    "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
    "count_over_time", "days_in_month", "day_of_month", "day_of_week", "day_of_year", "deg", "delta",
    "deriv", "exp", "floor", "histogram_quantile", "hour", "idelta", "increase", "irate", "label_join",
    "label_replace", "last_over_time", "ln", "log10", "log2", "max_over_time", "min_over_time", "minute",
    "month", "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad", "rate", "resets",
    "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "stddev_over_time",
    "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
)
WORDS_BEFORE_PARENTHESES = (
    "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "count_values",
    "quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "atan2", "start", "end", "SUM", "By",
)


MATCHERS = "has {} at column {} inside {{...}}, where matchers such as job=\"api\" belong"


def refusal(expr: str, version=NEWEST) -> str:
    with pytest.raises(Invalid) as caught:
        check_expr(expr, Gate(version))
    return str(caught.value)


@pytest.mark.parametrize("version", [V2_42, NEWEST], ids=["2.42", "latest"])
@pytest.mark.parametrize("name", FUNCTIONS + WORDS_BEFORE_PARENTHESES)
def test_every_function_and_keyword_of_prometheus_2_may_take_parentheses(name, version):
    check_expr(f"{name}(up)", Gate(version))


AGGREGATIONS = ("sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "count_values",
                "quantile", "SUM", "Topk")


@pytest.mark.parametrize("version", [V2_42, NEWEST], ids=["2.42", "latest"])
@pytest.mark.parametrize("grouping", ["by", "without", "BY"])
@pytest.mark.parametrize("name", AGGREGATIONS)
def test_every_aggregation_may_group_before_its_parentheses(name, grouping, version):
    check_expr(f"{name} {grouping} (job) (up)", Gate(version))


@pytest.mark.parametrize("name", ["limitk", "limit_ratio", "LimitK"])
def test_an_experimental_aggregation_is_refused_before_by_as_before_parentheses(name):
    assert refusal(f"1 + {name} by (job) (1, up)") == f"at column 5: {Gate(NEWEST).refusal(name.lower())}"


@pytest.mark.parametrize("expr", [
    "up # a comment", "# first\nup", "up\t==\r\n1", "up{job=\"a\",instance!=\"b\",x=~\"c\",y!~\"d\"}",
    "rate(up[5m:1m])", "up[1h:]", "up[ 5m ]", "up[5m # comment\n]", "up offset 5m", "up offset -5m",
    "up @ 100", "sum by (job) (up) > bool 1", "up != 0", "a:b:c", "1.5e3", ".5 + 5.", "up{}",
    "sum(up) by (\"job\")", "{\"up\"}", "Count_Values WITHOUT (by) (\"v\", up)", "sum # c\n by (job) (up)",
    ":job:up > 0", "XMLHttpRequests_total > 0", "up[1ms]", "up[0.0005]", "up[5m:0.0000000001]",
    "up # one\n# two\n  > 0", "up{job=\"a\",}", "{\"up\",}", "{\"up\", job=~\"a\"}", "up{x!~`b`, y=\"c\"}",
])
def test_an_expression_prometheus_reads_is_accepted(expr):
    check_expr(expr, Gate(NEWEST))


@pytest.mark.parametrize("expr, message", [
    ("", "holds only comments"),
    ("  # only a comment", "holds only comments"),
    ("up[5m", "has an unclosed '[' at column 3"),
    ("(up", "has an unclosed '(' at column 1"),
    ("up{job=\"a\"", "has an unclosed '{' at column 3"),
    ("up)", "has a ')' at column 3 that closes nothing"),
    ("(up]", "has a ']' at column 4 that closes nothing"),
    ("up}", "has a '}' at column 3 that closes nothing"),
    ("up\n)", "has a ')' at line 2 column 1 that closes nothing"),
    ("up[5m$]", "has $ at column 6 inside [...], where a duration belongs"),
    ("up =~ 1", "has '=~' at column 4; =~ and !~ belong inside {...}"),
    ("up !~ 1", "has '!~' at column 4; =~ and !~ belong inside {...}"),
    ("up ! 1", "has '! ' at column 4; =~ and !~ belong inside {...}"),
    ("up ==~ 1", "has ~ at column 6, which PromQL does not allow"),
    ("up !=~ 1", "has ~ at column 6, which PromQL does not allow"),
    ("up $ 1", "has $ at column 4, which PromQL does not allow"),
    ("up ; 1", "has ; at column 4, which PromQL does not allow"),
    ("up é", "has é at column 4, which PromQL does not allow"),
    ("upé", "has é at column 3, which PromQL does not allow"),
    ("up{é=\"a\"}", "has é at column 4 inside {...}, where matchers such as job=\"api\" belong"),
    ("up{job=1}", "has 1 at column 8 inside {...}, where matchers such as job=\"api\" belong"),
    ("up{job!1}", "has ! at column 7 inside {...}, where matchers such as job=\"api\" belong"),
    ("up{job~\"a\"}", "has ~ at column 7 inside {...}, where matchers such as job=\"api\" belong"),
    ("ratee(up[5m])", "calls 'ratee' at column 1, which is not a PromQL function"),
    ("Rate(up[5m])", "calls 'Rate' at column 1, which is not a PromQL function"),
    ("up[0s]", "has [0s] at column 3: '0s' must be longer than 0"),
    ("up[5m:0s]", "has [5m:0s] at column 3: '0s' must be longer than 0"),
    ("up[5m:60", "has an unclosed '[' at column 3"),
    ("up[1h:-1m]", "has - at column 7 inside [...], where a duration belongs"),
    ("up[0]", "has [0] at column 3: '0' must be longer than 0"),
    ("up[5x]", "has [5x] at column 3: "),
    ("1__0", "has '1__0' at column 1: '_' belongs between two digits"),
    ("1_", "has '1_' at column 1: '_' belongs between two digits"),
    ("1_.5", "has '1_.5' at column 1: '_' belongs between two digits"),
    ("1._5", "has '1._5' at column 1: '_' belongs between two digits"),
    ("up by (job)", "has 'up' at column 1 before 'by', where an aggregation such as sum belongs"),
    ("1 + Rate\n  WITHOUT (x) (up)", "has 'Rate' at line 1 column 5 before 'WITHOUT', where an aggregation such as sum "
                                      "belongs"),
    ("up # c\n)\n", "has a ')' at line 2 column 1 that closes nothing"),
    ("up{job", "has an unclosed '{' at column 3"),
    ("up{job}", MATCHERS.format("}", 7)),
    ("up{Xyz}", MATCHERS.format("}", 7)),
    ("Xrate(up[5m])", "calls 'Xrate' at column 1, which is not a PromQL function"),
    ("up{job=}", MATCHERS.format("}", 8)),
    ("up{=\"a\"}", MATCHERS.format("=", 4)),
    ("up{job==\"a\"}", MATCHERS.format("=", 8)),
    ("up{job=\"a\" x=\"b\"}", MATCHERS.format("x", 12)),
    ("up{job=\"a\"\"b\"}", MATCHERS.format("\"b\"", 11)),
    ("up{job=~\"a\"!~\"b\"}", MATCHERS.format("!~", 12)),
    ("up{,}", MATCHERS.format(",", 4)),
    ("up{job=\"a\",,}", MATCHERS.format(",", 12)),
    ("{\"up\" \"a\"}", MATCHERS.format("\"a\"", 7)),
    ("{\"up\"=}", MATCHERS.format("}", 7)),
    ("abs # c\nby (x) (up)", "has 'abs' at line 1 column 1 before 'by', where an aggregation such as sum belongs"),
])
def test_an_expression_prometheus_refuses_is_named_exactly(expr, message):
    assert refusal(expr) == message or (message.endswith(": ") and refusal(expr).startswith(message))


@pytest.mark.parametrize("expr, key, column", [
    ("up[300]", "number as duration", 3),
    ("up @ 100", "@", 4),
    ("up offset -5m", "negative offset", 11),
    ("1_000", "number underscores", 1),
    ("up > 5m", "duration as number", 6),
    ("up{\"job\"=\"a\"}", "quoted names", 4),
    ("sum by (\"job\") (up)", "quoted names", 9),
    ("up{job=\"a\", \"x\"=\"b\"}", "quoted names", 13),
    ("sum(up) by (job, \"x\")", "quoted names", 18),
    ("up offset 5m @ 100", "@", 14),
])
def test_newer_syntax_is_refused_before_its_release_with_the_feature_named(expr, key, column):
    since = FEATURES[key].since
    assert since is not None
    older = (since[0], since[1] - 1, 0) if since[1] else (since[0] - 1, 55, 0)
    check_expr(expr, Gate(since))
    message, reason = refusal(expr, older), Gate(older).refusal(key)
    assert reason is not None and f"'{FEATURES[key].shown}' needs Prometheus >= " in reason
    assert message in (f"at column {column}: {reason}", f"has [{expr[3:-1]}] at column {column}: '{expr[3:-1]}' "
                                                        f"has no unit; {reason}"), message


@pytest.mark.parametrize("expr", [
    "up offset 5m", "up OFFSET 1h", "rate(up[5m]) offset 1h", "up{job=\"a\"} > 5", "sum(up) by (job)",
    "{job=\"a\"}", "up{job=\"a\"} - 1", "up[1h:5m]", "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")",
    "up{job!=\"a\", x=~\"b\"}", "sum(rate(up[5m])) by (job) / 2", "up offset 5m - 1", "1 < node_load1",
])
def test_old_syntax_is_read_by_2_42(expr):
    check_expr(expr, Gate(V2_42))


def test_a_subquery_step_without_a_unit_is_refused_before_3_0():
    assert refusal("up[1h:60]", V2_42) == (
        "has [1h:60] at column 3: '60' has no unit; 'a duration without a unit' needs Prometheus >= 3.0.0 "
        "(image is 2.42.0)"
    )
