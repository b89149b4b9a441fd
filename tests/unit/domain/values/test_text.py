"""One definition of the text allowed in a flag, a label value or YAML, used everywhere."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ConfigErrors, ResourceError
from domain.values.image import parse_image_resource
from domain.values.text import EXCERPT_CHARS, describe, excerpt, forbidden_character, trim_spaces
from tests.support.builders import make_config

# C0 controls, DEL, C1 controls (NEL U+0085 among them), line and paragraph separators.
REFUSED = ["\x00", "\x07", "\r", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\u2028", "\u2029"]
ALLOWED = ["a", " ", "é", "\xa0", "\u00ff", "\u2027", "\u202a", "€", "日本", "$", "\"'"]


@pytest.mark.parametrize("char", REFUSED + ["\n", "\t"])
def test_a_line_refuses_every_control_and_separator(char):
    assert forbidden_character(f"a{char}b") == char


@pytest.mark.parametrize("char", REFUSED)
def test_layout_allows_only_newline_and_tab_more(char):
    assert forbidden_character(f"a{char}b", layout=True) == char
    assert forbidden_character("a\nb\tc", layout=True) is None


@pytest.mark.parametrize("char", ALLOWED)
def test_printable_text_passes(char):
    assert forbidden_character(f"a{char}b") is None


@pytest.mark.parametrize("char", ["\x85", "\x9b", "\u2028", "\u2029"])
def test_options_refuse_c1_and_separators_like_other_controls(char):
    with pytest.raises(ConfigErrors) as caught:
        make_config(web_page_title=f"a{char}b", external_labels=f'{{"cluster": "a{char}b"}}')

    assert set(caught.value.options) == {"web-page-title", "external-labels"}


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\x7f"])
def test_the_image_path_refuses_the_same_characters(char):
    with pytest.raises(ResourceError, match="control characters"):
        parse_image_resource({"registrypath": f"prom/prometheus{char}:v2.53.0"})


@pytest.mark.parametrize("char", ["\ud800", "\udfff"])
def test_lone_surrogates_are_refused_as_they_cannot_be_written_as_utf8(char):
    assert forbidden_character(f"a{char}b") == char
    assert forbidden_character(f"a{char}b", layout=True) == char


@pytest.mark.parametrize("given, kept", [
    ("  title  ", "title"),
    (" a b ", "a b"),
    ("\xa0title\xa0", "\xa0title\xa0"),  # a no-break space is text, kept and judged
    ("\u3000x", "\u3000x"),
    ("\tx", "\tx"),  # only U+0020 is trimmed; a tab is refused by the callers
])
def test_only_ascii_spaces_are_trimmed(given, kept):
    assert trim_spaces(given) == kept


@pytest.mark.parametrize("value, shown", [
    ("5m", "'5m'"),
    ("a\nb", "'a\\nb'"),
    ("a\x85b\u2028c", "'a\\x85b\\u2028c'"),
    ("back\\slash", "'back\\\\slash'"),
    ("été", "'été'"),
    ("\xa0", "'\\xa0'"),
])
def test_an_excerpt_escapes_what_does_not_print(value, shown):
    assert excerpt(value) == shown


def test_a_long_value_is_cut_and_its_length_said():
    shown = excerpt("x" * 5000)

    assert shown == "'" + "x" * EXCERPT_CHARS + "...' (5000 characters)"


def test_escapes_count_toward_the_excerpts_length():
    shown = excerpt("\n" * 100)

    assert shown.startswith("'\\n\\n") and shown.endswith("...' (100 characters)")
    assert len(shown) < EXCERPT_CHARS + 30


@given(st.text(max_size=300))
def test_an_excerpt_is_short_and_one_printable_line(value):
    shown = excerpt(value)

    assert len(shown) <= EXCERPT_CHARS + len("''... (300 characters)")
    assert shown.isprintable()
    assert forbidden_character(shown) is None


@pytest.mark.parametrize("value, shown", [
    (True, "true"), (None, "nothing"), (3, "3"), (2**200, "a whole number of 201 bits"),
    (1.5, "a value of type float"), ("x\ny", "'x\\ny'"),
])
def test_describe_shows_any_value_briefly(value, shown):
    assert describe(value) == shown
