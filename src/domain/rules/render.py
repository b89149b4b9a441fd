"""Rule files written back as YAML, keys in Prometheus' order. Pure: no I/O."""

from typing import Dict

import yaml

from domain.rules.model import Rule, RuleFile, RuleGroup


def render_rule_file(rule_file: RuleFile) -> str:
    """Canonical YAML: keys in Prometheus' order, one value a line, multi-line text as blocks."""
    document = {"groups": [_group_dict(group) for group in rule_file.groups]}
    return str(yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_WIDTH))


_WIDTH = 1 << 16  # PyYAML folds long values at 80 columns otherwise



class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """SafeDumper that writes multi-line strings as ``|`` blocks, as people write expressions."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None  # PyYAML quotes instead where a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _group_dict(group: RuleGroup) -> Dict[str, object]:
    out: Dict[str, object] = {"name": group.name}
    if group.interval is not None:
        out["interval"] = group.interval.text
    if group.query_offset is not None:
        out["query_offset"] = group.query_offset.text
    if group.limit is not None:
        out["limit"] = group.limit
    if group.labels:
        out["labels"] = dict(group.labels)
    out["rules"] = [_rule_dict(rule) for rule in group.rules]
    return out


def _rule_dict(rule: Rule) -> Dict[str, object]:
    out: Dict[str, object] = {"alert": rule.alert} if rule.alert is not None else {"record": rule.record}
    out["expr"] = rule.expr
    if rule.for_ is not None:
        out["for"] = rule.for_.text
    if rule.keep_firing_for is not None:
        out["keep_firing_for"] = rule.keep_firing_for.text
    if rule.labels:
        out["labels"] = dict(rule.labels)
    if rule.annotations:
        out["annotations"] = dict(rule.annotations)
    return out

