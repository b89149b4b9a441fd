"""The options of the charm's own Ingress: host name, class, path, and its TLS pair. Pure.

Kubernetes' rules, as its API server applies them to an Ingress (kubernetes/kubernetes
pkg/apis/networking/validation/validation.go: ``validateIngressRules``, ``validateIngressTLS``,
``validateHTTPIngressPath``, ``ValidateIngressClassName``; k8s.io/apimachinery
pkg/util/validation/validation.go: ``IsDNS1123Subdomain``, ``IsWildcardDNS1123Subdomain``):

* a rule's host is a DNS-1123 subdomain (lower case, at most 253 characters) or, with a ``*``,
  ``*.`` followed by one; never an IP address (``netutils.ParseIPSloppy``, which reads dotted
  IPv4 with leading zeros). The charm also holds each label to DNS' 63 characters: a longer one
  can never resolve.
* ``ingressClassName`` is a DNS-1123 subdomain.
* a ``Prefix`` path starts with ``/`` and contains none of ``//``, ``/./``, ``/../``, ``%2f``,
  ``%2F``, nor ends in ``/.`` or ``/..``. The path is also Prometheus' route prefix
  (``web-external-url``), so the charm takes only letters, digits and ``-._~`` in its segments:
  nothing an ingress controller could read as a pattern, nothing that needs escaping.

``ingress_errors`` holds these options to each other and to ``web-external-url``, and derives
the external URL from them when ``web-external-url`` is unset.
"""

import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from domain.config.parsers import line
from domain.errors import ConfigError, InvalidValue
from domain.values.text import excerpt
from domain.values.url import ExternalUrl

SUBDOMAIN_MAX = 253
DNS_LABEL_MAX = 63
_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = re.compile(f"{_LABEL}(\\.{_LABEL})*", re.ASCII)
_DOTTED_DIGITS = re.compile(r"[0-9]+(\.[0-9]+){3}", re.ASCII)
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+", re.ASCII)


def _subdomain_problem(name: str) -> Optional[str]:
    if len(name) > SUBDOMAIN_MAX:
        return f"is longer than {SUBDOMAIN_MAX} characters"
    if not _SUBDOMAIN.fullmatch(name):
        hint = " (use lower case)" if _SUBDOMAIN.fullmatch(name.lower()) else ""
        return ("is not a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', "
                f"each part starting and ending with a letter or digit{hint}")
    return None


def is_ip_address(host: str) -> bool:
    """Dotted IPv4 as ParseIPSloppy reads it: four decimal parts of at most 255, leading zeros allowed."""
    return bool(_DOTTED_DIGITS.fullmatch(host)) and all(int(part) <= 255 for part in host.split("."))


def ingress_hostname(value: object) -> str:
    """The Ingress rule's host: "" (no Ingress), a DNS name, or a wildcard ``*.example.com``."""
    host = line(value)
    if not host:
        return ""
    name = host[2:] if host.startswith("*.") else host
    problem = _subdomain_problem(name) if len(host) <= SUBDOMAIN_MAX else \
        f"is longer than {SUBDOMAIN_MAX} characters"
    if problem is not None:
        raise InvalidValue(f"{excerpt(host)} {problem}; a wildcard is '*.' before such a name")
    if is_ip_address(host):
        raise InvalidValue(f"{excerpt(host)} is an IP address; an Ingress host must be a DNS name")
    if any(len(label) > DNS_LABEL_MAX for label in name.split(".")):
        raise InvalidValue(f"{excerpt(host)} has a part longer than {DNS_LABEL_MAX} characters")
    return host


def ingress_class(value: object) -> str:
    """``ingressClassName``: "" (the cluster's default IngressClass) or a DNS-1123 subdomain."""
    name = line(value)
    problem = _subdomain_problem(name) if name else None
    if problem is not None:
        raise InvalidValue(f"{excerpt(name)} {problem}")
    return name


