"""prometheus.yml: built from the typed config and facts, then rendered to text. Pure.

Every path inside prometheus.yml is relative: Prometheus resolves it against the
directory of the config file, so the same text works in the pod and in a local run.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import yaml

from domain.config import CharmConfig
from domain.facts import AlertmanagerTarget, Facts
from domain.image import Version

RULE_FILES_PATTERN = "*.rules"
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


@dataclass(frozen=True)
class ScrapeJob:
    """One scrape_configs entry: its name and the rest of its fields, in order."""

    job_name: str
    fields: Tuple[Tuple[str, Any], ...]

    def as_dict(self) -> Dict[str, Any]:
        return {"job_name": self.job_name, **dict(self.fields)}


@dataclass(frozen=True)
class AlertmanagerGroup:
    """Alertmanagers sharing scheme and path, as one alertmanager_config."""

    scheme: str
    path_prefix: str
    targets: Tuple[str, ...]


@dataclass(frozen=True)
class PrometheusConfig:
    scrape_interval: str
    scrape_timeout: str
    evaluation_interval: str
    external_labels: Tuple[Tuple[str, str], ...]
    alertmanager_timeout: str
    alertmanagers: Tuple[AlertmanagerGroup, ...]
    rule_files: Tuple[str, ...]
    scrape_jobs: Tuple[ScrapeJob, ...]


def route_prefix(config: CharmConfig) -> str:
    """The path every Prometheus endpoint sits under: the path of web-external-url."""
    url = config.web_external_url
    if not url:
        return ""
    path = url.split("://", 1)[1].partition("/")[2]
    return ("/" + path).rstrip("/")


def self_scrape_job(config: CharmConfig) -> ScrapeJob:
    fields: List[Tuple[str, Any]] = [
        ("metrics_path", route_prefix(config) + "/metrics"),
        ("static_configs", [{"targets": ["localhost:9090"]}]),
    ]
    if config.tls is not None:
        # Loopback to our own listener: the certificate names the public host, not localhost.
        fields[1:1] = [("scheme", "https"), ("tls_config", {"insecure_skip_verify": True})]
    return ScrapeJob("prometheus", tuple(fields))


def _in_cluster_auth() -> Tuple[Tuple[str, Any], ...]:
    return (
        ("scheme", "https"),
        ("tls_config", {"ca_file": f"{SERVICE_ACCOUNT_DIR}/ca.crt"}),
        ("authorization", {"credentials_file": f"{SERVICE_ACCOUNT_DIR}/token"}),
    )


def _annotation_relabels(role: str) -> List[Dict[str, Any]]:
    """Opt-in scraping through the usual prometheus.io/* annotations."""
    meta = f"__meta_kubernetes_{role}_annotation_prometheus_io"
    return [
        {"source_labels": [f"{meta}_scrape"], "action": "keep", "regex": "true"},
        {"source_labels": [f"{meta}_scheme"], "action": "replace",
         "target_label": "__scheme__", "regex": "(https?)"},
        {"source_labels": [f"{meta}_path"], "action": "replace",
         "target_label": "__metrics_path__", "regex": "(.+)"},
        {"source_labels": ["__address__", f"{meta}_port"], "action": "replace",
         "regex": r"([^:]+)(?::\d+)?;(\d+)", "replacement": "$1:$2",
         "target_label": "__address__"},
        {"action": "labelmap", "regex": f"__meta_kubernetes_{role}_label_(.+)"},
        {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "kubernetes_namespace"},
    ]


def _node_proxy_job(name: str, suffix: str) -> ScrapeJob:
    """Kubelet metrics through the API server's node proxy (no direct node access needed)."""
    return ScrapeJob(name, _in_cluster_auth() + (
        ("kubernetes_sd_configs", [{"role": "node"}]),
        ("relabel_configs", [
            {"action": "labelmap", "regex": "__meta_kubernetes_node_label_(.+)"},
            {"target_label": "__address__", "replacement": "kubernetes.default.svc:443"},
            {"source_labels": ["__meta_kubernetes_node_name"], "regex": "(.+)",
             "target_label": "__metrics_path__",
             "replacement": "/api/v1/nodes/${1}/proxy/metrics" + suffix},
        ]),
    ))


def kubernetes_jobs() -> Tuple[ScrapeJob, ...]:
    """Cluster monitoring (monitor-k8s), after Prometheus' prometheus-kubernetes.yml example."""
    return (
        ScrapeJob("kubernetes-apiservers", _in_cluster_auth() + (
            ("kubernetes_sd_configs", [{"role": "endpoints"}]),
            ("relabel_configs", [{
                "source_labels": ["__meta_kubernetes_namespace", "__meta_kubernetes_service_name",
                                  "__meta_kubernetes_endpoint_port_name"],
                "action": "keep", "regex": "default;kubernetes;https"}]),
        )),
        _node_proxy_job("kubernetes-nodes", ""),
        _node_proxy_job("kubernetes-cadvisor", "/cadvisor"),
        ScrapeJob("kubernetes-service-endpoints", (
            ("kubernetes_sd_configs", [{"role": "endpoints"}]),
            ("relabel_configs", _annotation_relabels("service") + [
                {"source_labels": ["__meta_kubernetes_service_name"],
                 "target_label": "kubernetes_name"}]),
        )),
        ScrapeJob("kubernetes-pods", (
            ("kubernetes_sd_configs", [{"role": "pod"}]),
            ("relabel_configs", _annotation_relabels("pod") + [
                {"source_labels": ["__meta_kubernetes_pod_name"],
                 "target_label": "kubernetes_pod_name"}]),
        )),
    )


def _group_alertmanagers(targets: Tuple[AlertmanagerTarget, ...]) -> Tuple[AlertmanagerGroup, ...]:
    groups: Dict[Tuple[str, str], List[str]] = {}
    for target in targets:
        addresses = groups.setdefault((target.scheme, target.path_prefix), [])
        if target.address not in addresses:
            addresses.append(target.address)
    return tuple(
        AlertmanagerGroup(scheme, path, tuple(sorted(addresses)))
        for (scheme, path), addresses in sorted(groups.items())
    )


def _escape_label_value(value: str, version: Version) -> str:
    # Prometheus 3 expands $VAR in external label values; 2.x keeps them literally.
    return value.replace("$", "$$") if version >= (3, 0, 0) else value


def build_prometheus_config(config: CharmConfig, facts: Facts) -> PrometheusConfig:
    version = facts.image.version
    jobs = (self_scrape_job(config),) + (kubernetes_jobs() if config.monitor_k8s else ())
    return PrometheusConfig(
        scrape_interval=str(config.scrape_interval),
        scrape_timeout=str(config.scrape_timeout),
        evaluation_interval=str(config.evaluation_interval),
        external_labels=tuple(
            (name, _escape_label_value(value, version)) for name, value in config.external_labels
        ),
        alertmanager_timeout=str(config.alertmanager_timeout),
        alertmanagers=_group_alertmanagers(facts.alertmanagers),
        rule_files=(RULE_FILES_PATTERN,),
        scrape_jobs=jobs,
    )


def _as_document(config: PrometheusConfig) -> Dict[str, Any]:
    global_: Dict[str, Any] = {
        "scrape_interval": config.scrape_interval,
        "scrape_timeout": config.scrape_timeout,
        "evaluation_interval": config.evaluation_interval,
    }
    if config.external_labels:
        global_["external_labels"] = dict(config.external_labels)
    document: Dict[str, Any] = {"global": global_}
    if config.alertmanagers:
        document["alerting"] = {"alertmanagers": [
            {"scheme": group.scheme, "path_prefix": group.path_prefix,
             "timeout": config.alertmanager_timeout,
             "static_configs": [{"targets": list(group.targets)}]}
            for group in config.alertmanagers
        ]}
    document["rule_files"] = list(config.rule_files)
    document["scrape_configs"] = [job.as_dict() for job in config.scrape_jobs]
    return document


def render_prometheus_yml(config: PrometheusConfig) -> str:
    """Deterministic YAML text: the same config always gives the same bytes."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: same text, faster
    return str(yaml.dump(_as_document(config), Dumper=dumper, sort_keys=False, default_flow_style=False))

