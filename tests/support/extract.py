"""Extractors: let tests assert facts about a pod spec, not dict shapes."""

from typing import Any, Dict, List, Optional

import yaml


def container(spec: Dict[str, Any], name: str = "prometheus") -> Dict[str, Any]:
    return next(c for c in spec["containers"] if c["name"] == name)


def args(spec: Dict[str, Any]) -> List[str]:
    return list(container(spec)["args"])


def cli_flag(spec: Dict[str, Any], flag: str) -> Optional[str]:
    """The value of --flag=value; "" for a bare --flag; None when absent."""
    for arg in args(spec):
        if arg == flag:
            return ""
        if arg.startswith(flag + "="):
            return arg[len(flag) + 1:]
    return None


def config_file(spec: Dict[str, Any], name: str) -> Optional[str]:
    for volume in container(spec)["volumeConfig"]:
        for entry in volume.get("files", []):
            if entry["path"] == name:
                return str(entry["content"])
    return None


def prometheus_yml(spec: Dict[str, Any]) -> Dict[str, Any]:
    text = config_file(spec, "prometheus.yml")
    assert text is not None, "no prometheus.yml in the pod spec"
    return dict(yaml.safe_load(text))
