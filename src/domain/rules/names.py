"""Metric, label and annotation names in a rule file, by Prometheus version. Pure: no I/O.

Before Prometheus 3.0 a name is ASCII letters, digits and ``_`` (``:`` too in metric names),
not starting with a digit; from 3.0 any UTF-8 text is a name (see ``features``). Control
characters and, in recording rule names, ``{``/``}`` are refused in every version (*policy*).
"""

import re

from domain.rules.features import Gate
from domain.rules.tokens import Invalid, show
from domain.values.text import forbidden_character

_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_LEGACY = "letters, digits and '_', not starting with a digit"


def check_record_name(name: str, gate: Gate) -> None:
    """A recording rule's name: the metric name its results are stored under."""
    if _METRIC_NAME.fullmatch(name):
        return
    if "{" in name or "}" in name:
        raise Invalid("a recording rule name must be a metric name such as job:up:sum, without { or }")
    refusal = gate.refusal("utf8 names")
    if refusal:
        raise Invalid(f"a recording rule name must be a metric name such as job:up:sum; {refusal}")


def check_label_name(name: str, gate: Gate, what: str) -> None:
    """A label or annotation name (``what`` says which)."""
    if not _LABEL_NAME.fullmatch(name):
        refusal = gate.refusal("utf8 names")
        if refusal:
            raise Invalid(f"{what} name '{show(name)}' is not valid: use {_LEGACY}; {refusal}")
        found = forbidden_character(name)
        if found:
            raise Invalid(f"{what} name '{show(name)}' holds the control character {show(found)}")
    if what == "label" and name == "__name__":
        raise Invalid("label '__name__' is the metric name, which a rule cannot set")
    if what == "label" and name.startswith("__"):
        raise Invalid(f"label '{show(name)}' starts with '__', which Prometheus reserves")
