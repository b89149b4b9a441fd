"""The plan: files, pod spec, k8s resources and the digest, from one call."""

import pytest
import yaml

from domain.facts import AlertmanagerTarget
from domain.kubernetes.budget import SpecTooLarge
from domain.prometheus.config_file import digest_in_running_config, digest_marker
from domain.prometheus.files import ConfigFiles
from tests.support.builders import make_plan, options_overflowing_the_config_map
from tests.support.extract import config_file, config_map_files, container, prometheus_yml
from tests.support.tls import CERT_PEM, KEY_PEM

RULES = "groups:\n- name: demo\n  rules:\n  - alert: Always\n    expr: vector(1)\n"


def spec_for(image="prom/prometheus:v2.53.0", **options):
    return make_plan(image, **options).pod_spec


def test_alert_rules_become_a_rule_file_next_to_prometheus_yml():
    plan = make_plan(alert_rules=RULES)

    assert yaml.safe_load(config_file(plan.pod_spec, "charm-alert-rules.rules"))["groups"][0]["name"] == "demo"
    assert prometheus_yml(plan.pod_spec)["rule_files"] == ["*.rules", digest_marker(plan.digest)]


def test_without_rules_the_rule_file_has_no_groups():
    assert config_file(spec_for(), "charm-alert-rules.rules") == "groups: []\n"


def test_digest_changes_with_prometheus_yml_only():
    base = make_plan()

    assert base.digest == make_plan(log_level="debug").digest
    assert base.digest != make_plan(scrape_interval="2m").digest


def test_prometheus_yml_carries_the_digest_of_the_files_as_they_are_without_it():
    plan = make_plan(alert_rules=RULES, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    marker_line = f"- {digest_marker(plan.digest)}\n"

    unmarked = ConfigFiles(tuple((name, text.replace(marker_line, "")) for name, text in plan.files.files))

    assert digest_in_running_config(plan.prometheus_yml) == plan.digest
    assert plan.prometheus_yml.count(marker_line) == 1
    assert unmarked.digest() == plan.digest
    assert [name for name, _ in plan.files.files] == ["prometheus.yml", "charm-alert-rules.rules", "web-config.yml"]


def test_the_digest_covers_the_rule_file_and_web_config_too():
    base = make_plan(alert_rules=RULES)

    assert base.digest != make_plan(alert_rules=RULES.replace("vector(1)", "vector(2)")).digest
    assert base.digest != make_plan(alert_rules=RULES, ssl_cert=CERT_PEM, ssl_key=KEY_PEM).digest


def test_every_published_file_shares_one_volume_so_the_marker_vouches_for_them_all():
    plan = make_plan(alert_rules=RULES, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    holding = [v for v in container(plan.pod_spec)["volumeConfig"]
               if "prometheus.yml" in config_map_files(plan.pod_spec, v["name"])]

    assert len(holding) == 1
    assert config_map_files(plan.pod_spec, holding[0]["name"]) == dict(plan.files.files)
    assert plan.config_map == holding[0]["configMap"]["name"] == "prometheus-cfg-config"


def test_a_plan_kubernetes_would_not_store_is_refused():
    overflow = {name.replace("-", "_"): value for name, value in options_overflowing_the_config_map().items()}

    with pytest.raises(SpecTooLarge, match=r"^ConfigMap .* largest: alert-rules .*, external-labels"):
        make_plan(**overflow)


def test_the_related_alertmanagers_reach_prometheus_yml():
    plan = make_plan(alertmanagers=(AlertmanagerTarget("10.0.0.7", 9093),))

    alerting = yaml.safe_load(plan.prometheus_yml)["alerting"]["alertmanagers"]
    assert [target for group in alerting for config in group["static_configs"]
            for target in config["targets"]] == ["10.0.0.7:9093"]
