"""A PromQL tokenizer that checks what it can without a parser (see ``domain.rules``). Pure.

Version-dependent syntax is judged by a ``features.Gate``: functions by the release that added
(or removed) them, ``@`` and negative offsets, ``_`` in numbers, durations and numbers used for
each other, quoted UTF-8 names in ``{...}`` and in ``by``/``on`` lists.
"""

import re
from typing import List, Optional, Tuple

from domain.errors import InvalidValue
from domain.rules.features import PROMQL_FUNCTIONS, Gate
from domain.rules.tokens import Invalid, at, show, skip_string
from domain.values.duration import Duration

# Functions every Prometheus 2.x and 3.x reads; the others are rows of features.FEATURES.
_FUNCTIONS = frozenset({
    "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
    "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
    "count_over_time", "days_in_month", "day_of_month", "day_of_week", "day_of_year", "deg", "delta",
    "deriv", "exp", "floor", "histogram_quantile", "hour", "idelta", "increase", "irate", "label_join", "label_replace",
    "last_over_time", "ln", "log10", "log2", "max_over_time", "min_over_time", "minute", "month", "pi",
    "predict_linear", "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round",
    "scalar", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "stddev_over_time",
    "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
})
# Other words a "(" may follow; PromQL reads them in any case.
_KEYWORDS = frozenset({
    "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk",
    "count_values", "quantile", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "and", "or", "unless", "atan2", "start", "end",
})
# Aggregation operators, the only words "by" or "without" may follow; limitk and limit_ratio are features.
_AGGREGATIONS = frozenset({
    "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk", "count_values", "quantile",
})
_CLOSES = {")": "(", "}": "{", "]": "["}
# Inside {...}: what may come next -> the kinds of token that may, and what may follow each. A matcher
# is a name, an operator and a string (job="api"); from 3.0 also a quoted metric name alone ({"up"}).
_MATCHERS = {
    "name": {"name": "operator", "string": "operator or end", "}": ""},
    "operator": {"operator": "value"},
    "operator or end": {"operator": "value", ",": "name", "}": ""},
    "value": {"string": "end"},
    "end": {",": "name", "}": ""},
}
_NAME_LISTS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_DURATION = re.compile(r"(?:[0-9]+(?:ms|[smhdwy]))+")
_FLOAT = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_BAD_UNDERSCORE = re.compile(r"__|_$|^_|_[.eExX]|[.eExX]_")


def _require(gate: Gate, key: str, expr: str, index: int) -> None:
    refusal = gate.refusal(key)
    if refusal:
        raise Invalid(f"{at(expr, index)}: {refusal}")


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def check_expr(expr: str, gate: Gate) -> None:
    """Tokens, brackets, strings and function names of a PromQL expression (no grammar)."""
    opens: List[Tuple[str, int, bool]] = []  # bracket, where, whether it holds label names
    callee: Optional[Tuple[str, int]] = None  # the name just read, should "(" follow it
    before = ("", "")  # the two tokens before this one, nearest last
    empty, index, expect = True, 0, "name"  # expect: what may come next inside {...} (_MATCHERS)
    while index < len(expr):
        char, top = expr[index], opens[-1] if opens else ("", 0, False)
        if char in " \t\r\n":
            index += 1
            continue
        if char == "#":
            end = expr.find("\n", index)
            index = len(expr) if end < 0 else end
            continue
        empty, after, nxt = False, index + 1, expr[index + 1 : index + 2]
        if top[0] == "[" and char != "]":
            if not (_is_word(char) or char in ":."):
                raise Invalid(f"has {show(char)} {at(expr, index)} inside [...], where a duration belongs")
        elif char in "\"'`":
            if (top[0] == "{" and expect == "name") or (top[0] == "(" and top[2]):
                _require(gate, "quoted names", expr, index)
            after = skip_string(expr, index)
            if top[0] == "{":
                expect = _next_matcher_part(expr, index, after, expect)
        elif top[0] == "{":
            after = _matcher_token(expr, index)
            expect = _next_matcher_part(expr, index, after, expect)
            if char == "}":
                opens.pop()
        elif (_is_word(char) and not char.isdigit()) or char == ":":
            while after < len(expr) and (_is_word(expr[after]) or expr[after] == ":"):
                after += 1
            if callee is not None and expr[index:after].lower() in ("by", "without"):
                _check_aggregation(expr, *callee, expr[index:after], gate)
            callee, index, before = (expr[index:after], index), after, (before[1], expr[index:after].lower())
            continue
        elif char in "0123456789.":
            while after < len(expr) and (_is_word(expr[after]) or expr[after] == "."):
                after += 1
            _check_number(expr, index, after, gate, before)
        elif char in "({[":
            if char == "(" and callee is not None:
                _check_call(expr, *callee, gate)
            names = char == "(" and callee is not None and callee[0].lower() in _NAME_LISTS
            opens.append((char, index, names))
            expect = "name"
        elif char in _CLOSES:
            if top[0] != _CLOSES[char]:
                raise Invalid(f"has a '{char}' {at(expr, index)} that closes nothing")
            if char == "]":
                _check_range(expr, top[1], index, gate)
            opens.pop()
        elif char in "=!":
            if nxt == "~" or (char == "!" and nxt != "="):
                raise Invalid(f"has '{char}{show(nxt)}' {at(expr, index)}; =~ and !~ belong inside {{...}}")
            after += nxt == "="
        elif char not in "+-*/%^,<>@":
            raise Invalid(f"has {show(char)} {at(expr, index)}, which PromQL does not allow")
        if char == "@":
            _require(gate, "@", expr, index)
        if char == "-" and before[1] == "offset":
            _require(gate, "negative offset", expr, index)
        callee, before, index = None, (before[1], expr[index:after].lower()), after
    if empty:
        raise Invalid("holds only comments")
    if opens:
        raise Invalid(f"has an unclosed '{opens[-1][0]}' {at(expr, opens[-1][1])}")


