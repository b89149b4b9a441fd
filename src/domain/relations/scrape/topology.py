"""Whose data a relation carries: the provider's Juju topology and its units. Pure.

``scrape_metadata`` is the provider's word for its topology (canonical/prometheus-k8s-operator
lib/charms/prometheus_k8s/v0/prometheus_scrape.py; cosl juju_topology.py). The charm trusts
only what it can check against Juju itself: the application must be the relation's remote
application (``Relation.remote_app``), else the metadata is refused; ``model_uuid`` must be a
v4 UUID, as cosl's ``JujuTopology`` requires. Unit bags name each unit's address
(``prometheus_scrape_unit_address``; very old providers ``prometheus_scrape_host``), its name,
an optional path prefix and its FQDN.
"""

import ipaddress
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from domain.errors import InvalidValue
from domain.relations.data import Bag, Relation
from domain.relations.scrape.bounded_json import bounded_loads
from domain.relations.topology import Topology
from domain.values.text import excerpt, forbidden_character

MAX_METADATA_BYTES = 4096
MAX_NAME_CHARS = 253
# Juju's grammar (juju/names): model and application names, unit names <app>/<n>.
_MODEL = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_APP = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*")
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_CHARM = re.compile(r"[a-z0-9][a-z0-9._+-]{0,99}")
HOSTNAME = re.compile(r"(?=.{1,253}\.?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?", re.ASCII)
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"{_OCTET}(\.{_OCTET}){{3}}")
_PATH = re.compile(r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]*)*", re.ASCII)


@dataclass(frozen=True)
class Unit:
    name: str  # the Juju unit name, e.g. api/0
    address: str  # an IP address or DNS name, without port
    path: str = ""  # prepended to the job's metrics_path
    fqdn: str = ""


def read_topology(relation: Relation) -> Optional[Topology]:
    """The relation's topology from ``scrape_metadata``; None without it; ``InvalidValue`` when
    it is unusable or names another application than the relation's."""
    raw = relation.app.get("scrape_metadata")
    if not raw:
        return None
    data = bounded_loads(raw, "scrape_metadata", MAX_METADATA_BYTES, 2)
    if not isinstance(data, dict):
        raise InvalidValue("scrape_metadata is not a JSON object")
    fields = {key: data.get(key) for key in ("model", "model_uuid", "application", "charm_name")}
    for key in ("model", "model_uuid", "application"):
        if not isinstance(fields[key], str):
            raise InvalidValue(f"scrape_metadata has no text {key}")
    model, uuid, app = str(fields["model"]), str(fields["model_uuid"]), str(fields["application"])
    if not _MODEL.fullmatch(model) or len(model) > MAX_NAME_CHARS:
        raise InvalidValue(f"scrape_metadata model {excerpt(model)} is not a Juju model name")
    if not _UUID4.fullmatch(uuid):
        raise InvalidValue(f"scrape_metadata model_uuid {excerpt(uuid)} is not a v4 UUID")
    if app != relation.remote_app:
        raise InvalidValue(f"scrape_metadata names the application {excerpt(app)}, "
                           f"but the relation is with {excerpt(relation.remote_app or '')}")
    charm = fields["charm_name"]
    charm_text = charm if isinstance(charm, str) and _CHARM.fullmatch(charm) else ""
    return Topology(model, uuid, app, charm_text)


def read_unit(bag: Bag) -> Union[Unit, str, None]:
    """The unit's scrape address; None when it wrote none; the reason when unusable."""
    if bag.unreadable:
        return bag.unreadable
    address = bag.get("prometheus_scrape_unit_address") or bag.get("prometheus_scrape_host")
    if not address:
        return None
    name = bag.get("prometheus_scrape_unit_name") or bag.owner
    for key, value in (("address", address), ("name", name), ("fqdn", bag.get("prometheus_scrape_unit_fqdn")),
                       ("path", bag.get("prometheus_scrape_unit_path"))):
        if len(value) > MAX_NAME_CHARS or forbidden_character(value):
            return f"prometheus_scrape_unit_{key} {excerpt(value)} is too long or holds control characters"
    if not host_ok(address):
        return f"prometheus_scrape_unit_address {excerpt(address)} is not an IP address or DNS name"
    if name != bag.owner:
        return f"prometheus_scrape_unit_name {excerpt(name)} is not the unit's own name {excerpt(bag.owner)}"
    fqdn = bag.get("prometheus_scrape_unit_fqdn")
    if fqdn and not HOSTNAME.fullmatch(fqdn):
        return f"prometheus_scrape_unit_fqdn {excerpt(fqdn)} is not a DNS name"
    path = bag.get("prometheus_scrape_unit_path").rstrip("/")
    if path and (not _PATH.fullmatch(path) or any(seg in (".", "..") for seg in path.split("/"))):
        return f"prometheus_scrape_unit_path {excerpt(path)} is not a plain URL path"
    return Unit(bag.owner, address, path, fqdn)


def read_units(relation: Relation) -> Tuple[List[Unit], List[Tuple[str, str]]]:
    """The usable units and (owner, reason) for each unit refused."""
    units: List[Unit] = []
    refused: List[Tuple[str, str]] = []
    for bag in relation.units:
        found = read_unit(bag)
        if isinstance(found, str):
            refused.append((bag.owner, found))
        elif found is not None:
            units.append(found)
    return units, refused


def host_ok(host: str) -> bool:
    """An IPv4 address in dotted-quad form, an IPv6 address (bare) or a DNS name; never a
    link-local address (169.254.0.0/16, fe80::/10: cloud metadata services live there)."""
    if _IPV4.fullmatch(host):  # the common case, without ipaddress' slower parse
        return not host.startswith("169.254.")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return bool(HOSTNAME.fullmatch(host)) and not host.replace(".", "").isdigit()
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return False
    if isinstance(ip, ipaddress.IPv4Address) and str(ip) != host:
        return False  # leading zeros: Go reads them differently or not at all
    return not ip.is_link_local
