"""``alertmanager`` (requires, ``prometheus-alerting-config``): the 2020 charmed-lma Alertmanager. Pure.

Each of its units writes ``alerting_config``, the JSON of a Prometheus ``alerting`` section
(charmed-lma/charm-k8s-alertmanager src/: on relation-changed), in practice exactly
``{"alertmanagers": [{"kubernetes_sd_configs": [{"role": "pod", "namespaces": {"names":
["<its model>"]}, "selectors": [{"role": "pod", "label": "juju-app=<its app>"}]}]}]}``.

Read, per Alertmanager entry, and nothing else: ``kubernetes_sd_configs`` of role ``pod``
(``role``, ``selectors`` with a ``label`` selector, ``namespaces`` whose content is replaced),
``static_configs`` (``targets`` only), ``scheme``, ``path_prefix``, ``timeout``,
``api_version``. Any other key (``api_server``, ``tls_config``, ``*_file``, ``relabel_configs``,
a top-level ``alert_relabel_configs``, other discovery) refuses the bag, naming it. Discovery is
always pinned to the model's own namespace, whatever the data names; the charm adds its own
relabel rule. Each value is judged as the Prometheus of the image's generation would judge it
(discovery/kubernetes/kubernetes.go ``SDConfig.UnmarshalYAML``; config/config.go
``AlertmanagerConfig.UnmarshalYAML``, ``SupportedAlertmanagerAPIVersions``: v1 and v2 in 2.x,
v2 only from 3.0).

Pod labels: old Juju labelled pods ``juju-app=<app>``, newer Juju ``app.kubernetes.io/name=<app>``,
where the selector as sent matches nothing. A Kubernetes selector cannot say "either key", so a
selector naming ``juju-app`` is rendered twice, as sent and with the new key; Prometheus counts
an Alertmanager found by both once (notifier/: ``alertmanagerSet.sync`` keeps one per URL).
"""

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from domain.errors import InvalidValue
from domain.relations import label_selector
from domain.relations.alertmanager_dispatch import parse_url
from domain.relations.data import Bag, DroppedBag, Relation, oversized
from domain.relations.legacy_targets import LegacyAlertmanagers
from domain.relations.legacy_targets import needs_pod_discovery as needs_pod_discovery  # where it was
from domain.values.duration import Duration
from domain.values.json_depth import json_depth
from domain.values.text import excerpt
from domain.values.version import Version, format_version

KEY = "alerting_config"
MAX_CONFIG_BYTES = 16 * 1024
MAX_DEPTH = 8  # the section as sent nests 6 deep
MAX_ITEMS = 16  # Alertmanager entries, discovery blocks, targets...
LEGACY_LABEL = "juju-app"
CURRENT_LABEL = "app.kubernetes.io/name"
_ROLES = ("pod", "service", "endpoints", "endpointslice", "node", "ingress")
_HOST_PORT = re.compile(r"[^/]+:[0-9]+", re.ASCII)
_ENTRY_KEYS = ("kubernetes_sd_configs", "static_configs", "scheme", "path_prefix", "timeout", "api_version")


@dataclass(frozen=True)
class LegacyAlertingInput:
    alertmanagers: Tuple[LegacyAlertmanagers, ...]
    dropped: Tuple[DroppedBag, ...]


class _Refused(Exception):
    pass


def read(relation: Relation, namespace: str, version: Version) -> LegacyAlertingInput:
    found: List[LegacyAlertmanagers] = []
    dropped: List[DroppedBag] = []
    for bag in relation.units:
        try:
            for entry in _entries(bag, namespace, version):
                if entry not in found:  # every unit of the application sends the same section
                    found.append(entry)
        except _Refused as refusal:
            dropped.append(DroppedBag(relation.key, bag.owner, f"{KEY}: {refusal}"))
    return LegacyAlertingInput(tuple(found), tuple(dropped))


