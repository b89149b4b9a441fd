"""What a Kubernetes API server reads from a request path: which resource, in which namespace,
for which verb (as its authorizer sees it), and which objects a label selector picks. Shared by
the fake API of tests/support/k8s_discovery_api.py and the tests that check RBAC against it.
"""

import urllib.parse
from typing import Dict, List, NamedTuple, Optional, Tuple

from scripts.localrun.fake_k8s import selects  # noqa: F401 (the same selector rules for both fakes)

# The groups served, with the kind of each resource (a list's kind is the kind + "List").
KINDS: Dict[Tuple[str, str], str] = {
    ("v1", "pods"): "Pod", ("v1", "services"): "Service", ("v1", "endpoints"): "Endpoints",
    ("v1", "nodes"): "Node", ("v1", "namespaces"): "Namespace",
    ("discovery.k8s.io/v1", "endpointslices"): "EndpointSlice",
}


class Request(NamedTuple):
    method: str
    path: str  # with its query


def resource_of(parts: List[str]) -> Optional[Tuple[Tuple[str, str], Optional[str], List[str]]]:
    """(group/version, resource), namespace, the rest, for /api/v1/... and /apis/g/v/... paths."""
    if parts[:2] == ["api", "v1"]:
        group_version, rest = "v1", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group_version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
    else:
        return None
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    if not rest or (group_version, rest[0]) not in KINDS:
        return None
    return (group_version, rest[0]), namespace, rest[1:]


def authorization_attributes(request: Request) -> Tuple[str, str]:
    """(verb, what) as the API server's authorizer sees a request: ``what`` is the resource
    (``group/resource`` outside the core group, ``/subresource`` appended) or, for any other
    path, the non-resource URL. Kubernetes: staging/src/k8s.io/apiserver/pkg/endpoints/request/
    requestinfo.go, NewRequestInfo (GET of a named object is get, of a collection list, with
    ``watch=true|1`` watch; a path with fewer parts than a resource is non-resource)."""
    url = urllib.parse.urlsplit(request.path)
    parts = [p for p in url.path.split("/") if p]
    found = resource_of(parts) if request.method == "GET" else None
    if found is None:
        return request.method.lower(), url.path
    (group_version, resource), _, rest = found
    group = group_version.rpartition("/")[0]
    what = f"{group}/{resource}" if group else resource
    if not rest:
        watch = urllib.parse.parse_qs(url.query).get("watch", ["false"])[0] in ("1", "true")
        return ("watch" if watch else "list"), what
    return "get", what + (f"/{rest[1]}" if len(rest) > 1 else "")
