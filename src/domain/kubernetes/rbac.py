"""Cluster-wide read access for monitor-k8s, as the pod spec's service account. Pure."""

from typing import Any, Dict

RBAC_RULES = [
    {"apiGroups": [""],
     "resources": ["nodes", "nodes/metrics", "nodes/proxy", "services", "endpoints", "pods"],
     "verbs": ["get", "list", "watch"]},
    {"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
]


def discovery_service_account(app: str) -> Dict[str, Any]:
    """What Kubernetes service discovery and the node proxy need, for every namespace."""
    return {
        "automountServiceAccountToken": True,
        "roles": [{"name": f"{app}-k8s-discovery", "global": True, "rules": RBAC_RULES}],
    }
