"""Rule files written back as YAML, keys in Prometheus' order. Pure: no I/O."""

from typing import Dict

from domain.prometheus.yaml_text import to_yaml
from domain.rules.model import Rule, RuleFile, RuleGroup


def render_rule_file(rule_file: RuleFile) -> str:
    """Canonical YAML: keys in Prometheus' order, one value a line, multi-line text as blocks."""
    return to_yaml({"groups": [_group_dict(group) for group in rule_file.groups]})


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

