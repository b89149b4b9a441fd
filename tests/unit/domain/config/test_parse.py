"""parse_config: every option is read, checked and typed; bad values are named, never dropped."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.config.options import OPTIONS
from domain.config.parse import debug_port_for, parse_config
from domain.errors import ConfigErrors
from domain.values.duration import Duration
from domain.values.size import ByteSize
from domain.values.text import forbidden_character
from domain.values.url import ExternalUrl
from tests.support.builders import CONFIG_YAML, VERSION, make_config, options
from tests.support.tls import CERT_PEM, KEY_PEM


def test_defaults_of_config_yaml_are_valid():
    config = make_config()

    assert config.scrape_interval == Duration.parse("1m")
    assert config.scrape_timeout.text == "10s"
    assert config.log_level is None
    assert config.tls is None
    assert config.alert_rules.groups == ()
    assert config.web_page_title == "Charmed LMA - Prometheus TSDB, Collection & Processing"


@pytest.mark.parametrize("option, value, field, expected", [
    ("log-level", "debug", "log_level", "debug"),
    ("log-level", "WARN", "log_level", "warn"),
    ("web-max-connections", 20, "web_max_connections", 20),
    ("web-read-timeout", "1h30m", "web_read_timeout", Duration.parse("1h30m")),
    ("web-read-timeout", "500ms", "web_read_timeout", Duration.parse("500ms")),
    ("web-external-url", "https://prom.example.com/prom", "web_external_url",
     ExternalUrl("https://prom.example.com/prom")),
    ("web-external-url", "", "web_external_url", None),
    ("web-enable-admin-api", True, "web_enable_admin_api", True),
    ("web-page-title", "Don't \"quote\" me", "web_page_title", "Don't \"quote\" me"),
    ("tsdb-retention-time", "2w", "tsdb_retention_time", Duration.parse("2w")),
    ("tsdb-retention-time", "", "tsdb_retention_time", None),
    ("tsdb-retention-size", "10GB", "tsdb_retention_size", ByteSize.parse("10GB")),
    ("tsdb-wal-compression", True, "tsdb_wal_compression", True),
    ("alertmanager-notification-queue-capacity", 50, "alertmanager_notification_queue_capacity", 50),
    ("alertmanager-timeout", "250ms", "alertmanager_timeout", Duration.parse("250ms")),
    ("external-labels", '{"cluster": "dc1", "region": "eu"}', "external_labels",
     (("cluster", "dc1"), ("region", "eu"))),
    ("monitor-k8s", True, "monitor_k8s", True),
    ("evaluation-interval", "15s", "evaluation_interval", Duration.parse("15s")),
    ("enforce-pod-restart", True, "enforce_pod_restart", True),
    ("debug-at", "config-changed, update-status", "debug_at", ("config-changed", "update-status")),
    ("debug-port", 5555, "debug_port", 5555),
])
def test_valid_value_reaches_its_field(option, value, field, expected):
    raw = options()
    raw[option] = value

    config = parse_config(raw, VERSION)

    assert getattr(config, field) == expected


@pytest.mark.parametrize("option, value, words", [
    ("log-level", "fatal", "no fatal level"),
    ("log-level", "verbose", "not one of debug, info, warn, error"),
    ("web-max-connections", 0, "at least 1"),
    ("web-read-timeout", "5 minutes", "not a duration"),
    ("web-read-timeout", "0s", "longer than zero"),
    ("web-external-url", "prom.example.com", "not an http:// or https:// url"),
    ("web-external-url", "ftp://prom.example.com", "not an http:// or https:// url"),
    ("web-external-url", "http://a/b\nc", "control characters"),
    ("web-page-title", "two\nlines", "control characters"),
    ("tsdb-retention-time", "15days", "not a duration"),
    ("tsdb-retention-size", "10G", "not a size"),
    ("alertmanager-notification-queue-capacity", -1, "at least 1"),
    ("alertmanager-timeout", "ten seconds", "not a duration"),
    ("external-labels", "{cluster: dc1}", "not valid json"),
    ("external-labels", '["dc1"]', "json object"),
    ("external-labels", '{"__name__": "x"}', "not a valid label name"),
    ("external-labels", '{"1st": "x"}', "not a valid label name"),
    ("external-labels", '{"cluster": 1}', "non-empty text"),
    ("external-labels", '{"cluster": "a\\nb"}', "control characters"),
    ("scrape-interval", "1minute", "not a duration"),
    ("evaluation-interval", "", "not a duration"),
    ("debug-at", "config_changed", "not a hook name"),
    ("debug-port", 80, "not a port from 1024 to 65535"),
    ("ssl_cert", "not a certificate", "neither pem nor base64"),
    ("alert-rules", "groups: [", "alert-rules"),
])
def test_invalid_value_is_named_with_its_reason(option, value, words):
    raw = options()
    raw[option] = value

    with pytest.raises(ConfigErrors) as caught:
        parse_config(raw, VERSION)

    assert option in caught.value.options
    assert words in str(caught.value).lower()
    assert "\n" not in str(caught.value)


def test_every_bad_option_is_reported_at_once():
    raw = options(log_level="loud", scrape_interval="often", web_max_connections=0)

    with pytest.raises(ConfigErrors) as caught:
        parse_config(raw, VERSION)

    assert set(caught.value.options) == {"log-level", "scrape-interval", "web-max-connections"}


def test_scrape_timeout_longer_than_interval_is_refused():
    with pytest.raises(ConfigErrors) as caught:
        make_config(scrape_interval="10s", scrape_timeout="1m")

    assert caught.value.options == ("scrape-timeout",)
    assert "longer than scrape-interval" in str(caught.value)


def test_timeout_is_compared_even_when_another_option_is_bad():
    with pytest.raises(ConfigErrors) as caught:
        make_config(scrape_interval="10s", scrape_timeout="1m", log_level="loud")

    assert set(caught.value.options) == {"scrape-timeout", "log-level"}


@pytest.mark.parametrize("interval, timeout", [("10s", "10000ms"), ("10000ms", "10s"), ("1m", "60s"),
                                                ("60s", "1m"), ("1h", "60m")])
def test_timeout_as_long_as_the_interval_is_fine_however_written(interval, timeout):
    # promtool check config (2.42 and 3.5) accepts each of these pairs; Prometheus refuses
    # only a timeout greater than the interval.
    config = make_config(scrape_interval=interval, scrape_timeout=timeout)

    assert config.scrape_timeout.milliseconds == config.scrape_interval.milliseconds
    assert str(config.scrape_timeout) == timeout


def test_tls_needs_both_certificate_and_key():
    with pytest.raises(ConfigErrors) as caught:
        make_config(ssl_cert=CERT_PEM)

    assert caught.value.options == ("ssl_key",)


def test_tls_accepts_pem_and_base64_pem():
    encoded = base64.b64encode(CERT_PEM.encode()).decode()

    config = make_config(ssl_cert=encoded, ssl_key=KEY_PEM)

    assert config.tls is not None
    assert config.tls.cert_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert "PRIVATE KEY" not in repr(config.tls)


def test_key_given_as_certificate_is_refused():
    with pytest.raises(ConfigErrors) as caught:
        make_config(ssl_cert=KEY_PEM, ssl_key=KEY_PEM)

    assert "ssl_cert" in caught.value.options


@pytest.mark.parametrize("debug_at, hook, expected", [
    ("", "config-changed", None),
    ("config-changed", "config-changed", 4444),
    ("config-changed", "update-status", None),
    ("*", "update-status", 4444),
    ("not valid!", "config-changed", None),
])
def test_debug_port_is_given_only_for_named_hooks(debug_at, hook, expected):
    raw = options(debug_at=debug_at)

    assert debug_port_for(raw, hook) == expected


@pytest.mark.parametrize("debug_at, hook, expected", [
    ("install, config-changed", "config-changed", 4444),
    ("install,,config-changed ", "install", 4444),
    ("install", "config-changed", None),
    ("install,*", "leader-elected", 4444),
])
def test_debug_at_is_a_comma_separated_list_of_hooks(debug_at, hook, expected):
    assert debug_port_for(options(debug_at=debug_at), hook) == expected


@pytest.mark.parametrize("port, expected", [
    (1024, 1024), (65535, 65535), (5678, 5678),
    (1023, None), (65536, None), (0, None), ("4444", None), (True, None),
])
def test_debug_port_is_a_port_from_1024_to_65535(port, expected):
    assert debug_port_for(options(debug_at="*", debug_port=port), "install") == expected


# --- sizes bounded before parsing ---------------------------------------------------------------

TEXT_OPTIONS = [option for option in OPTIONS if option.max_bytes is not None]


def test_every_text_option_has_a_size_limit():
    text_options = {name for name, spec in CONFIG_YAML["options"].items() if spec["type"] == "string"}

    assert {option.name for option in TEXT_OPTIONS} == text_options


@pytest.mark.parametrize("option", TEXT_OPTIONS, ids=lambda option: option.name)
def test_text_over_the_limit_is_refused_before_parsing(option):
    raw = options()
    raw[option.name] = "é" * (option.max_bytes // 2 + 1)  # two bytes each: just over the limit

    with pytest.raises(ConfigErrors) as caught:
        parse_config(raw, VERSION)

    assert [error.option for error in caught.value.errors] == [option.name]
    assert f"is {2 * (option.max_bytes // 2 + 1)} bytes, more than the" in str(caught.value)


@pytest.mark.parametrize("option, at_limit", [
    ("web-page-title", "t" * 1024), ("scrape-interval", "0" * 62 + "1m"), ("debug-at", "install" + " " * 1017),
])
def test_text_at_the_limit_is_parsed(option, at_limit):
    raw = options()
    raw[option] = at_limit

    parse_config(raw, VERSION)


def test_a_huge_value_is_refused_by_its_size_quickly():
    raw = options(alert_rules="x" * (64 * 1024 * 1024), external_labels="[" * (16 * 1024 * 1024))

    with pytest.raises(ConfigErrors) as caught:
        parse_config(raw, VERSION)

    assert set(caught.value.options) == {"alert-rules", "external-labels"}
    assert "more than the 1 MiB it may hold" in str(caught.value)
    assert "more than the 16 KiB it may hold" in str(caught.value)


@pytest.mark.parametrize("document", [
    "[" * 1000 + "]" * 1000,
    '{"a":' * 1000 + '"x"' + "}" * 1000,  # about a thousand levels: json.loads would recurse
    '{"a": ["x"]}',
])
def test_nested_external_labels_are_refused_before_json_reads_them(document):
    with pytest.raises(ConfigErrors) as caught:
        make_config(external_labels=document)

    assert "must be a flat JSON object" in str(caught.value)


def test_brackets_inside_label_values_are_text_not_nesting():
    config = make_config(external_labels='{"a": "[[{{", "b": "x\\"]]}"}')

    assert config.external_labels == (("a", "[[{{"), ("b", 'x"]]}'))


# --- upper bounds Prometheus needs --------------------------------------------------------------

@pytest.mark.parametrize("option, value, words", [
    ("web-max-connections", 9223372036854775807, "must be at most 1048576"),  # Prometheus panics
    ("alertmanager-notification-queue-capacity", 1000000000000, "must be at most 1000000"),  # out of memory
    ("tsdb-retention-size", "8EB", "larger than Prometheus can hold"),  # wraps to "no limit"
    ("tsdb-retention-time", "293y", "longer than Prometheus can represent"),
    ("scrape-interval", "\u0661\u0665s", "is not a duration"),
    ("tsdb-retention-size", "\uff11GB", "is not a size"),
    pytest.param("scrape-timeout", "9" * 4301 + "s", "is 4302 bytes, more than the 64 bytes it may hold",
                 id="scrape-timeout-4301-digits"),
])
def test_values_beyond_what_prometheus_takes_are_refused(option, value, words):
    raw = options()
    raw[option] = value

    with pytest.raises(ConfigErrors) as caught:
        parse_config(raw, VERSION)

    assert caught.value.options == (option,)
    assert words in str(caught.value)


@pytest.mark.parametrize("option, value", [
    ("web-max-connections", 1048576), ("alertmanager-notification-queue-capacity", 1000000),
    ("tsdb-retention-size", "8191PB"), ("tsdb-retention-time", "292y"),
])
def test_the_largest_values_are_accepted(option, value):
    raw = options()
    raw[option] = value

    parse_config(raw, VERSION)


# --- trimming: spaces only, nothing refused elsewhere -------------------------------------------

SINGLE_LINE = {"log-level": "info", "web-read-timeout": "5m", "web-external-url": "http://p.example.com/x",
               "web-page-title": "Title", "tsdb-retention-time": "15d", "tsdb-retention-size": "1GB",
               "alertmanager-timeout": "10s", "scrape-interval": "1m", "scrape-timeout": "10s",
               "evaluation-interval": "1m", "debug-at": "install"}


@pytest.mark.parametrize("option", SINGLE_LINE)
@pytest.mark.parametrize("tail", ["\n", "\x85", "\u2028", "\u2029", "\t", "\r"])
def test_a_trailing_line_break_of_any_kind_is_refused_not_trimmed(option, tail):
    raw = options()
    raw[option] = SINGLE_LINE[option] + tail

    with pytest.raises(ConfigErrors) as caught:
        parse_config(raw, VERSION)

    assert caught.value.options == (option,)
    assert "control characters" in str(caught.value)


@pytest.mark.parametrize("option", SINGLE_LINE)
def test_ascii_spaces_around_a_single_line_value_are_dropped(option):
    plain, spaced = options(), options()
    plain[option] = SINGLE_LINE[option]
    spaced[option] = "  " + SINGLE_LINE[option] + " "

    assert parse_config(spaced, VERSION) == parse_config(plain, VERSION)


@pytest.mark.parametrize("tail", ["\x85", "\u2028"])
def test_external_labels_are_not_trimmed_of_characters_json_does_not_take(tail):
    with pytest.raises(ConfigErrors) as caught:
        make_config(external_labels='{"cluster": "dc1"}' + tail)

    assert "not valid json" in str(caught.value).lower()


def test_external_labels_may_end_in_json_white_space():
    assert make_config(external_labels='{"cluster": "dc1"}\r\n\t ').external_labels == (("cluster", "dc1"),)


# --- any text: a config or ConfigErrors, with short one-line messages ---------------------------

@given(st.sampled_from([o.name for o in TEXT_OPTIONS if o.name != "alert-rules"]), st.text(max_size=200))
def test_any_text_in_any_option_is_a_config_or_config_errors(option, value):
    raw = options()
    raw[option] = value
    try:
        parse_config(raw, VERSION)
    except ConfigErrors as err:
        for error in err.errors:
            assert error.option == option
            assert forbidden_character(str(error)) is None
            assert len(str(error)) < 300


@given(st.sampled_from(["web-max-connections", "alertmanager-notification-queue-capacity", "debug-port"]),
       st.one_of(st.integers(), st.integers(-2**70, 2**70), st.booleans(), st.none(), st.floats(),
                 st.text(max_size=20)))
def test_any_value_in_a_number_option_is_a_config_or_config_errors(option, value):
    raw = options()
    raw[option] = value
    try:
        parse_config(raw, VERSION)
    except ConfigErrors as err:
        assert err.options == (option,)
        assert len(str(err)) < 200
