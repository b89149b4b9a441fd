"""Test builders: charm options as Juju hands them over, facts about the world, and the plan."""

import json
from pathlib import Path
from typing import Any, Dict, Tuple

import yaml

from domain.config.charm_config import CharmConfig
from domain.config.parse import parse_config
from domain.facts import AlertmanagerTarget, Facts, Identity
from domain.plan import Plan, plan
from domain.values.image import ImageDetails
from domain.values.version import Version, image_version

ROOT = Path(__file__).resolve().parents[2]
CONFIG_YAML = yaml.safe_load((ROOT / "config.yaml").read_text())
IMAGE = "prom/prometheus:v2.53.0"
VERSION = image_version(IMAGE)


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


def make_config(version: Version = VERSION, **overrides: Any) -> CharmConfig:
    return parse_config(options(**overrides), version)


def make_facts(image: str = IMAGE, app: str = "prometheus", model: str = "lma",
               alertmanagers: Tuple[AlertmanagerTarget, ...] = ()) -> Facts:
    return Facts(image=ImageDetails(image), identity=Identity(app, model), alertmanagers=alertmanagers)


def make_plan(image: str = IMAGE, alertmanagers: Tuple[AlertmanagerTarget, ...] = (), **overrides: Any) -> Plan:
    """The plan for options (snake_case overrides) checked against the image's version."""
    facts = make_facts(image, alertmanagers=alertmanagers)
    return plan(make_config(facts.image.version, **overrides), facts)


def options_overflowing_the_config_map() -> Dict[str, str]:
    """Options each within its own size bound whose files together pass the ConfigMap's 1 MiB:
    a rule file just under 1 MiB beside a prometheus.yml with about 12 KiB of external labels."""
    head = "groups:\n- name: big\n  rules:\n  - alert: Big\n    expr: vector(1)\n    annotations:\n      description: "
    labels = {f"label_{i:03d}": "v" * 100 for i in range(100)}
    return {"alert-rules": head + "a" * (1024 * 1024 - len(head) - 1) + "\n",
            "external-labels": json.dumps(labels)}
