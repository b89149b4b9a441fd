"""The ``static_configs`` of a job from relation data: targets and their static labels. Pure.

A target is ``host:port``: ``*`` (every unit of the provider), an IP address or a DNS name,
never a link-local address; the port 1 to 65535 (Prometheus 3 adds no default port). Label
names are Prometheus' legacy names on every generation and any UTF-8 text from 3.0 (the
release that made names UTF-8), never ``__*`` (reserved: ``__address__`` would move the
target) nor with control characters; values are text without control characters.
"""

import re
from dataclasses import dataclass
from typing import Any, Tuple

from domain.errors import InvalidValue
from domain.prometheus.compatibility import PROMETHEUS_3
from domain.relations.scrape.topology import host_ok
from domain.values.text import excerpt, forbidden_character
from domain.values.version import Version

MAX_TEXT = 1024
MAX_TARGETS = 1000
MAX_STATIC_CONFIGS = 100
MAX_LABELS = 64
_LEGACY_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_TARGET = re.compile(r"(?P<host>\*|\[[0-9A-Fa-f:.]+\]|[^:\[\]/\s]+):(?P<port>[0-9]{1,5})", re.ASCII)


@dataclass(frozen=True)
class StaticConfig:
    targets: Tuple[Tuple[str, int], ...]  # (host, port); host "*" means every unit
    labels: Tuple[Tuple[str, str], ...]


def label_name_ok(name: str, version: Version) -> bool:
    """Legacy names on every generation; any UTF-8 text from 3.0 (control characters never)."""
    if _LEGACY_LABEL.fullmatch(name):
        return True
    return version >= PROMETHEUS_3 and 0 < len(name) <= 128 and not forbidden_character(name)


def _labels(value: Any, version: Version, what: str) -> Tuple[Tuple[str, str], ...]:
    if not isinstance(value, dict) or len(value) > MAX_LABELS:
        raise InvalidValue(f"{what} is not an object of at most {MAX_LABELS} labels")
    labels = []
    for name, text in value.items():
        if not label_name_ok(name, version) or name.startswith("__"):
            raise InvalidValue(f"{what}: {excerpt(name)} is not a label name the image accepts")
        if not isinstance(text, str) or len(text) > MAX_TEXT or forbidden_character(text):
            raise InvalidValue(f"{what}: the value of {excerpt(name)} is not text without control characters")
        labels.append((name, text))
    return tuple(sorted(labels))


def check_static_configs(value: Any, version: Version) -> Tuple[StaticConfig, ...]:
    if not isinstance(value, list) or not 0 < len(value) <= MAX_STATIC_CONFIGS:
        raise InvalidValue(f"static_configs is not a list of 1 to {MAX_STATIC_CONFIGS} entries")
    found = []
    count = 0
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"targets", "labels"}:
            raise InvalidValue("a static_configs entry holds other keys than targets and labels")
        targets = entry.get("targets")
        if not isinstance(targets, list):
            raise InvalidValue("static_configs targets is not a list")
        count += len(targets)
        if count > MAX_TARGETS:
            raise InvalidValue(f"more than {MAX_TARGETS} targets")
        parsed = tuple(_target(t) for t in targets)
        if len(set(parsed)) != len(parsed):
            raise InvalidValue("a target appears twice in one static_configs entry")
        found.append(StaticConfig(parsed, _labels(entry.get("labels", {}), version, "static_configs labels")))
    return tuple(found)


def _target(value: Any) -> Tuple[str, int]:
    match = _TARGET.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidValue(f"target {excerpt(str(value))} is not host:port")
    host, port = match.group("host"), int(match.group("port"))
    bare = host[1:-1] if host.startswith("[") else host
    if not 0 < port < 65536 or (host != "*" and not host_ok(bare)):
        raise InvalidValue(f"target {excerpt(value)} is not host:port with a usable host (no link-local address)")
    return host, port
