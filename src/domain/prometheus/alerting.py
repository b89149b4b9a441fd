"""prometheus.yml's alerting section: the related Alertmanagers, grouped. Pure."""

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from domain.facts import AlertmanagerTarget
from domain.values.duration import Duration


@dataclass(frozen=True)
class AlertmanagerGroup:
    """Alertmanagers sharing scheme and path, as one alertmanager_config."""

    scheme: str
    path_prefix: str
    targets: Tuple[str, ...]


def group_alertmanagers(targets: Tuple[AlertmanagerTarget, ...]) -> Tuple[AlertmanagerGroup, ...]:
    groups: Dict[Tuple[str, str], List[str]] = {}
    for target in targets:
        addresses = groups.setdefault((target.scheme, target.path_prefix), [])
        if target.address not in addresses:
            addresses.append(target.address)
    return tuple(
        AlertmanagerGroup(scheme, path, tuple(sorted(addresses)))
        for (scheme, path), addresses in sorted(groups.items())
    )


def alerting_section(groups: Tuple[AlertmanagerGroup, ...], timeout: Duration) -> Dict[str, Any]:
    return {"alertmanagers": [
        {"scheme": group.scheme, "path_prefix": group.path_prefix, "timeout": str(timeout),
         "static_configs": [{"targets": list(group.targets)}]}
        for group in groups
    ]}
