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
    (parsers.line, "a\nb", "must not contain control characters such as newlines"),
    (parsers.flag, "yes", "expected true or false, got 'yes'"),
    (parsers.positive_int, "3", "expected a whole number, got '3'"),
    (parsers.positive_int, True, "expected a whole number, got 'True'"),
    (parsers.positive_int, 0, "must be at least 1, got 0"),
    (parsers.log_level, "trace", "'trace' is not one of debug, info, warn, error"),
    (parsers.log_level, "fatal",
     "'fatal' is not one of debug, info, warn, error (Prometheus has no fatal level; use error)"),
    (parsers.external_labels, "{", "not valid JSON (expecting property name enclosed in double quotes)"),
    (parsers.external_labels, '["dc1"]', 'must be a JSON object such as {"cluster": "dc1"}'),
    (parsers.pem_certificate, KEY_PEM, "does not contain a PEM certificate"),
    (parsers.pem_private_key, CERT_PEM, "does not contain a PEM private key"),
    (parsers.pem_certificate, "c2VjcmV0", "does not contain a PEM certificate"),
    (parsers.pem_private_key, "not base64!", "is neither PEM nor base64-encoded PEM private key"),
])
def test_a_bad_value_is_explained(parse, value, message):
    assert problem(parse, value) == message


def test_the_smallest_whole_number_is_one():
    assert parsers.positive_int(1) == 1


def test_base64_with_characters_outside_its_alphabet_is_refused_not_skipped():
    encoded = base64.b64encode(CERT_PEM.encode()).decode()

    assert "is neither PEM nor base64" in problem(parsers.pem_certificate, encoded[:8] + "*" + encoded[8:])


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
