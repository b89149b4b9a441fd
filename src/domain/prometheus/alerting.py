"""prometheus.yml's alerting section: the related Alertmanagers, grouped. Pure.

``alertmanager-dispatch`` gives addresses, grouped by scheme and path into static entries;
the legacy ``alertmanager`` relation gives entries of its own, whose pods Prometheus discovers
in the model's namespace. Kubernetes discovery of role pod yields one target per declared
container port (discovery/kubernetes/pod.go ``buildPod``), and that Alertmanager's pod declares
9093/TCP (its API) and 9094/TCP and UDP (cluster peering): only 9093/TCP is kept.
"""

from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Tuple

from domain.facts import AlertmanagerTarget
from domain.relations.legacy_targets import LegacyAlertmanagers
from domain.values.duration import Duration

ALERTMANAGER_WEB_PORT = 9093
KEEP_WEB_PORT: Dict[str, Any] = {
    "source_labels": ["__meta_kubernetes_pod_container_port_protocol",
                      "__meta_kubernetes_pod_container_port_number"],
    "regex": f"TCP;{ALERTMANAGER_WEB_PORT}",
    "action": "keep",
}


@dataclass(frozen=True)
class AlertmanagerGroup:
    """Alertmanagers sharing scheme and path, as one alertmanager_config."""

    scheme: str
    path_prefix: str
    targets: Tuple[str, ...]


def group_alertmanagers(targets: Tuple[AlertmanagerTarget, ...]) -> Tuple[AlertmanagerGroup, ...]:
    groups: Dict[Tuple[str, str], List[str]] = {}
    for target in targets:
        addresses = groups.setdefault((target.scheme, target.path_prefix), [])
        if target.address not in addresses:
            addresses.append(target.address)
    return tuple(
        AlertmanagerGroup(scheme, path, tuple(sorted(addresses)))
        for (scheme, path), addresses in sorted(groups.items())
    )


def alerting_section(groups: Tuple[AlertmanagerGroup, ...], timeout: Duration,
                     legacy: Tuple[LegacyAlertmanagers, ...] = ()) -> Dict[str, Any]:
    return {"alertmanagers": [
        {"scheme": group.scheme, "path_prefix": group.path_prefix, "timeout": str(timeout),
         "static_configs": [{"targets": list(group.targets)}]}
        for group in groups
    ] + list(_legacy_entries(legacy, timeout))}


def _legacy_entries(legacy: Tuple[LegacyAlertmanagers, ...], timeout: Duration) -> Iterator[Dict[str, Any]]:
    """Discovered pods and static targets in entries of their own: the port rule is for pods only."""
    for entry in legacy:
        common: Dict[str, Any] = {"scheme": entry.scheme, "path_prefix": entry.path_prefix,
                                  "timeout": str(entry.timeout or timeout)}
        if entry.api_version is not None:
            common["api_version"] = entry.api_version
        if entry.selectors:
            yield {**common,
                   "kubernetes_sd_configs": [_pod_discovery(entry.namespace, label) for label in entry.selectors],
                   "relabel_configs": [dict(KEEP_WEB_PORT)]}
        if entry.static_targets:
            yield {**common, "static_configs": [{"targets": list(entry.static_targets)}]}


def _pod_discovery(namespace: str, label: str) -> Dict[str, Any]:
    discovery: Dict[str, Any] = {"role": "pod", "namespaces": {"names": [namespace]}}
    if label:
        discovery["selectors"] = [{"role": "pod", "label": label}]
    return discovery
