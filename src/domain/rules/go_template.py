"""Go text/template checks, as Prometheus parses alert labels and annotations. Pure: no I/O."""

from typing import List, Tuple

from domain.rules.features import TEMPLATE_FUNCTIONS, Gate
from domain.rules.go_lexer import GO_SPACE, Token, is_right_delim, template_tokens
from domain.rules.tokens import Invalid, show

# Go's own functions and Prometheus' since 2.x; those added later are in features.TEMPLATE_FUNCTIONS.
_TEMPLATE_FUNCTIONS = frozenset({
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne", "query", "first", "label", "value", "strvalue",
    "args", "reReplaceAll", "safeHtml", "match", "title", "toUpper", "toLower", "graphLink",
    "tableLink", "sortByLabel", "humanize", "humanize1024", "humanizeDuration", "humanizeTimestamp",
    "pathPrefix", "externalURL",
})
_TEMPLATE_VARIABLES = ("$", "$labels", "$externalLabels", "$externalURL", "$value")
_VALUES = ("string", "char", "number", "literal")


class _Frame:
    """An open ``if``/``with``/``range``/``define``/``block`` (or the text) and its variables."""

    def __init__(self, kind: str, variables: Tuple[str, ...] = ()) -> None:
        self.kind, self.in_else, self.variables = kind, False, list(variables)


class _Scopes(List[_Frame]):
    """The open frames, innermost last, and the gate of the image's Prometheus version."""

    def __init__(self, gate: Gate) -> None:
        super().__init__([_Frame("text", _TEMPLATE_VARIABLES)])
        self.gate = gate

    def require(self, key: str) -> None:
        refusal = self.gate.refusal(key)
        if refusal:
            raise Invalid(refusal)


def _defined(frames: _Scopes, variable: str) -> bool:
    for frame in reversed(frames):
        if variable in frame.variables:
            return True
        if frame.kind in ("define", "block"):  # a template body sees its own variables and $
            return variable == "$"
    return False


def _in_range(frames: _Scopes) -> bool:
    for frame in reversed(frames):
        if frame.kind in ("define", "block"):
            return False
        if frame.kind == "range" and not frame.in_else:
            return True
    return False


def check_template(text: str, gate: Gate) -> None:
    frames = _Scopes(gate)
    index = text.find("{{")
    while index >= 0:
        index += 2
        if text[index : index + 1] == "-" and text[index + 1 : index + 2] in GO_SPACE:
            index += 2  # "{{- " trims the space before it
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                raise Invalid("a {{/* comment */}} is not closed")
            if not is_right_delim(text, end + 2):
                raise Invalid("a comment must end right before }}")
            index = text.find("}}", end + 2) + 2
        else:
            tokens, index = template_tokens(text, index)
            _check_action(tokens, frames)
        index = text.find("{{", index)
    if len(frames) > 1:
        raise Invalid(f"{{{{{frames[-1].kind}}}}} has no {{{{end}}}}")


def _check_action(tokens: List[Token], frames: _Scopes) -> None:
    word = tokens[0][1] if tokens and tokens[0][0] == "keyword" else ""
    rest, frame = tokens[1:], frames[-1]
    if not word:
        _check_pipeline(tokens, frames, "{{ }}")
    elif word in ("if", "with", "range"):
        frames.append(_Frame(word))
        _check_pipeline(rest, frames, f"{{{{{word}}}}}", 2 if word == "range" else 1)
    elif word == "else":
        if frame.kind not in ("if", "with", "range") or frame.in_else:
            raise Invalid("{{else}} is not inside {{if}}, {{with}} or {{range}}, or comes twice")
        if rest[:1] and rest[0][1] == "if" and frame.kind == "if":
            _check_pipeline(rest[1:], frames, "{{else if}}")
        elif rest[:1] and rest[0][1] == "with" and frame.kind == "with":
            frames.require("else with")
            _check_pipeline(rest[1:], frames, "{{else with}}")
        elif rest:
            raise Invalid(f"unexpected '{show(rest[0][1])}' after {{{{else}}}}")
        frame.in_else = not rest
    elif word in ("end", "break", "continue"):
        if rest:
            raise Invalid(f"unexpected '{show(rest[0][1])}' after {{{{{word}}}}}")
        if word != "end" and not _in_range(frames):
            raise Invalid(f"{{{{{word}}}}} is not inside {{{{range}}}}")
        if word == "end" and len(frames) == 1:
            raise Invalid("{{end}} closes nothing")
        if word == "end":
            frames.pop()
    else:  # define, block, template
        if not rest or rest[0][0] != "string":
            raise Invalid(f"{{{{{word}}}}} needs a quoted template name")
        if word == "define" and (len(frames) > 1 or len(rest) > 1):
            raise Invalid("{{define}} takes only a name and must be outside other actions")
        if word == "block" or (word == "template" and rest[1:]):
            _check_pipeline(rest[1:], frames, f"{{{{{word}}}}}")
        if word != "template":
            frames.append(_Frame(word))  # it sees only its own variables and $ (see _defined)


