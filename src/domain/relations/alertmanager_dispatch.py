"""``alertmanager-dispatch`` (requires, ``alertmanager_dispatch``): today's Alertmanager charm. Pure.

Each Alertmanager unit writes its address in its own bag: ``url`` (v1, e.g.
``http://alertmanager-0.alertmanager-endpoints.lma.svc.cluster.local:9093``, possibly with a
path) or, from older charms, ``public_address`` (``host:port[/path]``) with ``scheme`` (default
``http``). The v1 key wins, as the library's consumer tries v1 first
(canonical/alertmanager-k8s-operator lib/charms/alertmanager_k8s/v1/alertmanager_dispatch.py,
``AlertmanagerConsumer.get_cluster_info``; v0 of the same library for ``public_address``).
A unit that wrote nothing yet is skipped; one whose address is not usable is dropped alone.

What is refused, so that a related charm cannot make Prometheus post alerts where a URL parser
would disagree with ours: anything but ``http``/``https``; user info, query, fragment or
percent-escapes; a host that is neither a DNS name nor an IP address (IPv6 in brackets, without
a zone); the unspecified, multicast and link-local addresses (``0.0.0.0``, ``::``,
``169.254.0.0/16``, ``fe80::/10``: the cloud metadata service lives there); a port outside
1-65535; a path with ``.``/``..`` segments or characters Go would escape. Hosts are lowercased
and IPv6 addresses written in their compressed form, so that one Alertmanager written two ways
is one target.
"""

import ipaddress
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple, Type, TypeVar, Union

from domain.facts import AlertmanagerTarget
from domain.relations.data import Bag, DroppedBag, Relation, oversized
from domain.values.text import excerpt

MAX_URL_BYTES = 2048
IPAddress = TypeVar("IPAddress", ipaddress.IPv4Address, ipaddress.IPv6Address)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A DNS name as Kubernetes and Go's resolver take it: labels of letters, digits, '-' and '_'.
_HOSTNAME = re.compile(r"(?=.{1,253}\.?$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
                       r"(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?")
_URL = re.compile(r"(?P<scheme>[Hh][Tt][Tt][Pp][Ss]?)://(?P<host>\[[0-9A-Fa-f:.]+\]|[^/:\[\]@?#]+)"
                  r"(?::(?P<port>[0-9]{1,5}))?(?P<path>/[^?#]*)?", re.ASCII)
_PATH = re.compile(r"(/[A-Za-z0-9._~!$&'()*+,;=:@-]*)*")
_USER_INFO = re.compile(r"//[^/?#]*@")


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
    scheme = (bag.get("scheme") or "http").lower()  # URL schemes are case-insensitive (RFC 3986)
    if scheme not in _DEFAULT_PORTS:
        return f"scheme {excerpt(scheme)} is not http or https"
    return _from_url(f"{scheme}://{address}", "public_address")


def _from_url(url: str, key: str, kind: str = "an Alertmanager URL") -> Union[AlertmanagerTarget, str]:
    too_big = oversized(url, key, MAX_URL_BYTES)
    if too_big:
        return too_big
    problem = f"{key} {shown_url(url)} is not {kind}"
    match = _URL.fullmatch(url)
    if match is None:
        return f"{problem}: expected http(s)://host[:port][/path], without credentials, query or spaces"
    scheme, host, port_text, path = match.group("scheme", "host", "port", "path")
    scheme = scheme.lower()
    address: Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]] = None
    if host.startswith("["):
        address = _ip(host[1:-1], ipaddress.IPv6Address)
        if address is None:
            return f"{problem}: {excerpt(host)} is not an IPv6 address"
        host = f"[{address.compressed}]"
    elif not _HOSTNAME.fullmatch(host):
        return f"{problem}: the host is not a DNS name or IP address"
    elif host.replace(".", "").isdigit():  # all digits: Go dials it as an IPv4 address or not at all
        address = _ip(host, ipaddress.IPv4Address)
        if address is None:
            return f"{problem}: the host is not a DNS name or IP address"
    if address is not None and _unroutable(address):
        return f"{problem}: {address} is an unspecified, multicast or link-local address"
    port = int(port_text) if port_text else _DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        return f"{problem}: port {port_text} is out of range"
    path = path or ""
    if not _PATH.fullmatch(path) or any(seg in (".", "..") for seg in path.split("/")):
        return f"{problem}: the path has characters that need escaping, or '.'/'..' segments"
    return AlertmanagerTarget(host=host.lower(), port=port, scheme=scheme,
                              path_prefix=path.rstrip("/") or "/")


def shown_url(url: str) -> str:
    """``url`` quoted for a message, a password in it masked: messages reach the unit status,
    the debug log and the remote side's bag, which credentials must not."""
    return excerpt(_USER_INFO.sub("//***@", url))


def check_url(url: str, key: str, kind: str) -> Union[AlertmanagerTarget, str]:
    """``url`` held to the rules above, as the target it names, or why it is refused (the
    message names ``key`` and calls the URL ``kind``); for other endpoints that read URLs."""
    return _from_url(url, key, kind)


def parse_url(url: str) -> Optional[AlertmanagerTarget]:
    """The Alertmanager ``url`` names if this reader would accept it, else None (for the
    ``alertmanager`` relation's static targets and path prefixes, held to the same rules)."""
    found = _from_url(url, "url")
    return found if isinstance(found, AlertmanagerTarget) else None


def _unroutable(address: Union[ipaddress.IPv4Address, ipaddress.IPv6Address]) -> bool:
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return any(a.is_unspecified or a.is_multicast or a.is_link_local for a in (address, mapped) if a)


def _ip(text: str, kind: Type[IPAddress]) -> Optional[IPAddress]:
    """The address ``text`` denotes if it is one of ``kind`` (leading zeros refused, as Go does)."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address if isinstance(address, kind) else None
