"""``alertmanager-dispatch`` (requires, ``alertmanager_dispatch``): today's Alertmanager charm. Pure.

Each Alertmanager unit writes its address in its own bag: ``url`` (v1, e.g.
``http://alertmanager-0.alertmanager-endpoints.lma.svc.cluster.local:9093``, possibly with a
path) or, from older charms, ``public_address`` (``host:port[/path]``) with ``scheme`` (default
``http``). The v1 key wins, as the library's consumer tries v1 first
(canonical/alertmanager-k8s-operator lib/charms/alertmanager_k8s/v1/alertmanager_dispatch.py,
``AlertmanagerConsumer.get_cluster_info``; v0 of the same library for ``public_address``).
A unit that wrote nothing yet is skipped; one whose address is not usable is dropped alone.
"""

import ipaddress
import re
from dataclasses import dataclass
from typing import List, Tuple, Union

from domain.facts import AlertmanagerTarget
from domain.relations.data import Bag, DroppedBag, Relation, oversized
from domain.values.text import excerpt

MAX_URL_BYTES = 2048
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A DNS name as Kubernetes and Go's resolver take it: labels of letters, digits, '-' and '_'.
_HOSTNAME = re.compile(r"(?=.{1,253}\.?$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
                       r"(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?")
_URL = re.compile(r"(?P<scheme>[Hh][Tt][Tt][Pp][Ss]?)://(?P<host>\[[0-9A-Fa-f:.]+\]|[^/:\[\]@?#]+)"
                  r"(?::(?P<port>[0-9]{1,5}))?(?P<path>/[^?#]*)?", re.ASCII)
_PATH = re.compile(r"(/[A-Za-z0-9._~!$&'()*+,;=:@-]*)*")


@dataclass(frozen=True)
class DispatchInput:
    targets: Tuple[AlertmanagerTarget, ...]
    dropped: Tuple[DroppedBag, ...]


def read(relation: Relation) -> DispatchInput:
    targets: List[AlertmanagerTarget] = []
    dropped: List[DroppedBag] = []
    for bag in relation.units:
        found = _target(bag)
        if isinstance(found, str):
            dropped.append(DroppedBag(relation.key, bag.owner, found))
        elif found is not None:
            targets.append(found)
    return DispatchInput(tuple(targets), tuple(dropped))


def _target(bag: Bag) -> Union[AlertmanagerTarget, str, None]:
    """The unit's Alertmanager, None when it has not written one, or why its data is unusable."""
    if bag.unreadable:
        return bag.unreadable
    url = bag.get("url")
    if url:
        return _from_url(url, "url")
    address = bag.get("public_address")
    if not address:
        return None
    scheme = bag.get("scheme") or "http"
    if scheme not in _DEFAULT_PORTS:
        return f"scheme {excerpt(scheme)} is not http or https"
    return _from_url(f"{scheme}://{address}", "public_address")


def _from_url(url: str, key: str) -> Union[AlertmanagerTarget, str]:
    too_big = oversized(url, key, MAX_URL_BYTES)
    if too_big:
        return too_big
    problem = f"{key} {excerpt(url)} is not an Alertmanager URL"
    match = _URL.fullmatch(url)
    if match is None:
        return f"{problem}: expected http(s)://host[:port][/path], without credentials, query or spaces"
    scheme, host, port_text, path = match.group("scheme", "host", "port", "path")
    scheme = scheme.lower()
    if host.startswith("["):
        if not _ipv6(host[1:-1]):
            return f"{problem}: {excerpt(host)} is not an IPv6 address"
    elif not _HOSTNAME.fullmatch(host) or (host.replace(".", "").isdigit() and not _ipv4(host)):
        return f"{problem}: the host is not a DNS name or IP address"
    port = int(port_text) if port_text else _DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        return f"{problem}: port {port_text} is out of range"
    path = path or ""
    if not _PATH.fullmatch(path) or any(seg in (".", "..") for seg in path.split("/")):
        return f"{problem}: the path has characters that need escaping, or '.'/'..' segments"
    return AlertmanagerTarget(host=host.lower(), port=port, scheme=scheme,
                              path_prefix=path.rstrip("/") or "/")


def _ipv4(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv4Address)
    except ValueError:
        return False


def _ipv6(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False
