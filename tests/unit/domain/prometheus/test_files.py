"""The files written to Prometheus' config directory, and the digest that tells them apart."""

import pytest
import yaml

from domain.facts import AlertmanagerTarget
from domain.prometheus.files import ConfigFiles, build_config_files
from tests.support.builders import VERSION, make_config
from tests.support.tls import CERT_PEM, KEY_PEM

RULES = "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n"


def test_prometheus_yml_sends_alerts_to_the_related_alertmanagers():
    files = build_config_files(make_config(), VERSION, (AlertmanagerTarget("10.0.0.7", 9093),))

    alerting = yaml.safe_load(files.get("prometheus.yml"))["alerting"]
    assert alerting["alertmanagers"][0]["static_configs"] == [{"targets": ["10.0.0.7:9093"]}]


def test_the_digest_tells_where_a_name_ends_and_its_content_begins():
    assert ConfigFiles((("a.yml", "x"),)).digest() != ConfigFiles((("a.ym", "lx"),)).digest()
    assert ConfigFiles((("a.yml", "x"),)).digest() == ConfigFiles((("a.yml", "x"),)).digest()


@pytest.mark.parametrize("options", [{}, {"alert_rules": RULES}, {"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM},
                                     {"alert_rules": RULES, "ssl_cert": CERT_PEM, "ssl_key": KEY_PEM}])
def test_the_same_three_files_whatever_the_options_none_of_them_empty(options):
    files = build_config_files(make_config(**options), VERSION)

    assert [name for name, _ in files.files] == ["prometheus.yml", "charm-alert-rules.rules", "web-config.yml"]
    assert all(content.strip() for _, content in files.files)


def test_rules_and_tls_change_the_content_of_their_files():
    plain = dict(build_config_files(make_config(), VERSION).files)
    rich = dict(build_config_files(make_config(alert_rules=RULES, ssl_cert=CERT_PEM, ssl_key=KEY_PEM), VERSION).files)

    assert yaml.safe_load(plain["charm-alert-rules.rules"]) == {"groups": []}
    assert yaml.safe_load(rich["charm-alert-rules.rules"])["groups"][0]["name"] == "g"
    assert yaml.safe_load(plain["web-config.yml"]) == {}
    assert "tls_server_config" in yaml.safe_load(rich["web-config.yml"])
