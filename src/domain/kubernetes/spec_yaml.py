"""Whether a text survives the trip from ``ops`` to Juju's pod-spec parser as a string. Pure.

``ops`` writes the pod spec with PyYAML's ``safe_dump`` (``ops.model._ModelBackend.pod_spec_set``;
``ops._private.yaml``: libyaml's ``CSafeDumper`` when PyYAML has it). PyYAML quotes a string
only where its own YAML 1.1 resolver would read it as something else. Juju turns the file into
JSON with sigs.k8s.io/yaml, which resolves plain scalars with go-yaml v2, and decodes that JSON
into string fields (caas/kubernetes/provider/specs/decode.go ``YAMLOrJSONDecoder``): a plain
scalar that go-yaml reads as a boolean or a number fails every hook ("cannot unmarshal bool
into Go struct field"). The two resolvers differ: PyYAML writes ``y``, ``0o17``, ``1e+5``,
``08`` or ``+.5`` unquoted, go-yaml v2 reads them as ``true``, 15, 100000.0, 8.0 and 0.5.

``reaches_juju_as_string`` emits the text as ``ops`` does and resolves what comes out plain
the way go-yaml v2 does (gopkg.in/yaml.v2 2.4.0 resolve.go ``resolve``, with Go's strconv
``ParseInt``/``ParseUint``/``ParseFloat``). tests/e2e/test_spec_yaml_go.py holds both against
the real sigs.k8s.io/yaml where Go is installed.
"""

import math
import re
from typing import Any, Optional

import yaml

_OPS_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# resolve.go resolveMapList: spellings go-yaml v2 maps to a bool, null or float. (It maps "<<"
# too, to the merge key, but as a value that is the string "<<".)
_RESOLVE_MAP = frozenset(
    "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF"
    " ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF".split()
) | {""}
_MAP_HINT = frozenset("yYnNtTfFoO~")  # resolveTable 'M': only the map can make these non-strings
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# What Go's ParseFloat takes of a text that starts with '.': digits, '_' only between digits.
_DOT_FLOAT = re.compile(r"\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?")


def _go_parse_uint(s: str, base: int = 0) -> Optional[int]:
    """strconv.ParseUint(s, base, 64); base 0 reads the prefixes 0b, 0o, 0x (then at least one
    more character) and a leading 0 as octal."""
    if not s:
        return None
    digits = s
    if base == 0:
        base = 10
        if s[0] == "0":
            prefix = s[1:2].lower()
            if len(s) >= 3 and prefix in ("b", "o", "x"):
                base, digits = {"b": 2, "o": 8, "x": 16}[prefix], s[2:]
            else:
                base, digits = 8, s[1:]
    value = 0
    for char in digits:
        digit = int(char, 36) if char.isascii() and char.isalnum() else base
        if digit >= base:
            return None
        value = value * base + digit
    return value if value < 1 << 64 else None


def _go_parse_int(s: str, base: int = 0) -> Optional[int]:
    """strconv.ParseInt(s, base, 64): an optional sign, then ParseUint within int64."""
    negative = s[:1] == "-"
    value = _go_parse_uint(s[1:] if s[:1] in ("+", "-") else s, base) if s else None
    if value is None or value > (1 << 63) - (0 if negative else 1):
        return None
    return -value if negative else value


def _finite(text: str) -> bool:
    """ParseFloat's range check: a value that rounds to infinity is an error."""
    return math.isfinite(float(text.replace("_", "")))


def go_yaml_v2_is_string(plain: str) -> bool:
    """Whether go-yaml v2 resolves this plain (unquoted, untagged) scalar to a string.

    Timestamps (``2006-1-2``, ...) need no case: go-yaml v2 gives them back as their text, and
    nothing that starts like one reads as a number.
    """
    if plain in _RESOLVE_MAP:
        return False
    first = plain[0]
    if first == ".":
        return not (_DOT_FLOAT.fullmatch(plain) and _finite(plain))
    if first in _MAP_HINT or not (first in "+-" or "0" <= first <= "9"):
        return True
    digits = plain.replace("_", "")
    if _go_parse_int(digits) is not None or _go_parse_uint(digits) is not None:
        return False
    if _YAML_STYLE_FLOAT.fullmatch(digits) and _finite(digits):
        return False
    if digits.startswith("0b"):
        return _go_parse_int(digits[2:], 2) is None and _go_parse_uint(digits[2:], 2) is None
    if digits.startswith("-0b"):
        return _go_parse_int("-" + digits[3:], 2) is None
    return True


def reaches_juju_as_string(text: str) -> bool:
    """Whether ``text``, written as ops writes the pod spec, is a string where Juju reads it."""
    emitted = yaml.dump({"value": text}, Dumper=_OPS_DUMPER)
    scalar = [event for event in yaml.parse(emitted, Loader=_LOADER) if isinstance(event, yaml.ScalarEvent)][1]
    return bool(scalar.style) or go_yaml_v2_is_string(scalar.value)
