"""One definition of the text allowed in a flag, a label value or YAML, used everywhere."""

import pytest

from domain.errors import ConfigErrors, ResourceError
from domain.values.image import parse_image_resource
from domain.values.text import forbidden_character
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
