"""The one YAML emitter for every file the charm writes for Prometheus. Pure.

Deterministic: keys stay in the order given, block style, so the same document always gives
the same bytes. Multi-line text is written as ``|`` blocks (as people write PromQL and
templates), other text as PyYAML quotes it; no line folding. libyaml's emitter is used when
PyYAML has it (its wheels do): same text, faster.
"""

from typing import Any

import yaml

_WIDTH = 1 << 16  # PyYAML folds long values at 80 columns otherwise


class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """SafeDumper that writes multi-line strings as ``|`` blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None  # PyYAML quotes instead where a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _represent_str)
DUMPER: Any = Dumper


def to_yaml(document: Any) -> str:
    return str(yaml.dump(document, Dumper=Dumper, sort_keys=False, default_flow_style=False,
                         allow_unicode=True, width=_WIDTH))
