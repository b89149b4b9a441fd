"""The files Prometheus reads from its config directory, and their digest. Pure.

The set of files never changes, only their content: the rule file is ``groups: []`` without
alert rules and web-config.yml is ``{}`` without TLS. Adding or removing a file of a pod-spec
volume changes the pod template (the ConfigMap volume lists its keys), which rolls the pods;
a change of content reaches them through the ConfigMap alone.
"""

import hashlib
from dataclasses import dataclass
from typing import Tuple

from domain.config.charm_config import CharmConfig
from domain.container import CHARM_RULES_FILE, PROMETHEUS_YML, WEB_CONFIG_YML
from domain.facts import AlertmanagerTarget
from domain.prometheus.config_file import build_prometheus_config, render_prometheus_yml
from domain.prometheus.web_config import web_config_yml
from domain.relations.legacy_alerting import LegacyAlertmanagers
from domain.rules import render_rule_file
from domain.values.version import Version


@dataclass(frozen=True)
class ConfigFiles:
    """The files by file name, in a stable order."""

    files: Tuple[Tuple[str, str], ...]

    def digest(self) -> str:
        h = hashlib.sha256()
        for name, content in self.files:
            h.update(name.encode() + b"\0" + content.encode() + b"\0")
        return h.hexdigest()

    def get(self, name: str) -> str:
        return dict(self.files)[name]


def build_config_files(config: CharmConfig, version: Version,
                       alertmanagers: Tuple[AlertmanagerTarget, ...] = (),
                       legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = ()) -> ConfigFiles:
    prometheus_config = build_prometheus_config(config, version, alertmanagers, legacy_alertmanagers)
    return ConfigFiles((
        (PROMETHEUS_YML, render_prometheus_yml(prometheus_config)),
        (CHARM_RULES_FILE, render_rule_file(config.alert_rules)),
        (WEB_CONFIG_YML, web_config_yml(config.tls is not None)),
    ))
