"""A PromQL tokenizer that checks what it can without a parser (see ``domain.rules``). Pure."""

import re
from typing import List, Optional, Tuple

from domain.duration import Duration, InvalidValue
from domain.rules.tokens import Invalid, at, show, skip_string

# Prometheus 2.42's functions that Prometheus 3 keeps (it dropped holt_winters).
_FUNCTIONS = frozenset({
    "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
    "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
    "count_over_time", "days_in_month", "day_of_month", "day_of_week", "day_of_year", "deg", "delta",
    "deriv", "exp", "floor", "histogram_count", "histogram_fraction", "histogram_quantile",
    "histogram_sum", "hour", "idelta", "increase", "irate", "label_join", "label_replace",
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
_CLOSES = {")": "(", "}": "{", "]": "["}


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def check_expr(expr: str) -> None:
    """Tokens, brackets, strings and function names of a PromQL expression (no grammar)."""
    opens: List[Tuple[str, int]] = []
    callee: Optional[Tuple[str, int]] = None  # the name just read, should "(" follow it
    empty, index = True, 0
    while index < len(expr):
        char, top = expr[index], opens[-1][0] if opens else ""
        if char in " \t\r\n":
            index += 1
            continue
        if char == "#":
            end = expr.find("\n", index)
            index = len(expr) if end < 0 else end
            continue
        empty, after, nxt = False, index + 1, expr[index + 1 : index + 2]
        if top == "[" and char != "]":
            if not (_is_word(char) or char == ":"):
                raise Invalid(f"has {show(char)} {at(expr, index)} inside [...], where a duration belongs")
        elif char in "\"'`":
            after = skip_string(expr, index)
        elif top == "{":
            after = _matcher_token(expr, index)
            if char == "}":
                opens.pop()
        elif (_is_word(char) and not char.isdigit()) or char == ":":
            while after < len(expr) and (_is_word(expr[after]) or expr[after] == ":"):
                after += 1
            callee, index = (expr[index:after], index), after
            continue
        elif char in "0123456789.":  # numbers and durations: their syntax is not checked
            while after < len(expr) and (_is_word(expr[after]) or expr[after] == "."):
                after += 1
        elif char in "({[":
            if char == "(" and callee is not None:
                _check_call(expr, *callee)
            opens.append((char, index))
        elif char in _CLOSES:
            if top != _CLOSES[char]:
                raise Invalid(f"has a '{char}' {at(expr, index)} that closes nothing")
            if char == "]":
                _check_range(expr, opens[-1][1], index)
            opens.pop()
        elif char in "=!":
            if nxt == "~" or (char == "!" and nxt != "="):
                raise Invalid(f"has '{char}{show(nxt)}' {at(expr, index)}; =~ and !~ belong inside {{...}}")
            after += nxt == "="
        elif char not in "+-*/%^,<>@":
            raise Invalid(f"has {show(char)} {at(expr, index)}, which PromQL does not allow")
        callee, index = None, after
    if empty:
        raise Invalid("holds only comments")
    if opens:
        raise Invalid(f"has an unclosed '{opens[-1][0]}' {at(expr, opens[-1][1])}")


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


def _check_call(expr: str, name: str, index: int) -> None:
    if name in _FUNCTIONS or name.lower() in _KEYWORDS:
        return
    if name == "holt_winters":
        raise Invalid(f"calls holt_winters {at(expr, index)}, which Prometheus 3 removed")
    raise Invalid(f"calls '{name}' {at(expr, index)}, which is not a PromQL function")


def _check_range(expr: str, start: int, end: int) -> None:
    """``[5m]`` or ``[1h:5m]`` / ``[1h:]``: positive durations with units (``[300]`` is refused)."""
    inside = re.sub(r"#[^\n]*", "", expr[start + 1 : end])
    match = re.fullmatch(r"\s*(\w+)\s*(?::\s*(\w*)\s*)?", inside)
    parts = [match.group(1), match.group(2) or ""] if match else [inside]
    for number, part in enumerate(parts):
        if number == 1 and not part:
            continue
        try:
            if part.isdigit():
                raise InvalidValue(f"'{part}' has no unit")
            if Duration.parse(part).milliseconds <= 0:
                raise InvalidValue(f"'{part}' must be longer than 0")
        except InvalidValue as err:
            raise Invalid(f"has [{show(inside.strip())}] {at(expr, start)}: {err}") from None


