"""Prometheus rule files (the ``alert-rules`` option): parse, check, render. Pure: no I/O.

Owns the rule-file format ``promtool check rules`` reads. Prometheus does not start with a rule
file it cannot load, and the charm cannot run promtool in the workload pod, so
``parse_rule_file`` refuses, in one line naming the place, whatever it can see that Prometheus
2.42+ or 3.x would not load. Where Prometheus is laxer this module is stricter, marked *policy*
below; ``tests/e2e/test_rules_promtool.py`` checks every example against the real promtool.

Checked as promtool 2.42 checks it:
- yaml: unknown keys, repeated keys, a list or mapping where one value belongs;
- groups: a non-empty name, unique in the file; ``interval`` a duration; ``limit`` a whole number
  (*policy*: not negative);
- rules: one of ``alert``/``record`` (*policy*: both keys is an error even if one is empty);
  ``record`` a metric name; ``for``, ``keep_firing_for``, ``annotations`` only on alerts
  (*policy*: even zero or empty); durations as ``domain.duration`` reads them;
- names: label and annotation names ``[a-zA-Z_][a-zA-Z0-9_]*``, not ``__name__``; alert names,
  label and annotation values any text, as promtool has it (*policy*: no control characters,
  except newline and tab in annotations; label names not starting with ``__``);
- templates in alert labels and annotations, parsed as Go text/template parses them: ``{{ }}``
  actions and comments closed; strings, characters, numbers well formed; parentheses balanced;
  ``if``/``with``/``range``/``else``/``end`` nested, ``break``/``continue`` inside ``range``,
  ``define`` at the top; variables defined (``$labels``, ``$externalLabels``, ``$externalURL``,
  ``$value``, ``$``, and those declared, in Go's scopes); functions known to Prometheus 2.42;
  operands apart; no value after ``|``. Argument counts and types are left to run time, as Go does.
- ``expr``, by a PromQL tokenizer (there is no parser here): not empty; outside strings only
  characters PromQL allows (no ``&``, ``|``, ``;``, ``$``, non-ASCII letters or non-breaking
  spaces); ``()``, ``{}``, ``[]`` balanced and nested; ``'``/``"`` strings closed on their line,
  raw strings closed; escapes valid (``\\.`` is refused: a regex dot is ``\\\\.``); ``#`` comments
  skipped; ``{}`` holds only matchers (names, strings, ``= != =~ !~``, commas); ``[]`` only a
  positive duration and an optional ``:step``; ``!`` only in ``!=``; a name before ``(`` is a
  PromQL function (case-sensitive) or keyword. ``holt_winters`` is refused: Prometheus 3 dropped it.
- size: at most 1 MiB (a ConfigMap's limit), as given and as rendered (yaml aliases expand).

Not checked in ``expr``, so accepted here and refused by Prometheus when it loads the file: the
grammar past the tokens, e.g. operand order and types (``up[5m] > 1``), argument counts, where
``by``/``on``/``offset``/``@`` may stand, number syntax (``1e``), a metric name given twice.
Not supported (*policy*): several yaml documents, merge keys (``<<``), yaml tags beyond the core
scalar ones.
"""

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import yaml

from domain.errors import InvalidValue, RuleError
from domain.go_template import check_template
from domain.promql import check_expr
from domain.tokens import Invalid, show
from domain.values.duration import Duration

MAX_RULE_FILE_BYTES = 1024 * 1024

Pairs = Tuple[Tuple[str, str], ...]


@dataclass(frozen=True)
class Rule:
    """One alerting (``alert`` set) or recording (``record`` set) rule; made by parse_rule_file."""

    expr: str
    alert: Optional[str] = None
    record: Optional[str] = None
    for_: Optional[Duration] = None
    keep_firing_for: Optional[Duration] = None
    labels: Pairs = ()
    annotations: Pairs = ()

    @property
    def name(self) -> str:
        return self.alert if self.alert is not None else self.record or ""


@dataclass(frozen=True)
class RuleGroup:
    """Rules Prometheus evaluates together, in order, every ``interval``."""

    name: str
    interval: Optional[Duration]
    limit: Optional[int]
    rules: Tuple[Rule, ...]


@dataclass(frozen=True)
class RuleFile:
    """A whole rule file: its groups in the order the operator wrote them."""

    groups: Tuple[RuleGroup, ...]


