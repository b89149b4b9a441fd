"""The files Prometheus reads from its config directory, and their digest. Pure.

The charm's own files are always there (the rule file is ``groups: []`` without alert rules
and web-config.yml is ``{}`` without TLS); files from relations (CA certificates of scrape
jobs) come and go with them. The ConfigMap is mounted whole, without a list of its keys, so
neither a change of content nor a file added or removed touches the pod template
(``domain.kubernetes.pod_spec``).
"""

import hashlib
from dataclasses import dataclass
from typing import Tuple

from domain.config.charm_config import CharmConfig
from domain.container import CHARM_RULES_FILE, PROMETHEUS_YML, WEB_CONFIG_YML
from domain.facts import AlertmanagerTarget
from domain.prometheus.config_file import build_prometheus_config, render_prometheus_yml
from domain.prometheus.scrape_jobs import ScrapeJob
from domain.prometheus.web_config import web_config_yml
from domain.relations.legacy_targets import LegacyAlertmanagers
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
                       legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = (),
                       relation_jobs: Tuple[ScrapeJob, ...] = (),
                       relation_files: Tuple[Tuple[str, str], ...] = (),
                       remote_write_urls: Tuple[str, ...] = ()) -> ConfigFiles:
    """``relation_files``: files from relations that Prometheus reads at reload (CA
    certificates of scrape jobs, rule files), beside prometheus.yml so that the digest covers them."""
    prometheus_config = build_prometheus_config(config, version, alertmanagers, legacy_alertmanagers,
                                                relation_jobs, remote_write_urls)
    return ConfigFiles((
        (PROMETHEUS_YML, render_prometheus_yml(prometheus_config)),
        (CHARM_RULES_FILE, render_rule_file(config.alert_rules)),
        (WEB_CONFIG_YML, web_config_yml(config.tls is not None)),
    ) + tuple(sorted(relation_files)))
