"""web-external-url: parsed once, its path is the route prefix of every endpoint."""

import pytest

from domain.errors import InvalidValue
from domain.values.url import ExternalUrl
from tests.support.builders import make_config


@pytest.mark.parametrize("text, prefix", [
    ("http://prom.example.com", ""),
    ("http://prom.example.com/", ""),
    ("https://prom.example.com/prom", "/prom"),
    ("https://prom.example.com/prom/", "/prom"),
    ("http://10.0.0.1:9090/a/b/", "/a/b"),
])
def test_route_prefix_is_the_path_without_trailing_slash(text, prefix):
    url = ExternalUrl.parse(text)

    assert url.route_prefix == prefix
    assert str(url) == text


@pytest.mark.parametrize("text", ["prom.example.com", "ftp://prom.example.com", "http://", "http://a b/",
                                  "http://user@host/", "http://host/?q"])
def test_only_http_urls_with_a_host_are_accepted(text):
    with pytest.raises(InvalidValue, match="not an http:// or https:// URL"):
        ExternalUrl.parse(text)


def test_the_charm_config_carries_the_prefix():
    assert make_config(web_external_url="https://p.example.com/x/").route_prefix == "/x"
    assert make_config().route_prefix == ""
