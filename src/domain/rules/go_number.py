"""Number literals in Go templates: which ones text/template reads, and to what range. Pure.

Go's template lexer (``lexNumber`` in text/template/parse/lex.go) takes a literal, or two joined
by ``+``/``-`` and ending in ``i`` (a complex number); the parser (``newNumber`` in
parse/node.go) then needs a value: an integer that fits in int64 or uint64 (``ParseInt`` /
``ParseUint`` with base 0, so a leading ``0`` means octal), else a finite float64
(``ParseFloat``: decimal, or hexadecimal with a ``p`` exponent); an imaginary number is a
ParseFloat number and ``i``; a complex one two of them, as ``fmt.Sscan`` reads them.
"""

import math
import re

from domain.rules.tokens import Invalid, show

# Go's literals (https://go.dev/ref/spec#Integer_literals and the float ones after it).
_D, _H = r"[0-9](?:_?[0-9])*", r"[0-9a-fA-F](?:_?[0-9a-fA-F])*"
_INTEGER = re.compile(rf"[+-]?(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX]_?{_H}|{_D})")
# What strconv.ParseFloat reads: a decimal number (leading zeros allowed) or hex with a p exponent.
_UNSIGNED_FLOAT = (rf"(?:0[xX](?:_?{_H}(?:\.(?:{_H})?)?|\.{_H})[pP][+-]?{_D}"
                   rf"|(?:{_D}(?:\.(?:{_D})?)?|\.{_D})(?:[eE][+-]?{_D})?)")
_FLOAT = re.compile(rf"([+-]?{_UNSIGNED_FLOAT})")
_IMAGINARY = re.compile(rf"([+-]?{_UNSIGNED_FLOAT})i")
_COMPLEX = re.compile(rf"([+-]?{_UNSIGNED_FLOAT})([+-]{_UNSIGNED_FLOAT})i")
_BASES = {"b": 2, "o": 8, "x": 16}


def _integer(digits: str) -> int:
    """The value of an unsigned integer literal as ParseUint reads it with base 0."""
    digits = digits.replace("_", "").lower()
    if digits[1:2] in _BASES:
        return int(digits[2:], _BASES[digits[1]])
    return int(digits, 8 if digits[:1] == "0" else 10)


def _is_finite(text: str) -> bool:
    text = text.replace("_", "")
    try:
        return not math.isinf(float.fromhex(text) if "x" in text.lower() else float(text))
    except OverflowError:
        return False


def check_go_number(text: str) -> None:
    """Refuse, naming ``text``, a number token Go's template parser would not read."""
    if _INTEGER.fullmatch(text):
        sign, digits = (text[0], text[1:]) if text[0] in "+-" else ("", text)
        try:
            value = _integer(digits)
        except ValueError:  # 8 or 9 after a leading 0
            raise Invalid(f"'{show(text)}' is not a number: a leading 0 makes it octal") from None
        value = -value if sign == "-" else value
        if not -(2 ** 63) <= value < (2 ** 63 if sign else 2 ** 64):
            raise Invalid(f"'{show(text)}' is too large for a 64-bit integer")
        return
    match = _FLOAT.fullmatch(text) or _IMAGINARY.fullmatch(text) or _COMPLEX.fullmatch(text)
    if not match:
        raise Invalid(f"'{show(text)}' is not a number")
    if not all(_is_finite(part) for part in match.groups()):
        raise Invalid(f"'{show(text)}' is too large for a 64-bit float")
