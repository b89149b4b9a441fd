"""The whole plan for the workload: files, pod spec and k8s resources, from one call. Pure."""

from dataclasses import dataclass
from typing import Any, Dict

from domain.config import CharmConfig
from domain.facts import Facts
from domain.pod_spec import ConfigFiles, build_k8s_resources, build_pod_spec, web_config_yml
from domain.prometheus_config import build_prometheus_config, render_prometheus_yml
from domain.rules import render_rule_file

PROMETHEUS_YML = "prometheus.yml"
CHARM_RULES_FILE = "charm-alert-rules.rules"  # matched by prometheus.yml's rule_files glob
WEB_CONFIG_YML = "web-config.yml"


@dataclass(frozen=True)
class WorkloadPlan:
    files: ConfigFiles
    spec: Dict[str, Any]
    k8s_resources: Dict[str, Any]

    @property
    def digest(self) -> str:
        """Changes exactly when what Prometheus reads from files changes."""
        return self.files.digest()

    @property
    def prometheus_yml(self) -> str:
        return dict(self.files.files)[PROMETHEUS_YML]


def build_config_files(config: CharmConfig, facts: Facts) -> ConfigFiles:
    files = [(PROMETHEUS_YML, render_prometheus_yml(build_prometheus_config(config, facts)))]
    if config.alert_rules.groups:
        files.append((CHARM_RULES_FILE, render_rule_file(config.alert_rules)))
    if config.tls is not None:
        files.append((WEB_CONFIG_YML, web_config_yml()))
    return ConfigFiles(tuple(files))


def plan_workload(config: CharmConfig, facts: Facts) -> WorkloadPlan:
    files = build_config_files(config, facts)
    return WorkloadPlan(
        files=files,
        spec=build_pod_spec(config, facts, files),
        k8s_resources=build_k8s_resources(config, facts, files),
    )
