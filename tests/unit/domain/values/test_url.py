"""web-external-url: Go's URL rules for the host and escapes; its decoded path is the route prefix."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values.url import ExternalUrl
from tests.support.builders import make_config

# URLs the charm accepts, with the route prefix Prometheus derives ("/" + strings.Trim(path, "/")),
# "" for the root. The odd ones were all started by the real 2.42 and 3.5 (tests/e2e/test_option_bounds.py).
ACCEPTED = [
    ("http://prom.example.com", ""),
    ("http://prom.example.com/", ""),
    ("https://prom.example.com/prom", "/prom"),
    ("https://prom.example.com/prom/", "/prom"),
    ("https://prom.example.com/prom///", "/prom"),
    ("http://10.0.0.1:9090/a/b/", "/a/b"),
    ("HTTPS://Prom.Example.COM/X", "/X"),  # Go lowercases the scheme
    ("http://[::1]/", ""),
    ("http://[::1]:9090/prom", "/prom"),
    ("http://[fe80::1%25en0]:80/x", "/x"),  # a zone, %25-escaped (RFC 6874)
    ("http://[::ffff:10.0.0.1]/", ""),
    ("http://a:/", ""),  # an empty port: Go's validOptionalPort takes it
    ("http://a:1:2/", ""),  # Go splits the port at the last colon
    ("http://a]/", ""),
    ("http://%C3%A9t%C3%A9.example/", ""),  # non-ASCII may be escaped in a host
    ("http://été.example/", ""),
    ("http://a'b/", ""),
    ("http://a<b>/", ""),
    ("http://a/%7Eprom/", "/~prom"),  # the prefix is the decoded path
    ("http://a/x%2Fy", "/x/y"),
    ("http://a/x@y:z/(1)/*,;=&$+!", "/x@y:z/(1)/*,;=&$+!"),
]

REFUSED = [
    # The URLs, refused by Go's url.Parse in both Prometheus generations:
    ("http://[", "without its ']'"),
    ("http://a{b}", "which a host may not hold"),
    ("http://a/%zz", "not followed by two hex digits"),
    # more of Go's refusals
    ("http://a b/", "which a host may not hold"),
    ("http://a|b/", "which a host may not hold"),
    ("http://a\\b/", "which a host may not hold"),
    ("http://%41/", "escapes an ASCII character"),
    ("http://a%zzb/", "not followed by two hex digits"),
    ("http://a:port/", "port that is not a number"),
    ("http://a:\uff18\uff10/", "port that is not a number"),
    ("http://[::1]x/", "other than a :port"),
    ("http://[::1%eth0]/", "not followed by two hex digits"),
    # refused by the Go of Prometheus 3.5 (CVE-2025-47912), taken by the Go 1.19 of 2.42
    ("http://[notipv6]/", "not an IPv6 address"),
    ("http://[1.2.3.4]/", "not an IPv6 address"),
    ("http://[]/", "not an IPv6 address"),
    ("http://[::1]]/", "not an IPv6 address"),
    ("http://[[::1]/", "does not open an IPv6 address"),
    ("http://a[/", "does not open an IPv6 address"),
    # computeExternalURL's own rule
    ("http://a/b'", "must not begin or end with quotes"),
    ("'http://a/'", "must not begin or end with quotes"),
    # what the charm needs: http(s), a host, a path usable as a route prefix
    ("prom.example.com", "not an http:// or https:// URL"),
    ("ftp://prom.example.com", "not an http:// or https:// URL"),
    ("http:a", "not an http:// or https:// URL"),
    ("http://", "not an http:// or https:// URL"),
    ("http:///x", "not an http:// or https:// URL"),
    ("http://:80/", "not an http:// or https:// URL"),
    ("http://user@host/", "user name or password"),
    ("http://host/?q", "must not have a query"),
    ("http://host/#top", "must not have a fragment"),
    ("http://a/b c", "need escaping"),
    ("http://a/b%20c", "need escaping"),
    ("http://a/%25", "need escaping"),
    ("http://a/été", "need escaping"),
    ("http://a//prom", "empty, '.' or '..' segment"),
    ("http://a/x/../y", "empty, '.' or '..' segment"),
    ("http://a/./y", "empty, '.' or '..' segment"),
    ("http://a/x\u2028", "control characters"),
]


@pytest.mark.parametrize("text, prefix", ACCEPTED)
def test_route_prefix_is_the_decoded_path_without_trailing_slash(text, prefix):
    url = ExternalUrl.parse(text)

    assert url.route_prefix == prefix
    assert str(url) == text


@pytest.mark.parametrize("text, words", REFUSED)
def test_urls_go_or_the_charm_refuses_are_named_with_the_reason(text, words):
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
