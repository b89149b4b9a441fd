"""web-external-url: Go's URL rules for the host and escapes; its decoded path is the route prefix."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values.url import ExternalUrl
from tests.support.builders import make_config
from tests.support.url_cases import ACCEPTED, REFUSED


@pytest.mark.parametrize("text, prefix", ACCEPTED)
def test_route_prefix_is_the_decoded_path_without_trailing_slash(text, prefix):
    url = ExternalUrl.parse(text)

    assert url.route_prefix == prefix
    assert str(url) == text


@pytest.mark.parametrize("text, words, refused_by", REFUSED)
def test_urls_go_or_the_charm_refuses_are_named_with_the_reason(text, words, refused_by):
    with pytest.raises(InvalidValue) as caught:
        ExternalUrl.parse(text)

    assert words in str(caught.value)
    assert str(caught.value).startswith("'")


def test_the_charm_config_carries_the_prefix():
    assert make_config(web_external_url="https://p.example.com/x/").route_prefix == "/x"
    assert make_config().route_prefix == ""


@given(st.text(max_size=120))
def test_any_text_is_a_url_or_an_invalid_value(text):
    try:
        url = ExternalUrl.parse(text)
    except InvalidValue as err:
        assert "\n" not in str(err)
        return
    assert url.route_prefix == "" or url.route_prefix.startswith("/")


@given(st.text(alphabet="ab:/[]%25@.?#é{} ", max_size=40))
def test_url_like_text_is_a_url_or_an_invalid_value(rest):
    try:
        url = ExternalUrl.parse("http://" + rest)
    except InvalidValue:
        return
    assert url.route_prefix.isascii() and " " not in url.route_prefix