def _check_number(expr: str, start: int, end: int, gate: Gate, before: Tuple[str, str]) -> None:
    """``_`` between digits (2.54+); a duration where a number belongs (3.0+) but after ``offset``."""
    text = expr[start:end]
    if "_" in text:
        _require(gate, "number underscores", expr, start)
        if _BAD_UNDERSCORE.search(text):
            raise Invalid(f"has '{show(text)}' {at(expr, start)}: '_' belongs between two digits")
    offset = before[1] == "offset" or before == ("offset", "-")
    if not offset and _DURATION.fullmatch(text):
        _require(gate, "duration as number", expr, start)


def _matcher_token(expr: str, index: int) -> int:
    """The index past one token inside ``{...}``: a label name, an operator, a comma or ``}``."""
    char, after = expr[index], index + 1
    if _is_word(char) and not char.isdigit():
        while after < len(expr) and _is_word(expr[after]):
            after += 1
        return after
    if char in ",}":
        return after
    if char == "=" or (char == "!" and expr[after : after + 1] in ("=", "~")):
        return after + (char == "!" or expr[after : after + 1] == "~")
    raise Invalid(f"has {show(char)} {at(expr, index)} inside {{...}}, where matchers such as job=\"api\" belong")


def _next_matcher_part(expr: str, start: int, end: int, expect: str) -> str:
    """What may follow the token ``expr[start:end]`` inside ``{...}``; refuse it if out of place."""
    text = expr[start:end]
    kind = "string" if text[0] in "\"'`" else "name" if _is_word(text[0]) else text
    follows = _MATCHERS[expect].get("operator" if text in ("=", "!=", "=~", "!~") else kind)
    if follows is None:
        raise Invalid(f"has {show(text)} {at(expr, start)} inside {{...}}, where matchers such as job=\"api\" belong")
    return follows


def _check_call(expr: str, name: str, index: int, gate: Gate) -> None:
    if name in _FUNCTIONS or name.lower() in _KEYWORDS:
        return
    if name in PROMQL_FUNCTIONS:
        _require(gate, name, expr, index)
        return
    raise Invalid(f"calls '{name}' {at(expr, index)}, which is not a PromQL function")


def _check_aggregation(expr: str, name: str, index: int, grouping: str, gate: Gate) -> None:
    """``sum by (job) (...)``: the word before ``by``/``without`` (any case) is an aggregation."""
    if name.lower() in ("limitk", "limit_ratio"):
        _require(gate, name.lower(), expr, index)
    elif name.lower() not in _AGGREGATIONS:
        raise Invalid(f"has '{name}' {at(expr, index)} before '{grouping}', where an aggregation such as sum belongs")


def _check_range(expr: str, start: int, end: int, gate: Gate) -> None:
    """``[5m]`` or ``[1h:5m]`` / ``[1h:]``: positive durations; from 3.0 also seconds (``[300]``)."""
    inside = re.sub(r"#[^\n]*", "", expr[start + 1 : end])
    match = re.fullmatch(r"\s*([\w.]+)\s*(?::\s*([\w.]*)\s*)?", inside)
    parts = [match.group(1), match.group(2) or ""] if match else [inside]
    for number, part in enumerate(parts):
        if number == 1 and not part:
            continue
        try:
            if _FLOAT.fullmatch(part):
                if not gate.reads("number as duration"):
                    raise InvalidValue(f"'{part}' has no unit; {gate.refusal('number as duration')}")
                milliseconds = float(part) * 1000
            else:
                milliseconds = Duration.parse(part).milliseconds
            if milliseconds <= 0:
                raise InvalidValue(f"'{part}' must be longer than 0")
        except InvalidValue as err:
            raise Invalid(f"has [{show(inside.strip())}] {at(expr, start)}: {err}") from None