def parse_rule_file(text: str) -> RuleFile:
    """Read and check rule-file YAML; raise RuleError naming the first problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_RULE_FILE_BYTES:
        raise RuleError(f"the rule file is {size} bytes, over the 1 MiB a configmap can hold")
    if not text.strip():
        return RuleFile(groups=())
    try:
        root = _compose(text)
        rule_file = _Reader().rule_file(root) if root is not None else RuleFile(groups=())
    except RecursionError:
        raise RuleError("the rule file nests lists, mappings or parentheses too deeply") from None
    if len(render_rule_file(rule_file).encode("utf-8")) > MAX_RULE_FILE_BYTES:
        raise RuleError(_EXPANDS)
    return rule_file


def render_rule_file(rule_file: RuleFile) -> str:
    """Canonical YAML: keys in Prometheus' order, one value a line, multi-line text as blocks."""
    document = {"groups": [_group_dict(group) for group in rule_file.groups]}
    return str(yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_WIDTH))


# --- rendering ---------------------------------------------------------------------------------

_WIDTH = 1 << 16  # PyYAML folds long values at 80 columns otherwise


# libyaml's C parser and emitter when PyYAML has them (its wheels do): same YAML, ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    if group.limit is not None:
        out["limit"] = group.limit
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


# --- the YAML structure ------------------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value"))
_GROUP_KEYS = ("name", "interval", "limit", "rules")
_RULE_KEYS = ("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_WHOLE_NUMBER = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # newline and tab may stay
_SURROGATE = re.compile("[\ud800-\udfff]")
_EXPANDS = "the rule file grows past 1 MiB once its yaml aliases are expanded"


def _compose(text: str) -> Optional[yaml.Node]:
    """The YAML node tree (aliases shared, not copied), or None for a file of comments."""
    problem = "the rule file is not valid yaml: "
    try:
        documents = yaml.compose_all(text, Loader=_LOADER)
        root = next(documents, None)
        if root is not None and next(documents, None) is not None:
            raise RuleError("the rule file holds several yaml documents (---); use one 'groups' list")
    except yaml.MarkedYAMLError as err:
        mark, what = err.problem_mark, show(err.problem or "it cannot be read", 120)
        where = "" if mark is None else f"line {mark.line + 1} column {mark.column + 1}: "
        raise RuleError(f"{problem}{where}{what}") from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, such as \x01
        before = text[: int(err.position)]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        char = chr(err.character) if isinstance(err.character, int) else str(err.character)
        raise RuleError(f"{problem}line {line} column {column}: {show(char)} is not allowed") from None
    except yaml.YAMLError as err:
        raise RuleError(f"{problem}{show(str(err), 120)}") from None
    return root


class _Reader:
    """Walks the node tree along the rule-file schema; a budget stops alias blow-ups early."""

    def __init__(self) -> None:
        self.budget = 2 * MAX_RULE_FILE_BYTES  # a file without aliases spends at most its length

    def rule_file(self, root: yaml.Node) -> RuleFile:
        where = "the rule file"
        if not isinstance(root, yaml.MappingNode):
            raise RuleError(f"{where} must be a yaml mapping with a 'groups' list")
        fields = self.mapping(root, where)
        _refuse_unknown(fields, ("groups",), where)
        groups = fields.get("groups")
        if groups is None or _is_null(groups):
            raise RuleError(f"{where} has no 'groups' list")
        names: Set[str] = set()
        nodes = self.sequence(groups, "'groups'")
        return RuleFile(tuple(self.group(node, index, names) for index, node in enumerate(nodes, 1)))

    def group(self, node: yaml.Node, index: int, names: Set[str]) -> RuleGroup:
        fields = self.mapping(node, f"group {index}")
        hint = _hint(fields.get("name"))
        _refuse_unknown(fields, _GROUP_KEYS, f"group '{show(hint)}'" if hint else f"group {index}")
        name = self.text(fields.get("name"), f"group {index}: 'name'")
        if not name:
            raise RuleError(f"group {index} has no 'name'; every group needs one")
        where = f"group '{show(name)}'"
        _refuse_control(name, where, "its name")
        if name in names:
            raise RuleError(f"{where} appears twice; group names must be unique")
        names.add(name)
        rules = fields.get("rules")
        if rules is None or _is_null(rules):
            raise RuleError(f"{where} has no 'rules' list")
        return RuleGroup(
            name=name,
            interval=self.duration(fields, "interval", where),
            limit=self.limit(fields.get("limit"), where),
            rules=tuple(
                self.rule(rule, f"{where} rule {number}")
                for number, rule in enumerate(self.sequence(rules, f"{where}: 'rules'"), 1)
            ),
        )

    def limit(self, node: Optional[yaml.Node], where: str) -> Optional[int]:
        text = self.text(node, f"{where}: 'limit'")
        if node is None or text is None:
            return None
        if node.tag != _TAG + "int" or not _WHOLE_NUMBER.fullmatch(text):
            raise RuleError(f"{where}: 'limit' value '{show(text)}' is not a whole number such as 0 or 100")
        return int(text)

    def rule(self, node: yaml.Node, where: str) -> Rule:
        fields = self.mapping(node, where)
        kinds = [kind for kind in ("alert", "record") if kind in fields]
        hint = _hint(fields[kinds[0]]) if len(kinds) == 1 else ""
        _refuse_unknown(fields, _RULE_KEYS, f"{where} ({kinds[0]} '{show(hint)}')" if hint else where)
        if len(kinds) == 2:
            raise RuleError(f"{where} has both 'alert' and 'record'; a rule is one or the other")
        if not kinds:
            raise RuleError(f"{where} has neither 'alert' nor 'record'")
        kind = kinds[0]
        name = self.text(fields[kind], f"{where}: '{kind}'")
        if not name:
            raise RuleError(f"{where}: '{kind}' is empty")
        where = f"{where} ({kind} '{show(name)}')"
        if kind == "record" and not _METRIC_NAME.fullmatch(name):
            raise RuleError(f"{where}: a recording rule name must be a metric name such as job:up:sum")
        _refuse_control(name, where, "its name")
        for key in ("for", "keep_firing_for", "annotations"):
            if kind == "record" and key in fields and not _is_null(fields[key]):
                raise RuleError(f"{where}: '{key}' is only allowed on alerting rules")
        expr = self.text(fields.get("expr"), f"{where}: 'expr'")
        if expr is None or not expr.strip():
            raise RuleError(f"{where}: 'expr' is missing or empty")
        try:
            check_expr(expr)
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
        if node is None or _is_null(node):
            return ()
        out = []
        for name, value_node in self.mapping(node, f"{where}: '{what}s'").items():
            if not _LABEL_NAME.fullmatch(name):
                raise RuleError(
                    f"{where}: {what} name '{show(name)}' is not valid: use letters, digits and '_', "
                    "not starting with a digit"
                )
            if what == "label" and name.startswith("__"):
                raise RuleError(f"{where}: label '{name}' starts with '__', which Prometheus reserves")
            value = self.text(value_node, f"{where}: {what} '{name}'")
            if value is None:
                raise RuleError(f"{where}: {what} '{name}' has no value; write '' for an empty one")
            _refuse_control(value, where, f"{what} '{name}'", layout=what == "annotation")
            if templated:
                try:
                    check_template(value)
                except Invalid as err:
                    raise RuleError(f"{where}: {what} '{name}' has a template error: {err}") from None
            out.append((name, value))
        return tuple(out)

    def duration(self, fields: Dict[str, yaml.Node], key: str, where: str) -> Optional[Duration]:
        text = self.text(fields.get(key), f"{where}: '{key}'")
        try:
            return None if text is None else Duration.parse(text)
        except InvalidValue as err:
            raise RuleError(f"{where}: '{key}' value {err}") from None

    def mapping(self, node: yaml.Node, where: str) -> Dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise RuleError(f"{where} must be a mapping of keys to values")
        out: Dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            if key_node.tag == _TAG + "merge":
                raise RuleError(f"{where}: yaml merge keys (<<) are not supported; write the keys out")
            key = self.text(key_node, f"{where}: a key")
            if key is None:
                raise RuleError(f"{where}: a key is empty")
            if key in out:
                raise RuleError(f"{where}: key '{show(key)}' appears twice")
            out[key] = value
        return out

    def sequence(self, node: yaml.Node, where: str) -> List[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise RuleError(f"{where} must be a list")
        self.spend(len(node.value))
        return list(node.value)

    def text(self, node: Optional[yaml.Node], where: str) -> Optional[str]:
        """A scalar's text as written (``1.50`` stays ``1.50``, as Go reads it); None for null."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            raise RuleError(f"{where} must be a single value, not a list or mapping")
        if node.tag not in _SCALAR_TAGS:
            raise RuleError(f"{where} has the yaml tag '{show(node.tag)}', which is not supported")
        value = str(node.value)
        self.spend(1 + len(value))
        if _SURROGATE.search(value):
            raise RuleError(f"{where} holds a lone surrogate (an invalid \\u escape)")
        return None if node.tag == _TAG + "null" else value

    def spend(self, amount: int) -> None:
        self.budget -= amount
        if self.budget < 0:
            raise RuleError(_EXPANDS)


def _refuse_unknown(fields: Dict[str, yaml.Node], keys: Tuple[str, ...], where: str) -> None:
    for key in fields:
        if key not in keys:
            raise RuleError(f"{where}: unknown key '{show(key)}' (known: {', '.join(keys)})")


def _hint(node: Optional[yaml.Node]) -> str:
    """A name to place a message by, before the name itself is checked."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) and not _is_null(node) else ""


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"


def _refuse_control(value: str, where: str, what: str, layout: bool = False) -> None:
    found = (_CONTROL_BUT_LAYOUT if layout else _CONTROL).search(value)
    if found:
        raise RuleError(f"{where}: {what} holds the control character {show(found.group())}")
