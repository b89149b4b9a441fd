"""parse_config: every option is read, checked and typed; bad values are named, never dropped."""

import base64

import pytest

from domain.config.parse import debug_port_for, parse_config
from domain.errors import ConfigErrors
from domain.values.duration import Duration
from domain.values.size import ByteSize
from domain.values.url import ExternalUrl
from tests.support.builders import VERSION, make_config, options
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
