"""The one YAML emitter for every file the charm writes for Prometheus. Pure.

Deterministic: keys stay in the order given, block style, so the same document always
gives the same bytes. libyaml's emitter is used when PyYAML has it (its wheels do): same
text, faster.
"""

from typing import Any

import yaml

DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def to_yaml(document: Any) -> str:
    return str(yaml.dump(document, Dumper=DUMPER, sort_keys=False, default_flow_style=False))
