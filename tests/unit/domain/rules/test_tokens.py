"""Strings and escapes as Go's strconv.Unquote reads them (PromQL and Go templates share the rules:
https://go.dev/ref/spec#Rune_literals), and the places and shown text the messages use."""

import pytest

from domain.rules.tokens import Invalid, at, show, skip_escape, skip_string


@pytest.mark.parametrize("value, shown", [
    ("plain", "plain"),
    ("a\nb\tc", "a\\nb\\tc"),
    ("\x00\x7f", "\\x00\\x7f"),
    ("é™", "é™"),
    ("x" * 60, "x" * 60),
    ("x" * 61, "x" * 57 + "..."),
])
def test_show_escapes_control_characters_and_cuts_long_text(value, shown):
    assert show(value) == shown


def test_show_takes_its_own_limit():
    assert show("abcdef", 5) == "ab..."
    assert show("abcde", 5) == "abcde"


@pytest.mark.parametrize("text, index, place", [
    ("abc", 0, "at column 1"),
    ("abc", 2, "at column 3"),
    ("a\nbc", 0, "at line 1 column 1"),
    ("a\nbc", 3, "at line 2 column 2"),
    ("a\nb\ncd", 5, "at line 3 column 2"),
    ("\nab", 2, "at line 2 column 2"),
])
def test_at_names_the_column_and_the_line_when_there_are_several(text, index, place):
    assert at(text, index) == place


@pytest.mark.parametrize("text, end", [
    ('"a" x', 3), ("'a' x", 3), ("`a` x", 3), ("`a\nb` x", 5), ('"a\\"b" x', 6), ('"\\x41"', 6),
    ('"\\101"', 6), ('"\\u00e9"', 8), ('"\\U0001F600"', 12), ('"\\377"', 6), ('"\\U0010FFFF"', 12),
    ('"\\a\\b\\f\\n\\r\\t\\v\\\\"', 18), ("'\\''", 4), ("`\\`", 3), ('"\\uD7FF"', 8), ('"\\uE000"', 8),
    ('"\\x00"', 6), ('"\\000"', 6), ('"\\u0000"', 8),
])
def test_a_string_go_reads_ends_where_go_ends_it(text, end):
    assert skip_string(text, 0) == end


@pytest.mark.parametrize("text, message", [
    ('"abc', "has an unterminated string at column 1"),
    ('"a\nb"', "has an unterminated string at line 1 column 1"),
    ("'a", "has an unterminated string at column 1"),
    ('"\\q"', "has the unknown escape '\\q' at column 2 (a backslash is '\\\\')"),
    ('"\\X1"', "has the unknown escape '\\X' at column 2 (a backslash is '\\\\')"),
    ('"\\\'"', "has the unknown escape '\\'' at column 2 (a backslash is '\\\\')"),
    ("'\\\"'", "has the unknown escape '\\\"' at column 2 (a backslash is '\\\\')"),
    ('"\\400"', "has an invalid escape '\\400' at column 2"),
    ('"\\18"', "has an invalid escape '\\18\"' at column 2"),
    ('"\\x4"', "has an invalid escape '\\x4\"' at column 2"),
    ('"\\xZZ"', "has an invalid escape '\\xZZ' at column 2"),
    ('"\\x-1"', "has an invalid escape '\\x-1' at column 2"),
    ("\"\\x\u0661\u0661\"", "has an invalid escape '\\x\u0661\u0661' at column 2"),
    ('"\\uD800"', "has an invalid escape '\\uD800' at column 2"),
    ('"\\uDFFF"', "has an invalid escape '\\uDFFF' at column 2"),
    ('"\\U00110000"', "has an invalid escape '\\U00110000' at column 2"),
])
def test_a_string_go_refuses_is_named_with_its_place(text, message):
    with pytest.raises(Invalid) as caught:
        skip_string(text, 0)
    assert str(caught.value) == message


def test_an_escape_at_the_end_of_the_text_is_unknown():
    with pytest.raises(Invalid) as caught:
        skip_escape("\\", 0, '"')
    assert str(caught.value) == "has the unknown escape '\\' at column 1 (a backslash is '\\\\')"
