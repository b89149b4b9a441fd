"""The digest marker against the real promtool and prometheus of each generation.

The charm's files, marker included, pass ``promtool check config``; the marker loads no rule
file; the running Prometheus reports the digest of the files it loaded. When the files are not
swapped (Kubernetes refused the update) a reload succeeds and the digest says so.
"""

import subprocess

import pytest

from adapters.prometheus_api import PrometheusHttpApi
from domain.prometheus.config_file import digest_in_running_config
from scripts.localrun.pod import LocalPod, materialise
from tests.support.builders import make_plan

pytestmark = pytest.mark.e2e

RULES = "groups:\n- name: {name}\n  rules:\n  - alert: Always\n    expr: vector(1)\n"


def plan_for(generation, name="first", **options):
    return make_plan(generation.image, alert_rules=RULES.format(name=name), **options)


def test_promtool_accepts_the_charms_files_and_checks_only_the_charms_rule_file(tmp_path, generation):
    plan = plan_for(generation)
    materialise(plan.pod_spec, plan.k8s_resources, tmp_path)
    config = tmp_path / "etc/prometheus/config/prometheus.yml"

    done = subprocess.run([generation.promtool, "check", "config", str(config)],
                          capture_output=True, text=True, timeout=60, check=False)

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "SUCCESS: 1 rules found" in output  # the marker matched no file
    assert output.count("Checking ") == 2  # prometheus.yml and charm-alert-rules.rules


def test_prometheus_reports_the_digest_of_the_files_it_loaded(tmp_path, generation):
    first, second = plan_for(generation, "first"), plan_for(generation, "second", scrape_interval="30s")
    pod = LocalPod(first.pod_spec, first.k8s_resources, tmp_path / "pod", binary=generation.prometheus)
    try:
        api = PrometheusHttpApi(pod.url)

        assert digest_in_running_config(api.running_config()) == first.digest
        assert [g["name"] for g in pod.api("/api/v1/rules")["groups"]] == ["first"]

        # Kubernetes refused the update: the old files stay and Prometheus reloads them fine
        api.reload()
        assert api.runtime_info().reload_success
        assert digest_in_running_config(api.running_config()) == first.digest != second.digest

        materialise(second.pod_spec, second.k8s_resources, pod.root, pod.port)  # kubelet delivers
        api.reload()
        assert digest_in_running_config(api.running_config()) == second.digest
        assert [g["name"] for g in pod.api("/api/v1/rules")["groups"]] == ["second"]
    finally:
        pod.stop()
