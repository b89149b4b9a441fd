"""Go text/template lexing: the tokens of one ``{{ }}`` action, as Go's lexer reads them. Pure."""

from typing import List, Tuple

from domain.rules.go_number import check_go_number
from domain.rules.tokens import Invalid, show, skip_escape, skip_string

TEMPLATE_KEYWORDS = frozenset({
    "if", "else", "end", "range", "with", "define", "block", "template", "break", "continue",
})
GO_SPACE = (" ", "\t", "\r", "\n")
_GO_TERMINATORS = (*GO_SPACE, ".", ",", "|", ":", "(", ")", "}", "")
Token = Tuple[str, str, bool]  # kind, text, glued to the token before it (no space between)


def is_right_delim(text: str, index: int) -> bool:
    return text.startswith("}}", index) or (
        text[index : index + 1] in GO_SPACE and text.startswith("-}}", index + 1)
    )


def _is_one_character(body: str) -> bool:
    """Whether a Go character literal's body (between its quotes) stands for one character."""
    return skip_escape(body, 0, "'") == len(body) if body[:1] == "\\" else len(body) == 1


def _is_go_word(char: str) -> bool:
    return char == "_" or char.isalpha() or char.isdecimal()


def _number_end(text: str, index: int) -> int:
    """The index past a number (its first character is before ``index``), as Go's lexer
    delimits it: letters, digits, dots, exponent signs, and one ``+``/``-`` of a complex number."""
    joined = False
    while index < len(text):
        char = text[index]
        if not (_is_go_word(char) or char == "." or (char in "+-" and text[index - 1] in "eEpP")):
            if joined or char not in "+-":
                break
            joined = True
        index += 1
    return index



def template_tokens(text: str, index: int) -> Tuple[List[Token], int]:
    """The tokens of the action from ``index`` (past ``{{``) and the index past its ``}}``."""
    tokens: List[Token] = []
    start, depth, glued = index, 0, False
    while not is_right_delim(text, index):
        if index >= len(text):
            raise Invalid(f"the action {show(text[start - 2 : start + 20])} has no closing }}}}")
        char, after = text[index], index + 1
        if char in GO_SPACE:
            index, glued = after, False
            continue
        if char in "\"`'":
            after = skip_string(text, index)
            kind = "char" if char == "'" else "string"
            if kind == "char" and not _is_one_character(text[index + 1 : after - 1]):
                raise Invalid(f"{show(text[index:after])} is not a single character")
        elif char == ":" and text[after : after + 1] == "=":
            kind, after = "declare", after + 1
        elif char == "$" or (char == "." and not "0" <= text[after : after + 1] <= "9"):
            while after < len(text) and _is_go_word(text[after]):
                after += 1
            kind = "variable" if char == "$" else "field"
        elif char in "+-.0123456789":
            after = _number_end(text, after)
            check_go_number(text[index:after])
            kind = "number"
        elif _is_go_word(char):
            while after < len(text) and _is_go_word(text[after]):
                after += 1
            word = text[index:after]
            kind = "keyword" if word in TEMPLATE_KEYWORDS else "function"
            kind = "literal" if word in ("true", "false", "nil") else kind
        elif char in "()=|,":
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                raise Invalid("a ')' closes nothing")
            kind = char
        else:
            raise Invalid(f"{show(char)} is not allowed inside {{{{ }}}}")
        words = ("variable", "field", "function", "keyword", "literal")
        if kind in words and text[after : after + 1] not in _GO_TERMINATORS:
            raise Invalid(f"{show(text[after])} cannot follow '{show(text[index:after])}'")
        tokens.append((kind, text[index:after], glued))
        index, glued = after, True
    if depth:
        raise Invalid("a '(' is not closed")
    return tokens, text.find("}}", index) + 2

