"""The Kubernetes objects Juju makes for a pod-spec application, named as Juju names them.

Read in Juju's source (2.9 and 3.6), caas/kubernetes/provider:
* k8s.go ``deploymentName``: the StatefulSet, its Service and the pods' prefix are ``<app>``
  (``juju-<app>`` only for applications deployed by Juju 2.5, not covered here);
  ``headlessServiceName``: ``<app>-endpoints``; ``operatorName``: ``<app>-operator``;
  ``applicationConfigMapName``: ``<app>-<volume>-config``, for each ``files`` volume, and
  volume.go ``fileSetToVolume`` names the pod's volume after that ConfigMap, while a
  ``secret`` volume keeps its own name; ``appSecretName``: ``<app>-<container>-secret``, the
  image-pull Secret; ``prepareWorkloadSpec``: the service account is named ``<app>``.
* rbac.go ``ensureServiceAccountForApp``: a global role becomes the ClusterRole
  ``<namespace>-<role>``, bound by ``<account>-<ClusterRole>``.
* Kubernetes (pkg/controller/history ``ControllerRevisionName``, ``HashControllerRevision``)
  labels each pod of a StatefulSet with ``controller-revision-hash: <StatefulSet>-<hash>``,
  the hash being an FNV-32 sum in decimal, up to 10 characters; and the pods are named
  ``<StatefulSet>-<ordinal>``, their host names, which must be DNS labels.
Juju itself puts no bound on an application name (juju/names application.go
``ApplicationSnippet``; juju/juju issue 20002, still open at 3.6.7).
"""

from dataclasses import dataclass
from typing import Any, Callable, Dict, List

from tests.support.k8s_validation import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_valid_label_value,
    is_valid_path_segment_name,
)

REVISION_HASH_MAX = 10  # len(str(2**32 - 1))
POD_ORDINAL_MAX = 9  # a unit number of one digit; more units make longer pod names


@dataclass(frozen=True)
class KubeName:
    """One name Juju gives a Kubernetes object, and the rule Kubernetes applies to it."""

    what: str
    name: str
    rule: Callable[[str], List[str]]

    def problems(self) -> List[str]:
        return self.rule(self.name)


def application_config_map_name(app: str, volume: str) -> str:
    return f"{app}-{volume}-config"


def juju_own_names(app: str) -> List[KubeName]:
    """What Juju makes for every pod-spec application with storage, whatever its spec."""
    revision = f"{app}-{'9' * REVISION_HASH_MAX}"
    operator = f"{app}-operator"
    return [
        KubeName("StatefulSet", app, is_dns1123_subdomain),
        KubeName("Service", app, is_dns1035_label),
        KubeName("headless Service", f"{app}-endpoints", is_dns1035_label),
        KubeName("pod host name", f"{app}-{POD_ORDINAL_MAX}", is_dns1123_label),
        KubeName("pod label controller-revision-hash", revision, is_valid_label_value),
        KubeName("label app.kubernetes.io/name", app, is_valid_label_value),
        KubeName("operator StatefulSet", operator, is_dns1123_subdomain),
        KubeName("operator pod host name", f"{operator}-0", is_dns1123_label),
        KubeName("operator pod label controller-revision-hash",
                 f"{operator}-{'9' * REVISION_HASH_MAX}", is_valid_label_value),
    ]


def names_from_spec(app: str, namespace: str, spec: Dict[str, Any],
                    k8s_resources: Dict[str, Any]) -> List[KubeName]:
    """The names Juju derives from what the charm declares: volumes, Secrets, RBAC."""
    names: List[KubeName] = []
    for container in spec["containers"]:
        names.append(KubeName("container", container["name"], is_dns1123_label))
        if container["imageDetails"].get("password"):
            names.append(KubeName("image-pull Secret", f"{app}-{container['name']}-secret",
                                  is_dns1123_subdomain))
        for volume in container.get("volumeConfig") or []:
            if "files" in volume:
                config_map = application_config_map_name(app, volume["name"])
                names.append(KubeName(f"ConfigMap of volume {volume['name']}", config_map, is_dns1123_subdomain))
                names.append(KubeName(f"pod volume {volume['name']}", config_map, is_dns1123_label))
            else:
                names.append(KubeName(f"pod volume {volume['name']}", volume["name"], is_dns1123_label))
    for secret in (k8s_resources.get("kubernetesResources") or {}).get("secrets") or []:
        names.append(KubeName("Secret", secret["name"], is_dns1123_subdomain))
    for ingress in (k8s_resources.get("kubernetesResources") or {}).get("ingressResources") or []:
        names.append(KubeName("Ingress", ingress["name"], is_dns1123_subdomain))
    account = spec.get("serviceAccount")
    if account is not None:
        names.append(KubeName("ServiceAccount", app, is_dns1123_subdomain))
        for role in account["roles"]:
            if role.get("global"):
                cluster_role = f"{namespace}-{role['name']}"
                names.append(KubeName("ClusterRole", cluster_role, is_valid_path_segment_name))
                names.append(KubeName("ClusterRoleBinding", f"{app}-{cluster_role}", is_valid_path_segment_name))
            else:
                names.append(KubeName("Role", role["name"], is_valid_path_segment_name))
    return names


def longest_app_name_juju_can_run() -> int:
    """The longest application name for which every object of Juju's own workload is valid.

    Not counting the operator's StatefulSet, which is longer by "-operator" and is given by
    ``longest_app_name_with_operator``.
    """
    workload = [n for n in juju_own_names("a") if not n.what.startswith("operator")]
    return _longest(lambda app: [n for n in juju_own_names(app) if n.what in {w.what for w in workload}])


def longest_app_name_with_operator() -> int:
    return _longest(juju_own_names)


def _longest(names: Callable[[str], List[KubeName]]) -> int:
    length = 1
    while not any(n.problems() for n in names("a" * (length + 1))):
        length += 1
    return length
