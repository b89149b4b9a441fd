"""The plan: files, pod spec, k8s resources and the digest, from one call."""

import yaml

from domain.facts import AlertmanagerTarget
from tests.support.builders import make_plan
from tests.support.extract import config_file, prometheus_yml


def spec_for(image="prom/prometheus:v2.53.0", **options):
    return make_plan(image, **options).pod_spec


def test_alert_rules_become_a_rule_file_next_to_prometheus_yml():
    rules = "groups:\n- name: demo\n  rules:\n  - alert: Always\n    expr: vector(1)\n"

    spec = spec_for(alert_rules=rules)

    assert yaml.safe_load(config_file(spec, "charm-alert-rules.rules"))["groups"][0]["name"] == "demo"
    assert prometheus_yml(spec)["rule_files"] == ["*.rules"]


def test_without_rules_the_rule_file_has_no_groups():
    assert config_file(spec_for(), "charm-alert-rules.rules") == "groups: []\n"


def test_digest_changes_with_prometheus_yml_only():
    base = make_plan()

    assert base.digest == make_plan(log_level="debug").digest
    assert base.digest != make_plan(scrape_interval="2m").digest


def test_the_plan_carries_the_digest_of_its_files():
    plan = make_plan()

    assert plan.digest == plan.files.digest()
    assert yaml.safe_load(plan.prometheus_yml)["rule_files"] == ["*.rules"]


def test_the_related_alertmanagers_reach_prometheus_yml():
    plan = make_plan(alertmanagers=(AlertmanagerTarget("10.0.0.7", 9093),))

    alerting = yaml.safe_load(plan.prometheus_yml)["alerting"]["alertmanagers"]
    assert [target for group in alerting for config in group["static_configs"]
            for target in config["targets"]] == ["10.0.0.7:9093"]