def _check_pipeline(tokens: List[Token], frames: _Scopes, what: str, declarations: int = 1) -> None:
    """``[$a[, $b] := | =] command | command ...``: any pipeline, also in ``(...)``, ``{{block}}`` or
    ``{{template}}``, may declare a variable, only ``{{range}}`` two (Go's ``Tree.pipeline``)."""
    tokens = _declare(tokens, frames, what, declarations)
    if not tokens:
        raise Invalid(f"{what} is missing a value")
    command: List[Token] = []
    depth, stage = 0, 1
    for token in [*tokens, ("|", "|", False)]:
        depth += {"(": 1, ")": -1}.get(token[0], 0)
        if token[0] != "|" or depth:
            command.append(token)
            continue
        _check_command(command, frames)
        if stage > 1 and (command[0][0] in _VALUES or command[0][1] == "."):
            raise Invalid(f"'{show(command[0][1])}' after '|' is a value; a function must follow '|'")
        command, stage = [], stage + 1


def _declare(tokens: List[Token], frames: _Scopes, what: str, declarations: int) -> List[Token]:
    """Adds the variables a pipeline declares to the innermost frame; returns the tokens after them.

    As Go reads them: ``$a :=`` or ``$a =``, and in ``{{range}}`` also ``$a, $b :=`` and
    ``$a, $b`` (which declares ``$a`` and ranges over ``$b``)."""
    names: List[str] = []
    index, separator = 0, ""
    while index < len(tokens) and tokens[index][0] == "variable":
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if following not in ("declare", "=", ","):
            break
        names.append(tokens[index][1])
        index += 2
        if following != ",":
            separator = following
            break
        if len(names) == declarations:
            raise Invalid(f"{what} declares too many variables")
        if index < len(tokens) and tokens[index][0] != "variable":
            raise Invalid(f"{what} can only declare variables")
    for name in names:
        if separator == "=" and not _defined(frames, name):
            raise Invalid(f"{name} is assigned before it is declared with :=")
        frames[-1].variables.append(name)
    return tokens[index:]


def _check_command(tokens: List[Token], frames: _Scopes) -> None:
    """Operands apart, variables defined, functions known; ``(...)`` is a pipeline of its own."""
    if not tokens:
        raise Invalid("a '|' has no command on one side")
    index = 0
    while index < len(tokens):
        kind, text, glued = tokens[index]
        before = tokens[index - 1] if index else ("", "", False)
        if index and glued and kind != "field":
            raise Invalid(f"'{show(before[1] + text)}' needs a space before '{show(text)}'")
        chain = before[0] in ("variable", "field", "function", ")") and before[1] != "."
        if index and glued and (not chain or text == "."):
            raise Invalid(f"'{show(before[1] + text)}' is not a field access")
        if kind == "(":
            end, depth = index + 1, 1
            while depth:
                depth += {"(": 1, ")": -1}.get(tokens[end][0], 0)
                end += 1
            _check_pipeline(tokens[index + 1 : end - 1], frames, "(...)")
            index = end
            continue
        if kind not in ("variable", "field", "function", *_VALUES):
            raise Invalid(f"unexpected '{show(text)}'")
        if kind == "variable" and not _defined(frames, text):
            raise Invalid(f"undefined variable {text}" + (" (did you mean $labels?)" if text == "$label" else ""))
        if kind == "function" and text in TEMPLATE_FUNCTIONS:
            frames.require(text)
        elif kind == "function" and text not in _TEMPLATE_FUNCTIONS:
            raise Invalid(f"function '{show(text)}' is not defined")
        index += 1

