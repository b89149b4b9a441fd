"""The pod spec's service account: cluster-wide read access for monitor-k8s, none without it. Pure.

Juju names the account after the application and the role's ClusterRole
``<namespace>-<role name>``; it replaces the role's rules on every spec it applies (ClusterRole
Ensure: create, else Update) but never deletes a ServiceAccount, ClusterRole or binding that a
later spec leaves out (Juju: caas/kubernetes/provider rbac.go ensureServiceAccountForApp,
resources/clusterrole.go). So the account stays declared, under the same role name, when
``monitor-k8s`` is off: its role then grants only ``get /version``, which Kubernetes grants every
client anyway (ClusterRole ``system:public-info-viewer``, kubernetes
plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), and the pods get no token. A
role without rules is not possible: Juju refuses it ("rules is required", caas/specs rbac.go).
"""

from typing import Any, Dict, List

# Exactly what the monitor-k8s jobs ask of the API server, read-only (proven against a real
# Prometheus 3.x: tests/e2e/test_monitor_k8s_discovery.py). Discovery's informers list and watch
# pods, services, endpoints and nodes cluster-wide (a watch-list, where the server offers it, is a
# watch; a list otherwise), and never get one object; the kubelet's metrics and cAdvisor are
# read with get on nodes/proxy; the API servers' own /metrics is a non-resource URL.
RBAC_RULES: List[Dict[str, Any]] = [
    {"apiGroups": [""], "resources": ["pods", "services", "endpoints", "nodes"],
     "verbs": ["list", "watch"]},
    {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]},
    {"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
]
NO_GRANT_RULES: List[Dict[str, Any]] = [{"nonResourceURLs": ["/version"], "verbs": ["get"]}]


def role_name(app: str) -> str:
    """Unchanged since the first release: a new name would leave the old ClusterRole bound."""
    return f"{app}-k8s-discovery"


def service_account(app: str, monitor_k8s: bool) -> Dict[str, Any]:
    """What Kubernetes service discovery and the node proxy need, in every namespace; or nothing."""
    return {
        "automountServiceAccountToken": monitor_k8s,
        "roles": [{"name": role_name(app), "global": True,
                   "rules": RBAC_RULES if monitor_k8s else NO_GRANT_RULES}],
    }


# The legacy `alertmanager` relation: Prometheus finds that Alertmanager's pods in the model's own
# namespace (kubernetes_sd_configs role pod). Its informer lists and watches them (a streaming
# watch-list is a watch) and never gets one pod (tests/e2e/test_alerts_end_to_end.py records
# what a real Prometheus 3.x asks). A namespaced Role (``global`` false: Juju makes a Role and a
# RoleBinding, named after it without the namespace prefix) grants exactly that.
POD_DISCOVERY_RULES: List[Dict[str, Any]] = [
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]},
]


def pod_discovery_role_name(app: str) -> str:
    return f"{app}-alertmanager-discovery"


def with_pod_discovery(account: Dict[str, Any], app: str) -> Dict[str, Any]:
    """``account`` also allowed to read the pods of the model's namespace, and its token mounted.

    Declared while an ``alertmanager`` relation asks for discovery. Juju does not delete the Role
    when a later spec leaves it out; it then grants nothing beyond what the pods already have:
    without ``monitor-k8s`` they mount no token, with it the ClusterRole grants pods everywhere.
    """
    role = {"name": pod_discovery_role_name(app), "global": False, "rules": POD_DISCOVERY_RULES}
    return {**account, "automountServiceAccountToken": True, "roles": [*account["roles"], role]}
