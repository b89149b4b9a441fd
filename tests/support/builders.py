"""Test builders: charm options as Juju hands them over, and facts about the world."""

from pathlib import Path
from typing import Any, Dict

import yaml

from domain.config import CharmConfig, parse_config
from domain.facts import Facts
from domain.image import ImageDetails

ROOT = Path(__file__).resolve().parents[2]
CONFIG_YAML = yaml.safe_load((ROOT / "config.yaml").read_text())


def default_options() -> Dict[str, Any]:
    """config.yaml's defaults, the way config-get returns them."""
    return {name: spec.get("default") for name, spec in CONFIG_YAML["options"].items()}


def options(**overrides: Any) -> Dict[str, Any]:
    """Defaults overlaid with overrides given in snake_case (scrape_interval=...)."""
    raw = default_options()
    for key, value in overrides.items():
        name = key.replace("_", "-") if key.replace("_", "-") in raw else key
        assert name in raw, f"no such option: {key}"
        raw[name] = value
    return raw


def make_config(**overrides: Any) -> CharmConfig:
    return parse_config(options(**overrides))


def make_facts(image: str = "prom/prometheus:v2.53.0", **overrides: Any) -> Facts:
    values: Dict[str, Any] = {"app": "prometheus", "model": "lma", "image": ImageDetails(image)}
    values.update(overrides)
    return Facts(**values)
