"""A conservative test that Go's ``regexp`` (RE2 syntax) compiles a relabel regex. Pure.

Prometheus compiles each relabel ``regex`` as ``^(?s:<regex>)$`` with Go's ``regexp.Compile``
when it loads the configuration (prometheus/prometheus model/relabel/relabel.go: ``NewRegexp``);
one that does not compile fails the whole configuration. This module accepts a subset of RE2
that it can prove compiles, and refuses the rest (even where Go would accept it):

* literals (any character but controls; ASCII punctuation escaped with ``\\``), ``.``, ``^``, ``$``;
* the escapes ``\\d \\D \\s \\S \\w \\W \\b \\B \\n \\t``;
* classes ``[...]``/``[^...]`` of literals, escapes and ascending ranges, with no ``[`` inside
  (so no ``[:alpha:]``) and no ``]`` first;
* groups ``(...)``, ``(?:...)``, ``(?P<name>...)`` and the flag group ``(?i)`` at the start;
* ``|``; the quantifiers ``* + ?`` and ``{n}``, ``{n,}``, ``{n,m}`` (n <= m <= 1000, Go's
  limit; syntax/parse.go ``maxRepeat``), each optionally followed by ``?`` (lazy), never after
  another quantifier (``a**`` is "invalid nested repetition" in Go), never on nothing.

Nested counted repetitions are bounded as a product (Go refuses ``(a{1000}){1000}`` as too large:
syntax/parse.go ``checkSize``). Backreferences, look-around, ``\\p{..}``, ``\\Q..\\E``, ``\\x..``,
possessive quantifiers and other flags are refused: Go has none of the first ones, and the
rest are not needed by relabel rules.
"""

from typing import Optional, Set

MAX_REGEX_CHARS = 4096
MAX_REPEAT = 1000
_CLASS_ESCAPES = set("dDsSwW")
_ESCAPES = _CLASS_ESCAPES | set("bBnt")
_PUNCT = set("\\.+*?()|[]{}^$-/:,#&~%!@=<>'\"`;_ ")


class _Refused(Exception):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self) -> Optional[str]:
        return self.text[self.at] if self.at < len(self.text) else None

    def take(self) -> str:
        char = self.text[self.at]
        self.at += 1
        return char

    def alternation(self, depth: int) -> int:
        """Parse ``a|b|...`` up to ``)`` or the end; returns the largest repeat product inside."""
        if depth > 32:
            raise _Refused("groups nested more than 32 deep")
        size = self.sequence(depth)
        while self.peek() == "|":
            self.take()
            size = max(size, self.sequence(depth))
        return size

    def sequence(self, depth: int) -> int:
        size = last = 1
        can_repeat = False
        while self.peek() not in (None, "|", ")"):
            char = self.peek() or ""
            if char in "*+?{":
                if not can_repeat:
                    raise _Refused(f"a quantifier {char!r} with nothing to repeat, or after another")
                size = max(size, self.quantifier() * last)
                can_repeat = False
                continue
            last = self.atom(depth)
            size = max(size, last)
            can_repeat = last > 0
        return size

    def quantifier(self) -> int:
        char = self.take()
        factor = 1
        if char == "{":
            close = self.text.find("}", self.at)
            body = self.text[self.at:close] if close >= 0 else ""
            low, _, high = body.partition(",")
            digits = low.isdigit() and low.isascii() and (not high or (high.isdigit() and high.isascii()))
            if close < 0 or not digits:
                raise _Refused("a counted repetition must be {n}, {n,} or {n,m} with ASCII digits")
            if len(low) > 4 or len(high) > 4 or int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
                raise _Refused(f"a counted repetition over {MAX_REPEAT}")
            if high and int(high) < int(low):
                raise _Refused("a counted repetition {n,m} with m < n")
            factor = max(int(low), int(high or 0), 1)
            self.at = close + 1
        if self.peek() == "?":
            self.take()
        if self.peek() in ("*", "+", "?", "{"):
            raise _Refused("a quantifier after another (Go: invalid nested repetition)")
        return factor

    def atom(self, depth: int) -> int:
        """Parse one atom; returns its repeat size (0: an assertion that cannot repeat)."""
        char = self.take()
        if char == "(":
            return self.group(depth)
        if char == "[":
            self.char_class()
            return 1
        if char == "\\":
            self.escape(_ESCAPES)
            return 1
        if char in "^$":
            return 0
        if char in "]}":
            raise _Refused(f"an unescaped {char!r}")
        if not char.isprintable():
            raise _Refused("a control or non-printable character")
        return 1

    def group(self, depth: int) -> int:
        if self.text.startswith("?:", self.at):
            self.at += 2
        elif self.text.startswith("?P<", self.at):
            close = self.text.find(">", self.at)
            name = self.text[self.at + 3:close] if close > 0 else ""
            if not (name and name.isascii() and (name[0].isalpha() or name[0] == "_")
                    and all(c.isalnum() or c == "_" for c in name)):
                raise _Refused("a group name must be ASCII letters, digits and '_'")
            self.at = close + 1
        elif self.peek() == "?":
            raise _Refused("only (?:...) and (?P<name>...) groups, and (?i) at the start, are accepted")
        size = self.alternation(depth + 1)
        if self.peek() != ")":
            raise _Refused("a '(' without its ')'")
        self.take()
        return max(size, 1)

    def escape(self, letters: Set[str]) -> None:
        if self.peek() is None:
            raise _Refused("a trailing backslash")
        char = self.take()
        if char in _PUNCT or char in letters:
            return
        raise _Refused(f"the escape \\{char} (only punctuation and \\d \\s \\w \\b \\n \\t are accepted)")

    def char_class(self) -> None:
        if self.peek() == "^":
            self.take()
        if self.peek() == "]":
            raise _Refused("a class starting with ']'")
        members = 0
        previous: Optional[str] = None
        while True:
            char = self.peek()
            if char is None:
                raise _Refused("a '[' without its ']'")
            self.take()
            if char == "]":
                break
            if char == "[":
                raise _Refused("'[' inside a class (escape it)")
            if not char.isprintable():
                raise _Refused("a control or non-printable character")
            literal: Optional[str] = char
            if char == "\\":
                escaped = self.peek()
                self.escape(_CLASS_ESCAPES | set("nt"))
                literal = escaped if escaped in _PUNCT else None
            elif char == "-" and previous is not None and self.peek() not in (None, "]"):
                high = self.take()
                if high == "\\":
                    high = self.peek() or ""
                    self.escape(set())
                if high == "[" or not high.isprintable() or ord(high) < ord(previous):
                    raise _Refused("a class range must ascend (a-z)")
                literal = None
            members += 1
            previous = literal
        if members == 0:
            raise _Refused("an empty class")


def re2_refusal(regex: str) -> Optional[str]:
    """Why the charm does not accept ``regex``, or None when Go's regexp surely compiles it."""
    if len(regex) > MAX_REGEX_CHARS:
        return f"a regex of {len(regex)} characters (at most {MAX_REGEX_CHARS})"
    parser = _Parser(regex[4:] if regex.startswith("(?i)") else regex)
    try:
        size = parser.alternation(0)
        if parser.peek() is not None:
            raise _Refused("a ')' without its '('")
        if size > MAX_REPEAT:
            raise _Refused(f"nested repetitions counting over {MAX_REPEAT}")
    except _Refused as refused:
        return str(refused)
    return None
