"""prometheus.yml: built from the typed config and the facts it needs, then rendered to text. Pure.

Every path inside prometheus.yml is relative: Prometheus resolves it against the
directory of the config file, so the same text works in the pod and in a local run.
"""

from dataclasses import dataclass
from typing import Any, Dict, Tuple

from domain.config.charm_config import CharmConfig
from domain.container import RULE_FILES_PATTERN
from domain.facts import AlertmanagerTarget
from domain.prometheus.alerting import AlertmanagerGroup, alerting_section, group_alertmanagers
from domain.prometheus.compatibility import expands_external_labels
from domain.prometheus.scrape_jobs import ScrapeJob, kubernetes_jobs, self_scrape_job
from domain.prometheus.yaml_text import to_yaml
from domain.values.duration import Duration
from domain.values.version import Version


@dataclass(frozen=True)
class PrometheusConfig:
    scrape_interval: Duration
    scrape_timeout: Duration
    evaluation_interval: Duration
    external_labels: Tuple[Tuple[str, str], ...]
    alertmanager_timeout: Duration
    alertmanagers: Tuple[AlertmanagerGroup, ...]
    rule_files: Tuple[str, ...]
    scrape_jobs: Tuple[ScrapeJob, ...]


def _escape_label_value(value: str, version: Version) -> str:
    # Prometheus 3 expands $VAR in external label values; 2.x keeps them literally.
    return value.replace("$", "$$") if expands_external_labels(version) else value


def build_prometheus_config(config: CharmConfig, version: Version,
                            alertmanagers: Tuple[AlertmanagerTarget, ...] = ()) -> PrometheusConfig:
    jobs = (self_scrape_job(config),) + (kubernetes_jobs(version) if config.monitor_k8s else ())
    return PrometheusConfig(
        scrape_interval=config.scrape_interval,
        scrape_timeout=config.scrape_timeout,
        evaluation_interval=config.evaluation_interval,
        external_labels=tuple(
            (name, _escape_label_value(value, version)) for name, value in config.external_labels
        ),
        alertmanager_timeout=config.alertmanager_timeout,
        alertmanagers=group_alertmanagers(alertmanagers),
        rule_files=(RULE_FILES_PATTERN,),
        scrape_jobs=jobs,
    )


def _as_document(config: PrometheusConfig) -> Dict[str, Any]:
    global_: Dict[str, Any] = {
        "scrape_interval": str(config.scrape_interval),
        "scrape_timeout": str(config.scrape_timeout),
        "evaluation_interval": str(config.evaluation_interval),
    }
    if config.external_labels:
        global_["external_labels"] = dict(config.external_labels)
    document: Dict[str, Any] = {"global": global_}
    if config.alertmanagers:
        document["alerting"] = alerting_section(config.alertmanagers, config.alertmanager_timeout)
    document["rule_files"] = list(config.rule_files)
    document["scrape_configs"] = [job.as_dict() for job in config.scrape_jobs]
    return document


def render_prometheus_yml(config: PrometheusConfig) -> str:
    """Deterministic YAML text: the same config always gives the same bytes."""
    return to_yaml(_as_document(config))