def _entries(bag: Bag, namespace: str, version: Version) -> Tuple[LegacyAlertmanagers, ...]:
    if bag.unreadable:
        raise _Refused(bag.unreadable)
    text = bag.get(KEY)
    if not text:
        return ()
    section = _load(text)
    _only(section, ("alertmanagers",), "the section")
    entries = _list(section.get("alertmanagers", []), "alertmanagers")
    return tuple(_entry(entry, f"alertmanagers[{i}]", namespace, version) for i, entry in enumerate(entries))


def _load(text: str) -> Dict[str, Any]:
    too_big = oversized(text, KEY, MAX_CONFIG_BYTES)
    if too_big:
        raise _Refused(too_big.partition(f"{KEY} ")[2])
    if json_depth(text) > MAX_DEPTH:
        raise _Refused(f"nests deeper than {MAX_DEPTH} levels")
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError) as err:  # JSONDecodeError is a ValueError
        raise _Refused(f"is not JSON: {excerpt(str(err), 120)}") from None
    if not isinstance(document, dict):
        raise _Refused("is not a JSON object")
    return document


def _no_duplicates(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    document: Dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"key {key!r} appears twice")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _entry(raw: Any, where: str, namespace: str, version: Version) -> LegacyAlertmanagers:
    entry = _mapping(raw, where)
    _only(entry, _ENTRY_KEYS, where)
    selectors: List[str] = []
    for i, sd_config in enumerate(_list(entry.get("kubernetes_sd_configs", []), f"{where}.kubernetes_sd_configs")):
        for selector in _pod_selectors(sd_config, f"{where}.kubernetes_sd_configs[{i}]"):
            if selector not in selectors:
                selectors.append(selector)
    targets: List[str] = []
    for i, static in enumerate(_list(entry.get("static_configs", []), f"{where}.static_configs")):
        for target in _targets(static, f"{where}.static_configs[{i}]"):
            if target not in targets:
                targets.append(target)
    if not selectors and not targets:
        raise _Refused(f"{where} names no Alertmanager (no kubernetes_sd_configs or static_configs)")
    scheme = _text(entry, "scheme", where, "http")
    if scheme not in ("http", "https"):
        raise _Refused(f"{where}.scheme {excerpt(scheme)} is not http or https")
    path = _text(entry, "path_prefix", where, "/")
    parsed = parse_url(f"{scheme}://a{path}") if path.startswith("/") else None
    if parsed is None:
        raise _Refused(f"{where}.path_prefix {excerpt(path)} is not a URL path (starting with '/', without "
                       "'.'/'..' segments, characters Go would escape, query or fragment)")
    return LegacyAlertmanagers(namespace, tuple(selectors), tuple(sorted(targets)), scheme, parsed.path_prefix,
                               _timeout(entry, where), _api_version(entry, where, version))


def _pod_selectors(raw: Any, where: str) -> Tuple[str, ...]:
    """The label selectors one kubernetes_sd_config of role pod renders to (see the module doc)."""
    sd_config = _mapping(raw, where)
    _only(sd_config, ("role", "selectors", "namespaces"), where)
    role = sd_config.get("role")
    if role not in _ROLES:
        raise _Refused(f"{where}.role {_shown(role)} is not a Kubernetes SD role ({', '.join(_ROLES)})")
    if role != "pod":
        raise _Refused(f"{where}.role {role!r}: only pod is read (the charm's Role grants pods only)")
    _namespaces(sd_config.get("namespaces", {}), f"{where}.namespaces")
    label = ""
    for i, raw_selector in enumerate(_list(sd_config.get("selectors", []), f"{where}.selectors")):
        at = f"{where}.selectors[{i}]"
        selector = _mapping(raw_selector, at)
        _only(selector, ("role", "label", "field"), at)
        if i > 0:  # a second selector needs a second role, and role pod takes only pod selectors
            raise _Refused(f"{at}: duplicated selector role (role pod supports only one pod selector)")
        if selector.get("role") != "pod":
            raise _Refused(f"{at}.role {_shown(selector.get('role'))}: pod role supports only pod selectors")
        if _text(selector, "field", at, ""):
            raise _Refused(f"{at}.field: field selectors are not read, only label selectors")
        label = _text(selector, "label", at, "")
    requirements = label_selector.parse(label)
    if isinstance(requirements, str):
        raise _Refused(f"{where} label selector {excerpt(label)} {requirements}")
    as_sent = label_selector.render(requirements)
    if not any(r.key == LEGACY_LABEL for r in requirements):
        return (as_sent,)
    return (as_sent, label_selector.render(label_selector.with_key_renamed(requirements, LEGACY_LABEL,
                                                                           CURRENT_LABEL)))


