"""Kubernetes label selectors (``app=x,tier in (a,b),!canary``), read as the API machinery reads
them, and written back. Pure.

Prometheus checks a ``kubernetes_sd_configs`` selector's ``label`` with ``labels.Parse`` of
kubernetes/apimachinery (pkg/labels/selector.go), so the same grammar decides here:

* the lexer skips `` \\t\\r\\n``; ``= ! ( ) , < >`` are symbols (``=``, ``==``, ``!=``, ``!``,
  ``(``, ``)``, ``,``, ``<``, ``>``); any other run of bytes is a word, ``in``/``notin`` being
  keywords after a key;
* a requirement is ``key``, ``!key``, ``key op value`` (op ``=``, ``==``, ``!=``, ``>``, ``<``;
  the value may be empty) or ``key in|notin (v1,v2,...)`` (``()`` is the set of the empty
  value); requirements are separated by ``,``;
* ``NewRequirement`` checks the key as a qualified name (``[prefix/]name``: a DNS subdomain of
  lowercase letters, digits, ``-``, ``.`` of at most 253, and a name of at most 63 characters
  of letters, digits, ``-``, ``_``, ``.`` starting and ending alphanumeric), every value as a
  label value (at most 63, the same characters, empty allowed), ``>``/``<`` values as int64.

Anything but printable ASCII, tab, CR and LF is refused before parsing. Outside ASCII that
changes only the message (such a character can only stand in a key or value, which it makes
invalid); for controls it is ours: the Go lexer stops at a NUL byte and ignores what follows.
"""

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from domain.values.text import excerpt

MAX_SELECTOR_CHARS = 1024
_SYMBOLS = "=!(),<>"
_OPERATORS = ("==", "!=", "=", "!", "(", ")", ",", "<", ">")
_BINARY = {"=", "==", "!=", ">", "<", "in", "notin"}
_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]", re.ASCII)
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(rf"{_DNS_LABEL}(\.{_DNS_LABEL})*", re.ASCII)
_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", re.ASCII)
_INT64 = re.compile(r"[+-]?[0-9]+", re.ASCII)


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str  # "exists", "!", "=", "==", "!=", ">", "<", "in", "notin"
    values: Tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.operator == "exists":
            return self.key
        if self.operator == "!":
            return f"!{self.key}"
        if self.operator in ("in", "notin"):
            return f"{self.key} {self.operator} ({','.join(self.values)})"
        return f"{self.key}{self.operator}{self.values[0]}"


def parse(text: str) -> Union[Tuple[Requirement, ...], str]:
    """The requirements of ``text``, or why Kubernetes (and so Prometheus) refuses it."""
    if len(text) > MAX_SELECTOR_CHARS:
        return f"is longer than {MAX_SELECTOR_CHARS} characters"
    if any(not " " <= c <= "~" and c not in "\t\r\n" for c in text):
        return "holds a character other than printable ASCII, tab or line breaks"
    tokens = _lex(text)
    if isinstance(tokens, str):
        return tokens
    requirements: List[Requirement] = []
    position = 0
    while position < len(tokens):
        found = _requirement(tokens, position)
        if isinstance(found, str):
            return found
        requirement, position = found
        requirements.append(requirement)
        if position < len(tokens):
            if tokens[position] != ",":
                return f"found {excerpt(tokens[position])}, expected: ',' or 'end of string'"
            position += 1
            if position == len(tokens) or (_is_symbol(tokens[position]) and tokens[position] != "!"):
                following = tokens[position] if position < len(tokens) else ""
                return f"found {excerpt(following)}, expected: identifier after ','"
    return tuple(requirements)


def with_key_renamed(requirements: Tuple[Requirement, ...], old: str, new: str) -> Tuple[Requirement, ...]:
    return tuple(Requirement(new if r.key == old else r.key, r.operator, r.values) for r in requirements)


def render(requirements: Tuple[Requirement, ...]) -> str:
    return ",".join(str(r) for r in requirements)


def _is_symbol(token: str) -> bool:
    return token in _OPERATORS


