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


def config_map_files(spec: Dict[str, Any], volume_name: str = "cfg") -> Dict[str, str]:
    """The files of a volume: a ``files`` volume's, or the whole spec ConfigMap it mounts."""
    for volume in container(spec)["volumeConfig"]:
        if volume["name"] != volume_name:
            continue
        if "files" in volume:
            return {entry["path"]: str(entry["content"]) for entry in volume["files"]}
        if "configMap" in volume:
            return {k: str(v) for k, v in (spec.get("configMaps") or {})[volume["configMap"]["name"]].items()}
    return {}


def config_file(spec: Dict[str, Any], name: str) -> Optional[str]:
    return config_map_files(spec).get(name)


def prometheus_yml(spec: Dict[str, Any]) -> Dict[str, Any]:
    text = config_file(spec, "prometheus.yml")
    assert text is not None, "no prometheus.yml in the pod spec"
    return dict(yaml.safe_load(text))
