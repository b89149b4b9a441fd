"""The one definition of text the charm may put in a flag, a label value or YAML, and of how
messages quote what an operator typed. Pure.

Refused everywhere: C0 controls, DEL, C1 controls, the Unicode line and paragraph separators
(U+2028, U+2029), which YAML and many log viewers take as line breaks, and lone surrogates,
which cannot be written as UTF-8. Where layout is allowed (rule files, annotations), newline
and tab may stay.

Single-line options drop leading and trailing ASCII spaces (U+0020) and nothing else: a
refused character is refused wherever it stands, and any other character (a no-break space,
say) is kept and judged like the rest of the value.
"""

import re
from typing import Optional

_REFUSED = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
_IN_LINE = re.compile(f"[\t\n{_REFUSED}]")
_IN_LAYOUT = re.compile(f"[{_REFUSED}]")
EXCERPT_CHARS = 40


def forbidden_character(text: str, layout: bool = False) -> Optional[str]:
    """The first character ``text`` must not hold, or None; ``layout`` lets newline and tab pass."""
    found = (_IN_LAYOUT if layout else _IN_LINE).search(text)
    return found.group() if found else None


def trim_spaces(text: str) -> str:
    """``text`` without leading and trailing ASCII spaces; no other character is trimmed."""
    return text.strip(" ")


def _escaped(char: str) -> str:
    if char == "\\":
        return "\\\\"
    return char if char.isprintable() else repr(char)[1:-1]


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """``value`` quoted for a one-line message: controls and other non-printable characters
    escaped (``\\n``, ``\\x85``, ``\\u2028``), cut after about ``limit`` characters with its
    full length said, so a message never carries a whole (possibly huge) value."""
    shown = ""
    for char in value:
        piece = _escaped(char)
        if len(shown) + len(piece) > limit:
            return f"'{shown}...' ({len(value)} characters)"
        shown += piece
    return f"'{shown}'"


def describe(value: object) -> str:
    """A short, safe way to show any value Juju may hand over: text through ``excerpt``,
    other values by what they are (a number far too long to print is described by its size)."""
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "nothing"
    if isinstance(value, int):
        if value.bit_length() > 128:
            return f"a whole number of {value.bit_length()} bits"
        return str(value)
    return f"a value of type {type(value).__name__}"
