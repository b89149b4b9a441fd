"""Option parsers: the value each kind of option yields, and what an operator reads when it is bad."""

import base64

import pytest

from domain.config import parsers
from domain.config.parse import parse_config
from domain.errors import ConfigErrors, InvalidValue
from tests.support.builders import VERSION, options
from tests.support.tls import CERT_PEM, KEY_PEM


def problem(parse, value) -> str:
    with pytest.raises(InvalidValue) as caught:
        parse(value)
    return str(caught.value)


def test_a_text_option_juju_leaves_out_reads_as_empty():
    assert parsers.line(None) == ""
    assert parsers.external_labels(None) == ()
    assert parsers.external_labels("  ") == ()


@pytest.mark.parametrize("parse, value, message", [
    (parsers.line, 5, "expected text, got int"),
    (parsers.line, "a\nb", "must not contain control characters such as newlines (found '\\n')"),
    (parsers.line, "a\x85", "must not contain control characters such as newlines (found '\\x85')"),
    (parsers.flag, "yes", "expected true or false, got 'yes'"),
    (parsers.web_max_connections, "3", "expected a whole number, got '3'"),
    (parsers.web_max_connections, True, "expected a whole number, got true"),
    (parsers.web_max_connections, 0, "must be at least 1, got 0"),
    (parsers.web_max_connections, 2**63 - 1, "must be at most 1048576, got 9223372036854775807"),
    (parsers.queue_capacity, 10**12, "must be at most 1000000, got 1000000000000"),
    (parsers.queue_capacity, 2**300, "must be at most 1000000, got a whole number of 301 bits"),
    (parsers.log_level, "trace", "'trace' is not one of debug, info, warn, error"),
    (parsers.log_level, "fatal",
     "'fatal' is not one of debug, info, warn, error (Prometheus has no fatal level; use error)"),
    (parsers.external_labels, "{", "not valid JSON (expecting property name enclosed in double quotes)"),
    (parsers.external_labels, '["dc1"]', 'must be a JSON object such as {"cluster": "dc1"}'),
    (parsers.external_labels, '{"a": "x", "a": "y"}', "the label 'a' is given twice"),
    (parsers.external_labels, '{"a": {"b": "c"}}',
     'must be a flat JSON object of label names and text, such as {"cluster": "dc1"}'),
    (parsers.external_labels, '{"a": 1' + "0" * 5000 + "}", "the value of 'a' must be non-empty text"),
    (parsers.external_labels, '{"a": NaN}', "the value of 'a' must be non-empty text"),
    (parsers.external_labels, '{"bad name\\n": "x"}', "'bad name\\n' is not a valid label name"),
    (parsers.pem_certificate, KEY_PEM, "holds a private key: give the key in ssl_key, only certificates here"),
    (parsers.pem_private_key, CERT_PEM, "holds no PEM private key "
                                        "(-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)"),
    (parsers.pem_certificate, "c2VjcmV0", "holds no PEM certificate "
                                          "(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)"),
    (parsers.pem_private_key, "not base64!", "is neither PEM nor base64-encoded PEM private key"),
    (parsers.pem_certificate, CERT_PEM + "\x85", "must not contain control characters other than line breaks "
                                                 "(found '\\x85')"),
    (parsers.hook_names, "install,\xa0config-changed", "'\\xa0config-changed' is not a hook name such as "
                                                        "config-changed, or *"),
    (parsers.port, 80, "80 is not a port from 1024 to 65535"),
    (parsers.port, "4444", "expected a whole number, got '4444'"),
])
def test_a_bad_value_is_explained(parse, value, message):
    assert problem(parse, value) == message


@pytest.mark.parametrize("parse, low, high", [
    (parsers.web_max_connections, 1, parsers.MAX_WEB_CONNECTIONS),
    (parsers.queue_capacity, 1, parsers.MAX_QUEUE_CAPACITY),
    (parsers.port, 1024, 65535),
])
def test_whole_numbers_are_taken_up_to_their_bounds_inclusive(parse, low, high):
    assert parse(low) == low
    assert parse(high) == high
    for outside in (low - 1, high + 1):
        with pytest.raises(InvalidValue):
            parse(outside)


def test_base64_with_characters_outside_its_alphabet_is_refused_not_skipped():
    encoded = base64.b64encode(CERT_PEM.encode()).decode()

    assert "is neither PEM nor base64" in problem(parsers.pem_certificate, encoded[:8] + "*" + encoded[8:])


def test_base64_of_pem_may_be_wrapped_across_lines():
    encoded = base64.encodebytes(CERT_PEM.encode()).decode()  # 76 characters a line

    assert "\n" in encoded.strip()
    assert parsers.pem_certificate(encoded) == CERT_PEM


def test_crlf_line_ends_become_newlines():
    assert parsers.pem_certificate(CERT_PEM.replace("\n", "\r\n")) == CERT_PEM


def test_pem_text_is_trimmed_to_end_in_one_newline():
    assert parsers.pem_certificate("\n " + CERT_PEM + "\n\n") == CERT_PEM.strip() + "\n"
    assert parsers.pem_private_key(KEY_PEM.strip()) == KEY_PEM.strip() + "\n"


@pytest.mark.parametrize("given, missing", [
    ({"ssl_cert": CERT_PEM}, "ssl_key"),
    ({"ssl_key": KEY_PEM}, "ssl_cert"),
])
def test_the_missing_half_of_the_tls_pair_is_named(given, missing):
    with pytest.raises(ConfigErrors) as caught:
        parse_config(options(**given), VERSION)

    assert [str(error) for error in caught.value.errors] == [
        f"{missing}: ssl_cert and ssl_key must be set together"]