def ingress_path(value: object) -> str:
    """The Ingress path (pathType Prefix) without trailing slashes ("/" stays); "" follows
    web-external-url's path, or "/"."""
    path = line(value)
    if not path:
        return ""
    if not path.startswith("/"):
        raise InvalidValue(f"{excerpt(path)} must start with '/'")
    body = path[:-1] if path.endswith("/") else path  # one trailing slash: Prefix matching ignores it
    segments = body.split("/")[1:] if body else []
    for segment in segments:
        if segment in ("", ".", ".."):
            raise InvalidValue(f"{excerpt(path)} has an empty, '.' or '..' segment (Kubernetes refuses "
                               "'//', '/./', '/../' and a trailing '/.' or '/..')")
        if not _PATH_SEGMENT.fullmatch(segment):
            raise InvalidValue(f"{excerpt(path)} may hold only letters, digits, '-', '.', '_', '~' and '/'")
    return "/" + "/".join(segments)


def _authority(url: ExternalUrl) -> Tuple[str, str]:
    """(scheme, host without port, lower case) of a parsed web-external-url."""
    scheme, _, rest = url.text.partition("://")
    authority = rest.partition("/")[0]
    host = authority.partition("]")[0] + "]" if authority.startswith("[") else authority.partition(":")[0]
    return scheme.lower(), host.lower()


def _host_matches(rule_host: str, host: str) -> bool:
    """Whether the Ingress rule's host takes requests for ``host`` (a wildcard: one label more)."""
    if rule_host.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and "*" not in label and rest == rule_host[2:]
    return host == rule_host


def _disagreement(values: Mapping[str, Any], url: ExternalUrl) -> Optional[str]:
    host, path, tls = values["ingress_hostname"], values["ingress_path"], bool(values["ingress_tls_cert"])
    scheme, url_host = _authority(url)
    if not _host_matches(host, url_host):
        return f"its host is not ingress-hostname {excerpt(host)}"
    if path and path != (url.route_prefix or "/"):
        return f"its path is not ingress-path {excerpt(path)}"
    if tls and scheme != "https":
        return "it is http:// but the Ingress serves HTTPS (ingress-tls-cert is set)"
    return None


def _unset_without_host(values: Mapping[str, Any]) -> List[ConfigError]:
    return [ConfigError(option, "is set but ingress-hostname is empty (the charm makes its Ingress only "
                                "for a host name)")
            for option, field in (("ingress-class", "ingress_class"), ("ingress-path", "ingress_path"),
                                  ("ingress-tls-cert", "ingress_tls_cert"), ("ingress-tls-key", "ingress_tls_key"))
            if values.get(field)]


def ingress_errors(values: Dict[str, Any]) -> List[ConfigError]:
    """Check the Ingress options against each other and web-external-url; when the Ingress is on
    and web-external-url unset, put the Ingress' own URL in ``values["web_external_url"]``.

    Runs only when every option it reads parsed.
    """
    fields = ("ingress_hostname", "ingress_class", "ingress_path", "ingress_tls_cert", "ingress_tls_key")
    if any(field not in values for field in fields + ("web_external_url",)):
        return []
    host = values["ingress_hostname"]
    if not host:
        return _unset_without_host(values)
    cert, key = values["ingress_tls_cert"], values["ingress_tls_key"]
    if bool(cert) != bool(key):
        missing = "ingress-tls-key" if cert else "ingress-tls-cert"
        return [ConfigError(missing, "ingress-tls-cert and ingress-tls-key must be set together")]
    url = values["web_external_url"]
    if url is not None:
        problem = _disagreement(values, url)
        if problem is None:
            return []
        return [ConfigError("web-external-url", f"{excerpt(url.text)} does not match the charm's Ingress: "
                                                f"{problem}; make web-external-url and the ingress-* options "
                                                "agree, or leave web-external-url empty to derive it")]
    if host.startswith("*."):
        return [ConfigError("ingress-hostname", f"{excerpt(host)} is a wildcard, which names no single address: "
                                                "set web-external-url to the one the UI is reached at")]
    path = values["ingress_path"]
    values["web_external_url"] = ExternalUrl.parse(
        f"{'https' if cert else 'http'}://{host}{'' if path in ('', '/') else path}")
    return []
