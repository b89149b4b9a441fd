"""The rule-file schema: groups and rules read off the YAML node tree and checked. Pure."""

import re
from typing import Dict, Optional, Set

import yaml

from domain.errors import InvalidValue, RuleError
from domain.rules.features import Gate
from domain.rules.go_template import check_template
from domain.rules.model import MAX_DURATION_CHARS, MAX_LIMIT, Pairs, Rule, RuleFile, RuleGroup
from domain.rules.names import check_label_name, check_record_name
from domain.rules.promql import check_expr
from domain.rules.tokens import Invalid, show
from domain.rules.yaml_tree import TAG, NodeReader, hint, is_null, refuse_control, refuse_unknown
from domain.values.duration import Duration

_GROUP_KEYS = ("name", "interval", "query_offset", "limit", "labels", "rules")
_RULE_KEYS = ("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")
# keys only some versions read: the key and its row in features.FEATURES
_VERSIONED_KEYS = {"limit": "limit", "query_offset": "query_offset", "keep_firing_for": "keep_firing_for"}
_WHOLE_NUMBER = re.compile(r"0|[1-9][0-9]*")


class Reader(NodeReader):
    """Walks the node tree along the rule-file schema, for one Prometheus version."""

    def __init__(self, gate: Gate) -> None:
        super().__init__()
        self.gate = gate

    def refuse_newer(self, fields: Dict[str, yaml.Node], where: str, group: bool = False) -> None:
        """A key the image's Prometheus does not read yet (or no longer) is refused by name."""
        for key in fields:
            row = "group labels" if group and key == "labels" else _VERSIONED_KEYS.get(key)
            refusal = self.gate.refusal(row) if row else None
            if refusal:
                raise RuleError(f"{where}: {refusal}")

    def rule_file(self, root: yaml.Node) -> RuleFile:
        where = "the rule file"
        if not isinstance(root, yaml.MappingNode):
            raise RuleError(f"{where} must be a yaml mapping with a 'groups' list")
        fields = self.mapping(root, where)
        refuse_unknown(fields, ("groups",), where)
        groups = fields.get("groups")
        if groups is None or is_null(groups):
            raise RuleError(f"{where} has no 'groups' list")
        names: Set[str] = set()
        nodes = self.sequence(groups, "'groups'")
        return RuleFile(tuple(self.group(node, index, names) for index, node in enumerate(nodes, 1)))

    def group(self, node: yaml.Node, index: int, names: Set[str]) -> RuleGroup:
        fields = self.mapping(node, f"group {index}")
        shown = hint(fields.get("name"))
        refuse_unknown(fields, _GROUP_KEYS, f"group '{show(shown)}'" if shown else f"group {index}")
        self.refuse_newer(fields, f"group '{show(shown)}'" if shown else f"group {index}", group=True)
        name = self.text(fields.get("name"), f"group {index}: 'name'")
        if not name:
            raise RuleError(f"group {index} has no 'name'; every group needs one")
        where = f"group '{show(name)}'"
        refuse_control(name, where, "its name")
        if name in names:
            raise RuleError(f"{where} appears twice; group names must be unique")
        names.add(name)
        rules = fields.get("rules")
        if rules is None or is_null(rules):
            raise RuleError(f"{where} has no 'rules' list")
        return RuleGroup(
            name=name,
            interval=self.duration(fields, "interval", where),
            limit=self.limit(fields.get("limit"), where),
            query_offset=self.duration(fields, "query_offset", where),
            labels=self.pairs(fields.get("labels"), where, "label", templated=False),
            rules=tuple(
                self.rule(rule, f"{where} rule {number}")
                for number, rule in enumerate(self.sequence(rules, f"{where}: 'rules'"), 1)
            ),
        )

    def limit(self, node: Optional[yaml.Node], where: str) -> Optional[int]:
        text = self.text(node, f"{where}: 'limit'")
        if node is None or text is None:
            return None
        if node.tag != TAG + "int" or not _WHOLE_NUMBER.fullmatch(text):
            raise RuleError(f"{where}: 'limit' value '{show(text)}' is not a whole number such as 0 or 100")
        # Counted before int(): Python refuses to read more than 4300 digits (ValueError).
        if len(text) > len(str(MAX_LIMIT)) or int(text) > MAX_LIMIT:
            raise RuleError(f"{where}: 'limit' value '{show(text, 30)}' ({len(text)} digits) is over "
                            f"{MAX_LIMIT}, the largest Prometheus reads")
        return int(text)

    def rule(self, node: yaml.Node, where: str) -> Rule:
        fields = self.mapping(node, where)
        kinds = [kind for kind in ("alert", "record") if kind in fields]
        shown = hint(fields[kinds[0]]) if len(kinds) == 1 else ""
        refuse_unknown(fields, _RULE_KEYS, f"{where} ({kinds[0]} '{show(shown)}')" if shown else where)
        self.refuse_newer(fields, f"{where} ({kinds[0]} '{show(shown)}')" if shown else where)
        if len(kinds) == 2:
            raise RuleError(f"{where} has both 'alert' and 'record'; a rule is one or the other")
        if not kinds:
            raise RuleError(f"{where} has neither 'alert' nor 'record'")
        kind = kinds[0]
        name = self.text(fields[kind], f"{where}: '{kind}'")
        if not name:
            raise RuleError(f"{where}: '{kind}' is empty")
        where = f"{where} ({kind} '{show(name)}')"
        refuse_control(name, where, "its name")
        if kind == "record":
            try:
                check_record_name(name, self.gate)
            except Invalid as err:
                raise RuleError(f"{where}: {err}") from None
        for key in ("for", "keep_firing_for", "annotations"):
            if kind == "record" and key in fields and not is_null(fields[key]):
                raise RuleError(f"{where}: '{key}' is only allowed on alerting rules")
        expr = self.text(fields.get("expr"), f"{where}: 'expr'")
        if expr is None or not expr.strip():
            raise RuleError(f"{where}: 'expr' is missing or empty")
        try:
            check_expr(expr, self.gate)
        except Invalid as err:
            raise RuleError(f"{where}: 'expr' {err}") from None
        return Rule(
            expr=expr,
            alert=name if kind == "alert" else None,
            record=name if kind == "record" else None,
            for_=self.duration(fields, "for", where),
            keep_firing_for=self.duration(fields, "keep_firing_for", where),
            labels=self.pairs(fields.get("labels"), where, "label", templated=kind == "alert"),
            annotations=self.pairs(fields.get("annotations"), where, "annotation", templated=True),
        )

    def pairs(self, node: Optional[yaml.Node], where: str, what: str, templated: bool) -> Pairs:
        if node is None or is_null(node):
            return ()
        out = []
        for name, value_node in self.mapping(node, f"{where}: '{what}s'").items():
            try:
                check_label_name(name, self.gate, what)
            except Invalid as err:
                raise RuleError(f"{where}: {err}") from None
            value = self.text(value_node, f"{where}: {what} '{show(name)}'")
            if value is None:
                raise RuleError(f"{where}: {what} '{show(name)}' has no value; write '' for an empty one")
            refuse_control(value, where, f"{what} '{show(name)}'", layout=what == "annotation")
            if templated:
                try:
                    check_template(value, self.gate)
                except Invalid as err:
                    raise RuleError(f"{where}: {what} '{show(name)}' has a template error: {err}") from None
            out.append((name, value))
        return tuple(out)

    def duration(self, fields: Dict[str, yaml.Node], key: str, where: str) -> Optional[Duration]:
        text = self.text(fields.get(key), f"{where}: '{key}'")
        if text is not None and len(text) > MAX_DURATION_CHARS:  # before any digit is read
            raise RuleError(f"{where}: '{key}' value '{show(text, 30)}' has {len(text)} characters; no duration "
                            f"Prometheus can hold needs more than {MAX_DURATION_CHARS}")
        try:
            return None if text is None else Duration.parse(text)
        except InvalidValue as err:  # its message quotes the value: escaped here
            raise RuleError(f"{where}: '{key}' value {show(str(err), 160)}") from None
