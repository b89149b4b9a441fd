"""The files the charm always writes, in their empty forms, on each Prometheus generation.

Without alert rules the rule file is ``groups: []``; without TLS web-config.yml is ``{}``,
still passed with ``--web.config.file``, and the TLS Secret is mounted empty. promtool and
Prometheus of each generation must take all three as they are.
"""

import subprocess

import pytest

from scripts.localrun.generations import Generation
from scripts.localrun.pod import LocalPod, materialise
from tests.support.builders import make_plan
from tests.support.extract import cli_flag

pytestmark = pytest.mark.e2e


def promtool(generation: Generation, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([generation.promtool, *args], capture_output=True, text=True, timeout=60)


def test_promtool_accepts_the_empty_rule_file_and_web_config(tmp_path, generation):
    plan = make_plan(generation.image)
    config = tmp_path / "etc/prometheus/config"

    materialise(plan.pod_spec, plan.k8s_resources, tmp_path)

    assert (config / "charm-alert-rules.rules").read_text() == "groups: []\n"
    assert (config / "web-config.yml").read_text() == "{}\n"
    for args in (["check", "rules", str(config / "charm-alert-rules.rules")],
                 ["check", "web-config", str(config / "web-config.yml")],
                 ["check", "config", str(config / "prometheus.yml")]):
        done = promtool(generation, *args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)


def test_prometheus_serves_plain_http_with_the_empty_forms_and_the_emptied_secret(tmp_path, generation):
    plan = make_plan(generation.image)
    assert cli_flag(plan.pod_spec, "--web.config.file") is not None

    pod = LocalPod(plan.pod_spec, plan.k8s_resources, tmp_path / "pod", binary=generation.prometheus)
    try:
        assert pod.base.startswith("http://")
        assert pod.api("/api/v1/rules") == {"groups": []}
        # the Secret's keys, mounted as kubelet would, are there and empty
        assert [(p.name, p.read_text()) for p in sorted((pod.root / "etc/prometheus/tls").iterdir())] == [
            ("tls.crt", ""), ("tls.key", "")]
    finally:
        pod.stop()
