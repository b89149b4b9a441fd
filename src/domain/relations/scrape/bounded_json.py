"""JSON from relation data, read only within bounds. Pure.

``json.loads`` recurses once per level of nesting (CPython's scanner), so 100,000 ``[`` would
exhaust the stack, and it hands any digit string to ``int()``. Before parsing, the raw text is
measured (bytes) and its nesting counted in one pass that skips string contents; numbers are
parsed by hooks that refuse long digit strings, NaN and Infinity (not JSON, but Python's
parser takes them).
"""

import json
from typing import Any

from domain.errors import InvalidValue
from domain.values.json_depth import json_depth

MAX_DEPTH = 16  # a scrape job needs 5 (list, job, tls_config / static_configs, entry, labels)
MAX_NUMBER_CHARS = 32


def _number(text: str) -> Any:
    if len(text) > MAX_NUMBER_CHARS:
        raise InvalidValue(f"a number of {len(text)} characters")
    return float(text) if any(c in text for c in ".eE") else int(text)


def _constant(name: str) -> Any:
    raise InvalidValue(f"{name} is not JSON")


def _unique_keys(pairs: Any) -> Any:
    result = {}
    for key, value in pairs:
        if key in result:
            raise InvalidValue(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def bounded_loads(text: str, what: str, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``text``; ``InvalidValue`` naming ``what`` when it is too large, too
    deep, has duplicate keys or is not JSON."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise InvalidValue(f"{what} is {size} bytes, more than the {max_bytes} accepted")
    if json_depth(text) > max_depth:
        raise InvalidValue(f"{what} is nested deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_int=_number, parse_float=_number, parse_constant=_constant,
                          object_pairs_hook=_unique_keys)
    except InvalidValue as error:
        raise InvalidValue(f"{what}: {error}") from None
    except (ValueError, RecursionError) as error:
        raise InvalidValue(f"{what} is not valid JSON ({str(error)[:80]})") from None
