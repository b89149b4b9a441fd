"""``tls_config`` and ``proxy_url`` of a job from relation data. Pure.

In relation data ``tls_config``'s ``ca_file`` carries PEM text, not a path (the Prometheus
charm's own TLS job and the Juju controller charm send it so); the charm writes it to a file
itself. Prometheus reads that file when it loads the configuration and refuses the whole
configuration when no certificate in it parses (prometheus/common config/http_config.go
``NewTLSConfig``, ``readCAFile``; Go's ``CertPool.AppendCertsFromPEM``), so each block must be
a DER certificate structure (a SEQUENCE of tbsCertificate, algorithm and signature).
Client certificates and keys (``cert_file``, ``key_file``) are refused: a pair that does not
load would fail every reload, and the charm cannot prove a pair loads without OpenSSL.

``proxy_url``: http or https only, never to a link-local address (cloud metadata services) or
to the Kubernetes API service (``kubernetes.default.svc``), which the pod may reach with
credentials of its own.
"""

import ipaddress
import re
from typing import Any, Dict, List, Tuple

from domain.errors import InvalidValue
from domain.relations.alertmanager_dispatch import shown_url
from domain.relations.scrape.topology import HOSTNAME, host_ok
from domain.values.pem import _elements, _tlv, pem_blocks
from domain.values.text import excerpt, forbidden_character

MAX_PEM = 64 * 1024
# Any cluster domain: `kubernetes.default.svc.<domain>` names the API service in every cluster
# (kubelet's --cluster-domain is often not cluster.local), as in ``remote_write_send``.
_KUBERNETES_API = re.compile(r"kubernetes(\.default(\.svc(\..*)?)?)?\.?", re.IGNORECASE)
_PROXY = re.compile(r"(?P<scheme>https?)://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?/?",
                    re.ASCII)


def _certificates(text: Any) -> str:
    if not isinstance(text, str) or len(text) > MAX_PEM or "-----BEGIN" not in text:
        raise InvalidValue(f"tls_config ca_file must be PEM text of at most {MAX_PEM} bytes")
    if forbidden_character(text, layout=True):
        raise InvalidValue("tls_config ca_file holds control characters")
    blocks = pem_blocks(text)
    if not blocks or any(b.kind != "CERTIFICATE" or b.headers or not b.der for b in blocks):
        raise InvalidValue("tls_config ca_file must hold only PEM certificates")
    for block in blocks:
        try:
            tag, body, end = _tlv(block.der or b"")
            parts = _elements(body) if tag == 0x30 and end == len(block.der or b"") else []
        except InvalidValue:
            parts = []
        if [t for t, _ in parts] != [0x30, 0x30, 0x03]:
            raise InvalidValue("tls_config ca_file holds a block that is not a DER certificate")
    return text


def check_tls_config(value: Any) -> Tuple[Dict[str, Any], List[Tuple[str, str]]]:
    """The tls_config without its PEM, and the PEM to write (slot ``ca``)."""
    if not isinstance(value, dict):
        raise InvalidValue("tls_config is not an object")
    unknown = sorted(set(value) - {"ca_file", "server_name", "insecure_skip_verify"})
    if unknown:
        raise InvalidValue(f"tls_config {excerpt(unknown[0])} is not accepted (only ca_file, server_name, "
                           f"insecure_skip_verify)")
    checked: Dict[str, Any] = {}
    files: List[Tuple[str, str]] = []
    if "ca_file" in value:
        files.append(("ca", _certificates(value["ca_file"])))
    if "server_name" in value:
        name = value["server_name"]
        if not isinstance(name, str) or not HOSTNAME.fullmatch(name):
            raise InvalidValue("tls_config server_name is not a DNS name")
        checked["server_name"] = name
    if "insecure_skip_verify" in value:
        if not isinstance(value["insecure_skip_verify"], bool):
            raise InvalidValue("tls_config insecure_skip_verify is not true or false")
        checked["insecure_skip_verify"] = value["insecure_skip_verify"]
    return checked, files


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower().rstrip(".") == "localhost"


def check_proxy_url(value: Any, api_hosts: Tuple[str, ...] = ()) -> str:
    """``api_hosts``: the Kubernetes API service's addresses (KUBERNETES_SERVICE_HOST) when known."""
    match = _PROXY.fullmatch(value) if isinstance(value, str) and len(value) <= 1024 else None
    if match is None:
        raise InvalidValue(f"proxy_url {shown_url(str(value))} is not http(s)://host[:port]")
    host = match.group("host")
    bare = host[1:-1] if host.startswith("[") else host
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        raise InvalidValue("proxy_url's port is out of range")
    if _KUBERNETES_API.fullmatch(bare) or bare.lower() in api_hosts or not host_ok(bare) or _loopback(bare):
        raise InvalidValue(f"proxy_url {shown_url(value)} points at a link-local or loopback address "
                           f"or the Kubernetes API")
    return str(value)