def _namespaces(raw: Any, where: str) -> None:
    """Checked for shape only: whatever it names, discovery stays in the model's namespace."""
    namespaces = _mapping(raw, where)
    _only(namespaces, ("names", "own_namespace"), where)
    for i, name in enumerate(_list(namespaces.get("names", []), f"{where}.names")):
        if not isinstance(name, str):
            raise _Refused(f"{where}.names[{i}] is not a string")
    if not isinstance(namespaces.get("own_namespace", False), bool):
        raise _Refused(f"{where}.own_namespace is not true or false")


def _targets(raw: Any, where: str) -> List[str]:
    static = _mapping(raw, where)
    _only(static, ("targets",), where)
    targets: List[str] = []
    for i, target in enumerate(_list(static.get("targets", []), f"{where}.targets")):
        parsed = parse_url(f"http://{target}") if isinstance(target, str) and _HOST_PORT.fullmatch(target) else None
        if parsed is None:
            raise _Refused(f"{where}.targets[{i}] {_shown(target)} is not host:port (a DNS name or IP address)")
        targets.append(parsed.address)
    return targets


def _timeout(entry: Dict[str, Any], where: str) -> Optional[Duration]:
    if "timeout" not in entry:
        return None
    text = _text(entry, "timeout", where, "")
    try:
        timeout = Duration.parse(text)
    except InvalidValue as err:
        raise _Refused(f"{where}.timeout: {err}") from None
    if timeout.milliseconds == 0:
        raise _Refused(f"{where}.timeout: 0 would time out every notification")
    return timeout


def _api_version(entry: Dict[str, Any], where: str, version: Version) -> Optional[str]:
    if "api_version" not in entry:
        return None
    value = _text(entry, "api_version", where, "")
    supported = ("v2",) if version >= (3, 0, 0) else ("v1", "v2")
    if value not in supported:
        raise _Refused(f"{where}.api_version {excerpt(value)} is not one of {', '.join(supported)} "
                       f"(Prometheus {format_version(version)})")
    return value


def _only(mapping: Dict[str, Any], allowed: Tuple[str, ...], where: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise _Refused(f"{where}: {excerpt(key)} is not accepted (only {', '.join(allowed)})")


def _mapping(raw: Any, where: str) -> Dict[str, Any]:
    if not isinstance(raw, dict):
        raise _Refused(f"{where} is not a JSON object")
    return raw


def _list(raw: Any, where: str) -> List[Any]:
    if not isinstance(raw, list):
        raise _Refused(f"{where} is not a JSON list")
    if len(raw) > MAX_ITEMS:
        raise _Refused(f"{where} has {len(raw)} entries, more than the {MAX_ITEMS} accepted")
    return raw


def _text(mapping: Dict[str, Any], key: str, where: str, default: str) -> str:
    value = mapping.get(key, default)
    if not isinstance(value, str):
        raise _Refused(f"{where}.{key} is not a string")
    return value


def _shown(value: Any) -> str:
    return excerpt(value) if isinstance(value, str) else excerpt(json.dumps(value)[:60])

