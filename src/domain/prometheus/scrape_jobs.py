"""prometheus.yml's scrape jobs: Prometheus itself, and the cluster when monitor-k8s is on. Pure.

The cluster jobs follow Prometheus' documentation/examples/prometheus-kubernetes.yml.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from domain.config.charm_config import CharmConfig
from domain.container import PORT, SERVICE_ACCOUNT_DIR
from domain.prometheus.compatibility import needs_fallback_scrape_protocol
from domain.values.version import Version

# What Prometheus >= 3.0 assumes when a target answers without a valid Content-Type; without
# it, such a scrape fails (https://prometheus.io/docs/prometheus/latest/migration/).
FALLBACK_SCRAPE_PROTOCOL = "PrometheusText0.0.4"


@dataclass(frozen=True)
class ScrapeJob:
    """One scrape_configs entry: its name and the rest of its fields, in order."""

    job_name: str
    fields: Tuple[Tuple[str, Any], ...]

    def as_dict(self) -> Dict[str, Any]:
        return {"job_name": self.job_name, **dict(self.fields)}


def self_scrape_job(config: CharmConfig) -> ScrapeJob:
    fields: List[Tuple[str, Any]] = [
        ("metrics_path", config.route_prefix + "/metrics"),
        ("static_configs", [{"targets": [f"localhost:{PORT}"]}]),
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


# The address a port annotation applies to, as discovery writes it: "[ipv6]:port" or
# "ipv4-or-host:port" (net.JoinHostPort), or the bare pod IP of a pod without container ports
# (Prometheus discovery/kubernetes/pod.go, buildPod). Each regex matches one form only, so the
# rules never rewrite an address twice; an address with brackets keeps them.
_ADDRESS_FORMS = (
    (r"\[(.+)\](?::\d+)?;(\d+)", "[$1]:$2"),            # [fd00::5]:8080 -> [fd00::5]:<port>
    (r"([^:\[\]]+)(?::\d+)?;(\d+)", "$1:$2"),             # 10.1.2.3:8080, 10.1.2.3 -> 10.1.2.3:<port>
    (r"([^\[\]]*:[^\[\]]*:[^\[\]]*);(\d+)", "[$1]:$2"),  # fd00::5 (two colons or more) -> [fd00::5]:<port>
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
    ] + [
        {"source_labels": ["__address__", f"{meta}_port"], "action": "replace",
         "regex": regex, "replacement": replacement, "target_label": "__address__"}
        for regex, replacement in _ADDRESS_FORMS
    ] + [
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


def _cluster_jobs() -> Tuple[ScrapeJob, ...]:
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
            # A pod that has finished (a Job's, an evicted one) stays in the API, with its IP,
            # until it is deleted: it is no target.
            ("relabel_configs", [
                {"source_labels": ["__meta_kubernetes_pod_phase"], "action": "drop",
                 "regex": "Succeeded|Failed"}] + _annotation_relabels("pod") + [
                {"source_labels": ["__meta_kubernetes_pod_name"],
                 "target_label": "kubernetes_pod_name"}]),
        )),
    )


def kubernetes_jobs(version: Version) -> Tuple[ScrapeJob, ...]:
    """Cluster monitoring (monitor-k8s). These jobs scrape whatever the cluster runs, so on
    Prometheus >= 3.0 a target that sends no Content-Type is read as the text format."""
    jobs = _cluster_jobs()
    if not needs_fallback_scrape_protocol(version):
        return jobs
    fallback = (("fallback_scrape_protocol", FALLBACK_SCRAPE_PROTOCOL),)
    return tuple(ScrapeJob(job.job_name, fallback + job.fields) for job in jobs)
