"""template_tokens reads one action as Go's text/template lexer does
(https://pkg.go.dev/text/template#hdr-Actions): its tokens, whether each is glued to the one
before, where the action ends, and the exact message for what Go refuses."""

import pytest

from domain.rules.go_lexer import is_right_delim, template_tokens
from domain.rules.tokens import Invalid


def test_an_action_becomes_tokens_with_their_kinds_and_spacing():
    text = '{{ $x := index $labels "a" | printf \'%\' 1.5 .F.G (nil) true }} after'

    tokens, end = template_tokens(text, 2)

    assert tokens == [
        ("variable", "$x", False), ("declare", ":=", False), ("function", "index", False),
        ("variable", "$labels", False), ("string", '"a"', False), ("|", "|", False),
        ("function", "printf", False), ("char", "'%'", False), ("number", "1.5", False),
        ("field", ".F", False), ("field", ".G", True), ("(", "(", False), ("literal", "nil", True),
        (")", ")", True), ("literal", "true", False),
    ]
    assert text[end:] == " after"


@pytest.mark.parametrize("text, kinds", [
    ("{{if 1}}", ["keyword", "number"]),
    ("{{ end }}", ["keyword"]),
    ("{{ $a, $b = 1 }}", ["variable", ",", "variable", "=", "number"]),
    ("{{ -1 +2 }}", ["number", "number"]),
    ("{{ 1e+3 0x1p-2 }}", ["number", "number"]),
    ("{{ `raw` }}", ["string"]),
    ("{{ false }}", ["literal"]),
    ("{{ $ }}", ["variable"]),
    ("{{ . }}", ["field"]),
    ("{{ _x }}", ["function"]),
    ("{{ .5 }}", ["number"]),
    ("{{ $1a }}", ["variable"]),
    ("{{ .٣ }}", ["field"]),
    ("{{ ٣ }}", ["function"]),
    ("{{ Xa }}", ["function"]),
    ("{{ 1+2i -1-2i 1e+3+.5i }}", ["number", "number", "number"]),
])
def test_each_kind_of_token_is_read(text, kinds):
    tokens, _ = template_tokens(text, 2)
    assert [kind for kind, _, _ in tokens] == kinds


@pytest.mark.parametrize("text, tokens", [
    ("{{ $1a.b }}", [("variable", "$1a", False), ("field", ".b", True)]),
    ("{{ 1+2i+3i }}", [("number", "1+2i", False), ("number", "+3i", True)]),
    ("{{ 1e-2-3e+4i }}", [("number", "1e-2-3e+4i", False)]),
])
def test_a_number_takes_one_sign_of_a_complex_number_besides_its_exponents(text, tokens):
    assert template_tokens(text, 2)[0] == tokens


@pytest.mark.parametrize("text, end", [
    ("{{ 1 }}", 7), ("{{ 1 -}}x", 8), ("{{1}}}}", 5), ("{{ 1\t-}}", 8), ("{{ 1\n-}}", 8),
])
def test_the_action_ends_past_its_right_delimiter(text, end):
    assert template_tokens(text, 2)[1] == end


@pytest.mark.parametrize("text, index, right", [
    ("}}", 0, True), (" -}}", 0, True), ("\t-}}", 0, True), ("-}}", 0, False), (" }}", 0, False),
    ("x}}", 1, True), ("}", 0, False),
])
def test_a_right_delimiter_is_braces_or_a_space_and_a_trim_marker(text, index, right):
    assert is_right_delim(text, index) is right


@pytest.mark.parametrize("text, message", [
    ("{{ 1", "the action {{ 1 has no closing }}"),
    ("{{ $labels.instance and more text that goes on", "the action {{ $labels.instance an has no closing }}"),
    ("{{ 'ab' }}", "'ab' is not a single character"),
    ("{{ '' }}", "'' is not a single character"),
    ("{{ '\\n1' }}", "'\\n1' is not a single character"),
    ("{{ 1.2.3 }}", "'1.2.3' is not a number"),
    ("{{ 1x }}", "'1x' is not a number"),
    ("{{ 1+2 }}", "'1+2' is not a number"),
    ("{{ 1- }}", "'1-' is not a number"),
    ("{{ 0x1e+2i }}", "'0x1e+2i' is not a number"),
    ("{{ 0X+1+2i }}", "'0X+1' is not a number"),
    ("{{ 089 }}", "'089' is not a number: a leading 0 makes it octal"),
    ("{{ ) }}", "a ')' closes nothing"),
    ("{{ (( ) }}", "a '(' is not closed"),
    ("{{ ; }}", "; is not allowed inside {{ }}"),
    ("{{ $a-b }}", "- cannot follow '$a'"),
    ("{{ f\"x\" }}", '" cannot follow \'f\''),
    ("{{ if{ }}", "{ cannot follow 'if'"),
    ("{{ true! }}", "! cannot follow 'true'"),
    ("{{ .a;b }}", "; cannot follow '.a'"),
])
def test_what_go_refuses_is_named_exactly(text, message):
    with pytest.raises(Invalid) as caught:
        template_tokens(text, 2)
    assert str(caught.value) == message
