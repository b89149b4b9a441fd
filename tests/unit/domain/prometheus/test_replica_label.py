"""Each pod's own name as the external label prometheus_replica, and alerts without it."""

import json

import pytest
import yaml

from domain.facts import AlertmanagerTarget
from tests.support.builders import make_plan
from tests.support.extract import args, container

AM = (AlertmanagerTarget("alertmanager-0.lma.svc", 9093),)
DROP = [{"action": "labeldrop", "regex": "prometheus_replica"}]


def prometheus_yml(image="prom/prometheus:v2.53.0", alertmanagers=AM, **options):
    return yaml.safe_load(make_plan(image, alertmanagers=alertmanagers, **options).prometheus_yml)


@pytest.mark.parametrize("image", ["prom/prometheus:v2.27.0", "prom/prometheus:v2.53.0",
                                   "prom/prometheus:v3.0.0", "prom/prometheus:latest"])
def test_the_replica_label_is_the_pods_name_and_alerts_leave_it_behind(image):
    document = prometheus_yml(image)

    assert document["global"]["external_labels"] == {"prometheus_replica": "${POD_NAME}"}
    assert document["alerting"]["alert_relabel_configs"] == DROP
    assert container(make_plan(image).pod_spec)["envConfig"] == {
        "POD_NAME": {"field": {"path": "metadata.name", "api-version": "v1"}}}


def test_without_alertmanagers_there_is_nothing_to_relabel():
    assert "alerting" not in prometheus_yml(alertmanagers=())


def test_the_operators_own_prometheus_replica_wins_and_stays_on_alerts():
    document = prometheus_yml(external_labels=json.dumps({"prometheus_replica": "a", "dc": "x"}))

    assert document["global"]["external_labels"] == {"prometheus_replica": "a", "dc": "x"}
    assert "alert_relabel_configs" not in document["alerting"]


@pytest.mark.parametrize("image", ["prom/prometheus:v2.26.0", "prom/prometheus:v2.26.9", "prom/prometheus:v2.11.0"])
def test_before_2_27_prometheus_cannot_expand_so_there_is_no_replica_label(image):
    document = prometheus_yml(image, external_labels='{"cost": "$5"}')

    assert document["global"]["external_labels"] == {"cost": "$5"}  # written as typed
    assert "alert_relabel_configs" not in document["alerting"]
    assert not [a for a in args(make_plan(image).pod_spec) if a.startswith("--enable-feature")]


@pytest.mark.parametrize("image, features", [
    ("prom/prometheus:v2.27.0", ["--enable-feature=expand-external-labels"]),
    ("prom/prometheus:v2.55.1", ["--enable-feature=expand-external-labels"]),
    ("prom/prometheus:v3.0.0", ["--enable-feature=auto-reload-config"]),  # 3.x expands always
    ("prom/prometheus:v3.5.0", ["--enable-feature=auto-reload-config"]),
])
def test_feature_flags_by_version(image, features):
    assert [a for a in args(make_plan(image).pod_spec) if a.startswith("--enable-feature")] == features