def _lex(text: str) -> Union[List[str], str]:
    tokens: List[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in " \t\r\n":
            i += 1
        elif char in _SYMBOLS:
            j = i
            while j < len(text) and text[j] in _SYMBOLS:
                j += 1
            run = text[i:j]  # the longest run of symbols that is one operator, as Go's lexer takes it
            for length in range(len(run), 0, -1):
                if run[:length] in _OPERATORS:
                    tokens.append(run[:length])
                    i += length
                    break
            else:  # pragma: no cover (every single symbol is an operator)
                return f"error expected: keyword found {excerpt(run)}"
        else:
            j = i
            while j < len(text) and text[j] not in _SYMBOLS and text[j] not in " \t\r\n":
                j += 1
            tokens.append(text[i:j])
            i = j
    return tokens


def _requirement(tokens: List[str], position: int) -> Union[Tuple[Requirement, int], str]:
    negated = tokens[position] == "!"
    if negated:
        position += 1
    key = tokens[position] if position < len(tokens) else ""
    if position >= len(tokens) or _is_symbol(key):
        return f"found {excerpt(key)}, expected: identifier"
    key_problem = _key_problem(key)
    if key_problem:
        return key_problem
    position += 1
    if position == len(tokens) or tokens[position] == ",":
        return Requirement(key, "!" if negated else "exists"), position
    if negated:
        return f"found {excerpt(tokens[position])}, expected: ',' or 'end of string'"
    operator = tokens[position]
    if operator not in _BINARY:
        return f"found {excerpt(operator)}, expected: in, notin, =, ==, !=, gt, lt"
    position += 1
    if operator in ("in", "notin"):
        found = _value_set(tokens, position)
        if isinstance(found, str):
            return found
        values, position = found
    else:
        following = tokens[position] if position < len(tokens) else ","
        if following == ",":
            values = ("",)
        elif _is_symbol(following):
            return f"found {excerpt(following)}, expected: identifier"
        else:
            values, position = (following,), position + 1
    problem = _values_problem(key, operator, values)
    return problem if problem else (Requirement(key, operator, values), position)


def _value_set(tokens: List[str], position: int) -> Union[Tuple[Tuple[str, ...], int], str]:
    """``(v1,v2,...)``: values separated by commas, where a missing value is the empty one
    (``()``, ``(,)``, ``(a,,)`` all hold ""), as apimachinery's parseValues reads them."""
    def at(i: int) -> str:
        return tokens[i] if i < len(tokens) else ""  # "": the end of the string

    if at(position) != "(":
        return f"found {excerpt(at(position))} expected: '('"
    position += 1
    values = set()
    expect_value = True
    while True:
        item = at(position)
        position += 1
        if item == ")":
            if expect_value:
                values.add("")
            return tuple(sorted(values)), position
        if item == ",":
            if expect_value:
                values.add("")
            expect_value = True
        elif item == "" or _is_symbol(item):
            return f"found {excerpt(item)}, expected: ',', ')' or identifier"
        elif not expect_value:
            return f"found {excerpt(item)}, expected: ',' or ')'"
        else:
            values.add(item)
            expect_value = False


def _key_problem(key: str) -> Optional[str]:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or "/" in prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return f"key {excerpt(key)}: the prefix must be a lowercase DNS subdomain of at most 253 characters"
    if not name or len(name) > 63 or not _NAME.fullmatch(name):
        return (f"key {excerpt(key)}: a name of at most 63 letters, digits, '-', '_' or '.', "
                "starting and ending with a letter or digit")
    return None


def _values_problem(key: str, operator: str, values: Tuple[str, ...]) -> Optional[str]:
    for value in values:
        if len(value) > 63 or not _VALUE.fullmatch(value):
            return (f"{excerpt(key)}: value {excerpt(value)} is not a label value (at most 63 letters, digits, "
                    "'-', '_' or '.', starting and ending with a letter or digit)")
    # strconv.ParseInt(value, 10, 64); the value is at most 63 characters by now
    if operator in (">", "<") and not (_INT64.fullmatch(values[0]) and -2**63 <= int(values[0]) < 2**63):
        return f"{excerpt(key)}{operator}: the value must be an integer"
    return None
