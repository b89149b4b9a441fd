"""Where the vector selectors of a PromQL expression are, without a full parser. Pure.

For expressions ``promql.check_expr`` has accepted: a selector is a metric name standing where
an operand belongs and not called (``up``, ``job:up:sum``, even ``rate`` or ``sum`` with no
``(`` after it), with the ``{...}`` that follows, or a ``{...}`` alone, as Prometheus' grammar
reads it (prometheus/prometheus promql/parser/generated_parser.y ``vector_selector``,
``metric_identifier``, ``aggregate_expr``, ``bin_modifier``, ``offset_expr``; lex.go: keywords
in any case, ``inf``/``nan`` numbers). Label lists, function names, ``offset``/``@`` operands,
strings, ranges and subquery steps are not selectors; matcher names may be quoted (3.0+) and
``{"name"}`` names the metric. What this walk does not expect raises ``Invalid``, so no
expression is scoped that was not fully understood.
"""

import re
from dataclasses import dataclass
from typing import List, Tuple

from domain.rules.tokens import Invalid, at, show

Token = Tuple[str, int, int]  # kind ("word", "number", "string" or the operator itself), start, end

_TOKEN = re.compile(r"""(?P<space>[ \t\r\n]+|\#[^\n]*)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)
    |(?P<number>[0-9.][A-Za-z0-9_:.]*)
    |(?P<word>[A-Za-z_:][A-Za-z0-9_:]*)
    |(?P<op>==|!=|<=|>=|=~|!~|[-+*/%^<>=@(){}\[\],])""", re.VERBOSE)
_BINARY = frozenset({"+", "-", "*", "/", "%", "^", "==", "!=", "<", ">", "<=", ">="})
_SET_OPERATORS = frozenset({"and", "or", "unless", "atan2"})
_AGGREGATIONS = frozenset({"sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk",
                           "bottomk", "count_values", "quantile", "limitk", "limit_ratio"})
