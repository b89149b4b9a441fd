"""The Kubernetes objects Juju makes from the charm's spec, and their check against Kubernetes' schemas.

Juju turns pod-spec v3 entries into API objects (juju/juju caas/kubernetes/provider):
``ingress.go`` ``ensureIngressResources`` (Ingress ``networking.k8s.io/v1``: the entry's name,
its labels merged with the application's, its annotations, its spec as is), ``secrets.go``
(Secret: name, type, annotations, ``data``/``stringData``), ``rbac.go`` and
``caas/specs/rbac.go`` (the ServiceAccount named after the application; a global role becomes a
ClusterRole ``<namespace>-<name>`` bound by ``<app>-<namespace>-<name>``, else a Role and
RoleBinding), and ``k8s.go`` (the pod template: container probes and security context as given,
the pod's ``securityContext`` from ``kubernetesResources.pod``). ``k8s_objects`` rebuilds those
objects with what Kubernetes' schemas require (apiVersion, kind, metadata), and
``schema_problems`` checks each with kubernetes-validate in strict mode (no unknown field)
against the schemas of ``KUBERNETES_VERSION``.
"""

from typing import Any, Dict, List

import kubernetes_validate

KUBERNETES_VERSION = "1.31.0"  # the newest schemas kubernetes-validate 1.31.0 ships
APP_LABELS = {"app.kubernetes.io/name": "", "app.kubernetes.io/managed-by": "juju"}


def _meta(name: str, namespace: str, app: str, entry: Dict[str, Any]) -> Dict[str, Any]:
    meta: Dict[str, Any] = {"name": name, "namespace": namespace,
                            "labels": {**entry.get("labels", {}), **APP_LABELS,
                                       "app.kubernetes.io/name": app}}
    if entry.get("annotations"):
        meta["annotations"] = dict(entry["annotations"])
    return meta


def _rbac(app: str, namespace: str, account: Dict[str, Any]) -> List[Dict[str, Any]]:
    objects: List[Dict[str, Any]] = [{
        "apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(app, namespace, app, {}),
        "automountServiceAccountToken": account.get("automountServiceAccountToken", True)}]
    group = "rbac.authorization.k8s.io"
    for index, role in enumerate(account["roles"]):
        name = role.get("name") or (app if index == 0 else f"{app}{index}")
        kind = "ClusterRole" if role.get("global") else "Role"
        role_name = f"{namespace}-{name}" if role.get("global") else name
        role_meta = _meta(role_name, namespace, app, {})
        binding_meta = _meta(f"{app}-{role_name}", namespace, app, {})
        if kind == "ClusterRole":
            del role_meta["namespace"], binding_meta["namespace"]
        objects.append({"apiVersion": f"{group}/v1", "kind": kind, "metadata": role_meta, "rules": role["rules"]})
        objects.append({"apiVersion": f"{group}/v1", "kind": f"{kind}Binding", "metadata": binding_meta,
                        "roleRef": {"apiGroup": group, "kind": kind, "name": role_name},
                        "subjects": [{"kind": "ServiceAccount", "name": app, "namespace": namespace}]})
    return objects


def _pod(app: str, namespace: str, spec: Dict[str, Any], resources: Dict[str, Any]) -> Dict[str, Any]:
    containers = []
    for container in spec["containers"]:
        native = dict(container.get("kubernetes") or {})
        containers.append({"name": container["name"], "image": container["imageDetails"]["imagePath"],
                           "imagePullPolicy": container.get("imagePullPolicy", "IfNotPresent"),
                           "args": container.get("args", []), "ports": container.get("ports", []),
                           **native})
    pod = resources.get("pod") or {}
    pod_spec: Dict[str, Any] = {"containers": containers, "serviceAccountName": app}
    if "securityContext" in pod:
        pod_spec["securityContext"] = pod["securityContext"]
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": _meta(f"{app}-0", namespace, app, {"annotations": pod.get("annotations", {})}),
            "spec": pod_spec}


def k8s_objects(app: str, namespace: str, spec: Dict[str, Any],
                k8s_resources: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The objects Juju makes from the spec: Pod (its template), RBAC, Secrets, Ingresses."""
    resources = k8s_resources.get("kubernetesResources") or {}
    objects = [_pod(app, namespace, spec, resources)]
    if spec.get("serviceAccount"):
        objects += _rbac(app, namespace, spec["serviceAccount"])
    for secret in resources.get("secrets") or []:
        body = {key: secret[key] for key in ("type", "data", "stringData") if key in secret}
        objects.append({"apiVersion": "v1", "kind": "Secret",
                        "metadata": _meta(secret["name"], namespace, app, secret), **body})
    for ingress in resources.get("ingressResources") or []:
        objects.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                        "metadata": _meta(ingress["name"], namespace, app, ingress), "spec": ingress["spec"]})
    return objects


def schema_problems(obj: Dict[str, Any]) -> List[str]:
    """What Kubernetes' OpenAPI schema of the object's kind refuses in it (strict: unknown fields too)."""
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as err:
        return [f"{obj['kind']} {obj['metadata']['name']}: {str(err).splitlines()[0]}"]
    return []
