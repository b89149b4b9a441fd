"""Prometheus' flags: one per option, the fixed ones, each a single argument."""

import pytest

from tests.support.builders import make_plan
from tests.support.extract import args, cli_flag
from tests.support.tls import CERT_PEM, KEY_PEM


def spec_for(image="prom/prometheus:v2.53.0", **options):
    return make_plan(image, **options).pod_spec


@pytest.mark.parametrize("options, flag, value", [
    ({"log_level": "debug"}, "--log.level", "debug"),
    ({"web_max_connections": 64}, "--web.max-connections", "64"),
    ({"web_read_timeout": "90s"}, "--web.read-timeout", "90s"),
    ({"web_external_url": "https://prom.example.com/x"}, "--web.external-url", "https://prom.example.com/x"),
    ({"web_enable_admin_api": True}, "--web.enable-admin-api", ""),
    ({"web_page_title": "Ops \"Prom\""}, "--web.page-title", "Ops \"Prom\""),
    ({"tsdb_retention_time": "30d"}, "--storage.tsdb.retention.time", "30d"),
    ({"tsdb_retention_size": "20GB"}, "--storage.tsdb.retention.size", "20GB"),
    ({"tsdb_wal_compression": True}, "--storage.tsdb.wal-compression", ""),
    ({"tsdb_wal_compression": False}, "--no-storage.tsdb.wal-compression", ""),
    ({"alertmanager_notification_queue_capacity": 77}, "--alertmanager.notification-queue-capacity", "77"),
])
def test_option_becomes_its_flag(options, flag, value):
    assert cli_flag(spec_for(**options), flag) == value


@pytest.mark.parametrize("flag", ["--log.level", "--web.external-url", "--web.enable-admin-api",
                                  "--storage.tsdb.retention.size", "--alertmanager.timeout"])
def test_flag_is_absent_by_default(flag):
    assert cli_flag(spec_for(), flag) is None


@pytest.mark.parametrize("image", ["prom/prometheus:v2.24.0", "prom/prometheus:v2.53.0", "prom/prometheus:v3.5.0"])
def test_web_config_file_is_passed_tls_or_not_so_turning_tls_on_keeps_the_flags(image):
    plain, tls = spec_for(image), spec_for(image, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    assert cli_flag(plain, "--web.config.file") == "/etc/prometheus/config/web-config.yml"
    assert args(plain) == args(tls)


def test_no_web_config_file_before_prometheus_2_24_which_has_no_such_flag():
    assert cli_flag(spec_for("prom/prometheus:v2.23.0"), "--web.config.file") is None


def test_lifecycle_api_is_enabled_so_the_charm_can_reload():
    assert cli_flag(spec_for(), "--web.enable-lifecycle") == ""


def test_all_args_are_single_flags():
    for arg in args(spec_for(web_page_title="A title with spaces", web_external_url="http://x/y")):
        assert arg.startswith("--") and "\n" not in arg
