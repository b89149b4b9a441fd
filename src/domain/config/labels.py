"""``external-labels``: a flat JSON object of label names and text values. Pure.

Its size is bounded by ``parse_config`` before this runs; nesting is refused before ``json.loads``
could recurse (about a thousand levels raised RecursionError), numbers are never converted (a
label value must be text anyway, and int() refuses more than 4300 digits), and a name given twice
is refused rather than the last one silently kept. Only JSON's own white space may surround it.
"""

import json
import re
from typing import Any, List, Tuple

from domain.errors import InvalidValue
from domain.values.json_depth import json_depth
from domain.values.text import excerpt, forbidden_character

LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_EXAMPLE = '{"cluster": "dc1"}'


class _Number:
    """A JSON number, kept unconverted (a label value must be text; big numbers cost nothing)."""


class _Pairs(List[Tuple[str, Any]]):
    """A JSON object's members in order (duplicates kept, so they can be refused)."""


def external_labels(value: object) -> Tuple[Tuple[str, str], ...]:
    """The labels as sorted (name, value) pairs; () for an empty option or ``{}``."""
    if value is not None and not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    found = value or ""
    if not found.strip(" \t\r\n"):  # JSON's own white space
        return ()
    if json_depth(found) > 1:
        raise InvalidValue(f"must be a flat JSON object of label names and text, such as {_EXAMPLE}")
    try:
        labels = json.loads(found, object_pairs_hook=_Pairs, parse_int=lambda _: _Number(),
                            parse_float=lambda _: _Number(), parse_constant=lambda _: _Number())
    except ValueError as err:
        reason = err.msg if isinstance(err, json.JSONDecodeError) else "unreadable"
        raise InvalidValue(f"not valid JSON ({reason.lower()})") from err
    if not isinstance(labels, _Pairs):
        raise InvalidValue(f"must be a JSON object such as {_EXAMPLE}")
    seen = set()
    for name, label_value in labels:
        if not LABEL_NAME.fullmatch(name) or name.startswith("__"):
            raise InvalidValue(f"{excerpt(name)} is not a valid label name")
        if name in seen:
            raise InvalidValue(f"the label {excerpt(name)} is given twice")
        seen.add(name)
        if not isinstance(label_value, str) or not label_value:
            raise InvalidValue(f"the value of {excerpt(name)} must be non-empty text")
        bad = forbidden_character(label_value)
        if bad is not None:
            raise InvalidValue(f"the value of {excerpt(name)} must not contain control characters (found {bad!r})")
    return tuple(sorted(labels))
