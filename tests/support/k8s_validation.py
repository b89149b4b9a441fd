"""Kubernetes' rules for object names and label values, as its API server applies them.

From k8s.io/apimachinery pkg/util/validation/validation.go (IsDNS1123Label, IsDNS1123Subdomain,
IsDNS1035Label, IsValidLabelValue) and path/name.go (IsValidPathSegmentName, which
ValidateRBACName applies to ClusterRoles and their bindings). Each returns the problems found,
an empty list when the name is valid, as the Go functions do.
"""

import re
from typing import List

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63
LABEL_VALUE_MAX = 63

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = re.compile(_DNS1123_LABEL + r"(\." + _DNS1123_LABEL + ")*")
_DNS1035_LABEL = re.compile("[a-z]([-a-z0-9]*[a-z0-9])?")
_LABEL_VALUE = re.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")


def _check(value: str, pattern: "re.Pattern[str]", limit: int, what: str) -> List[str]:
    problems = []
    if len(value) > limit:
        problems.append(f"must be no more than {limit} characters")
    if not pattern.fullmatch(value):
        problems.append(f"must be a {what}")
    return problems


def is_dns1123_label(value: str) -> List[str]:
    """Pod volume names, container names, namespaces, pod host names."""
    return _check(value, re.compile(_DNS1123_LABEL), DNS1123_LABEL_MAX, "DNS-1123 label")


def is_dns1123_subdomain(value: str) -> List[str]:
    """ConfigMaps, Secrets, ServiceAccounts, StatefulSets, Pods."""
    return _check(value, _DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_MAX, "DNS-1123 subdomain")


def is_dns1035_label(value: str) -> List[str]:
    """Services (ValidateServiceName)."""
    return _check(value, _DNS1035_LABEL, DNS1035_LABEL_MAX, "DNS-1035 label")


def is_valid_label_value(value: str) -> List[str]:
    """Label values, such as a pod's controller-revision-hash and app.kubernetes.io/name."""
    return _check(value, _LABEL_VALUE, LABEL_VALUE_MAX, "label value")


def is_valid_path_segment_name(value: str) -> List[str]:
    """ClusterRoles and ClusterRoleBindings: no length limit, only '.', '..', '/' and '%' refused."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{c}'" for c in "/%" if c in value]
