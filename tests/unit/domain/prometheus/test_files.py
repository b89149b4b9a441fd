"""The files written to Prometheus' config directory, and the digest that tells them apart."""

import yaml

from domain.facts import AlertmanagerTarget
from domain.prometheus.files import ConfigFiles, build_config_files
from tests.support.builders import VERSION, make_config


def test_prometheus_yml_sends_alerts_to_the_related_alertmanagers():
    files = build_config_files(make_config(), VERSION, (AlertmanagerTarget("10.0.0.7", 9093),))

    alerting = yaml.safe_load(files.get("prometheus.yml"))["alerting"]
    assert alerting["alertmanagers"][0]["static_configs"] == [{"targets": ["10.0.0.7:9093"]}]


def test_the_digest_tells_where_a_name_ends_and_its_content_begins():
    assert ConfigFiles((("a.yml", "x"),)).digest() != ConfigFiles((("a.ym", "lx"),)).digest()
    assert ConfigFiles((("a.yml", "x"),)).digest() == ConfigFiles((("a.yml", "x"),)).digest()