_MATCH_OPERATORS = ("=", "!=", "=~", "!~")
_ESCAPE = re.compile(r"\\(?:([abfnrtv\\'\"])|([0-7]{3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


@dataclass(frozen=True)
class Matcher:
    """One ``name op "value"`` inside ``{...}`` (names and values unquoted)."""

    name: str
    op: str
    value: str


@dataclass(frozen=True)
class Selector:
    """One vector selector: where its name ends (or -1) and where its ``{`` is (or -1)."""

    name_end: int
    brace: int
    matchers: Tuple[Matcher, ...]


def tokenize(expr: str) -> List[Token]:
    """The tokens of ``expr``, comments and spaces left out."""
    out: List[Token] = []
    index, size = 0, len(expr)
    while index < size:
        match = _TOKEN.match(expr, index)
        if match is None:
            raise Invalid(f"has {show(expr[index])} {at(expr, index)}, which PromQL does not allow")
        kind = match.lastgroup or ""
        if kind != "space":
            out.append((match.group() if kind == "op" else kind, index, match.end()))
        index = match.end()
    return out


def unquote(text: str) -> str:
    """A PromQL string's value (Go's escapes; ``check_expr`` has checked them)."""
    return text[1:-1] if text[0] == "`" else _ESCAPE.sub(_unescape, text[1:-1])


def _unescape(match: "re.Match[str]") -> str:
    simple, octal, *digits = match.groups()
    if simple:
        return _ESCAPES.get(simple, simple)
    return chr(int(octal, 8)) if octal else chr(int(next(d for d in digits if d), 16))


class _Walk:
    """Reads the tokens once, left to right, knowing whether an operand or an operator is next."""

    def __init__(self, expr: str) -> None:
        self.expr, self.tokens, self.pos = expr, tokenize(expr), 0
        self.found: List[Selector] = []
        end = ["", "", ""]  # past the last token: nothing, however far one looks ahead
        self.kinds = [kind for kind, _, _ in self.tokens] + end
        self.words = [expr[start:stop].lower() if kind == "word" else "" for kind, start, stop in self.tokens] + end

    def kind(self, ahead: int = 0) -> str:
        return self.kinds[self.pos + ahead]

    def word(self, ahead: int = 0) -> str:
        return self.words[self.pos + ahead]

    def text(self, index: int) -> str:
        return self.expr[self.tokens[index][1] : self.tokens[index][2]]

    def fail(self, what: str) -> Invalid:
        if self.pos >= len(self.tokens):
            return Invalid(f"ends where {what} belongs")
        return Invalid(f"has {show(self.text(self.pos))} {at(self.expr, self.tokens[self.pos][1])} where {what} "
                       "belongs")

    def expect(self, kind: str, what: str) -> None:
        if self.kind() != kind:
            raise self.fail(what)
        self.pos += 1

    def run(self) -> List[Selector]:
        operand = True
        while self.pos < len(self.tokens):
            operand = self.operand() if operand else self.operator()
        if operand:
            raise self.fail("an operand")
        return self.found

    def operand(self) -> bool:
        """One token where an operand begins; True while an operand is still to come."""
        kind, word = self.kind(), self.word()
        self.pos += 1
        if kind in ("+", "-", "("):
            return True
        if kind in ("number", "string") or word in ("inf", "nan"):
            return False
        if kind == ")" and self.pos >= 2 and self.tokens[self.pos - 2][0] == "(":
            return False  # a call without arguments, e.g. time()
        if kind == "word" and self.kind() == "(":
            self.pos += 1
            return True
        if kind == "word" and word in _AGGREGATIONS and self.word() in ("by", "without"):
            self.pos += 1
            self.label_list()
            self.expect("(", "the aggregation's '('")
            return True
        if kind in ("word", "{"):
            self.pos -= kind == "{"
            self.selector(self.tokens[self.pos - 1][2] if kind == "word" else -1)
            return False
        self.pos -= 1
        raise self.fail("an operand")

    def operator(self) -> bool:
        """What follows a complete operand; True when an operand comes next."""
        kind, word = self.kind(), self.word()
        self.pos += 1
        if kind == ")":
            return False
        if kind == ",":
            return True
        if kind == "[":
            while self.kind() not in ("]", ""):
                self.pos += 1
            self.expect("]", "a ']'")
            return False
        if kind == "@" or word == "offset":
            self.pos += self.kind() in ("+", "-")
            if kind == "@" and self.word() in ("start", "end"):
                self.pos += 1
                self.expect("(", "'('")
                self.expect(")", "')'")
            else:
                self.expect("number", "a time or duration")
            return False
        if word in ("by", "without"):
            self.label_list()
            return False
        if kind in _BINARY or word in _SET_OPERATORS:
            self.pos += self.word() == "bool"
            if self.word() in ("on", "ignoring"):
                self.pos += 1
                self.label_list()
            if self.word() in ("group_left", "group_right"):
                self.pos += 1
                if self.kind() == "(":
                    self.label_list()
            return True
        self.pos -= 1
        raise self.fail("an operator")

    def label_list(self) -> None:
        self.expect("(", "a '(' opening a list of label names")
        while self.kind() in ("word", "string", ","):
            self.pos += 1
        self.expect(")", "a label name or ')'")

    def selector(self, name_end: int) -> None:
        matchers: List[Matcher] = []
        brace = -1
        if self.kind() == "{":
            brace = self.tokens[self.pos][1]
            self.pos += 1
            while self.kind() != "}":
                self.pos += self.kind() == ","
                if self.kind() in ("word", "string"):
                    matchers.append(self.matcher())
                elif self.kind() != "}":
                    raise self.fail("a label matcher")
            self.pos += 1
        self.found.append(Selector(name_end, brace, tuple(matchers)))


    def matcher(self) -> Matcher:
        quoted, name = self.kind() == "string", self.text(self.pos)
        self.pos += 1
        if self.kind() not in _MATCH_OPERATORS:
            if not quoted:
                raise self.fail("a matcher operator")
            return Matcher("__name__", "=", unquote(name))  # {"metric.name"}, 3.0+
        op = self.kind()
        self.pos += 1
        if self.kind() != "string":
            raise self.fail("a quoted label value")
        self.pos += 1
        return Matcher(unquote(name) if quoted else name, op, unquote(self.text(self.pos - 1)))


def find_selectors(expr: str) -> List[Selector]:
    """Every vector selector of ``expr``, left to right; ``Invalid`` when it cannot tell."""
    return _Walk(expr).run()
