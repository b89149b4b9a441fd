"""Prometheus rule files (the ``alert-rules`` option): parse, check, render. Pure: no I/O.

Owns the rule-file grammar that ``promtool check rules`` reads. Prometheus refuses to start on a
rule file it cannot load, and the charm cannot run promtool in the workload pod, so
``parse_rule_file`` accepts only what Prometheus 2.42+ and 3.x both load and names the first
problem in one line. Where Prometheus is laxer, the policy here is stricter (marked *policy*).

Checked, as promtool 2.42 does:
- yaml: unknown keys, repeated keys, wrong shapes (a list where a value belongs);
- groups: non-empty, unique names; ``interval`` a duration; ``limit`` a whole number;
- rules: exactly one of ``alert``/``record`` (*policy*: both keys present is an error even if one
  is empty); record names are metric names; ``for``, ``keep_firing_for``, ``annotations`` only on
  alerts (*policy*: even when zero or empty); durations as ``domain.duration`` parses them;
  label names ``[a-zA-Z_][a-zA-Z0-9_]*``, annotation names likewise;
- alert names and label values: any non-empty text, as promtool (*policy*: no control characters;
  annotations may hold newlines and tabs; label names must not start with ``__``);
- templates in alert labels and annotations, as promtool parses them (Go text/template): closed
  ``{{ }}`` actions and comments, strings and escapes, numbers, balanced parentheses,
  ``if/with/range/else/end`` nesting, ``break``/``continue`` inside ``range``, ``define`` at top
  level, defined variables (``$labels``, ``$externalLabels``, ``$externalURL``, ``$value``, ``$``
  and declared ones, scoped as Go scopes them), known function names. Not checked: argument
  counts and types, which Go leaves to run time too.
- ``expr``, by a PromQL tokenizer (no parser): not empty; only characters PromQL allows outside
  strings (e.g. no ``&``, ``|``, ``;``, non-breaking spaces); ``(``/``)``, ``{``/``}``, ``[``/``]``
  balanced and properly nested, no ``{`` or ``[`` inside itself; strings closed, ``'``/``"`` strings
  on one line, escapes valid (``\\.`` is an error: write ``\\\\.``); ``#`` comments skipped;
  inside ``{}`` only label matchers (names, strings, ``= != =~ !~``, commas); inside ``[]`` only a
  positive duration, optionally ``:`` and a step; a name followed by ``(`` is a known function or
  keyword (functions are case-sensitive; ``holt_winters`` is refused: Prometheus 3 removed it).
- size: at most 1 MiB of text (the pod spec ConfigMap limit), before and after rendering.

Not checked in ``expr``: grammar beyond the tokens (operand order, argument counts and types,
``by``/``on`` placement, number syntax, ``offset``/``@`` operands, a metric name set twice), which
Prometheus reports when it loads the file. Not supported (*policy*): several yaml documents, yaml
merge keys (``<<``), yaml tags other than the core scalar ones.
"""

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import yaml

from domain.duration import Duration, InvalidValue
from domain.errors import RuleError

MAX_RULE_FILE_BYTES = 1024 * 1024

Pairs = Tuple[Tuple[str, str], ...]


@dataclass(frozen=True)
class Rule:
    """One alerting (``alert`` set) or recording (``record`` set) rule; build with parse_rule_file."""

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
    """A whole rule file: the groups in the order the operator wrote them."""

    groups: Tuple[RuleGroup, ...]


def parse_rule_file(text: str) -> RuleFile:
    """Parse and check rule-file YAML; raise RuleError naming the first problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_RULE_FILE_BYTES:
        raise RuleError(f"the rule file is {size} bytes, over the 1 MiB a configmap can hold")
    root = _compose(text) if text.strip() else None
    if root is None:
        return RuleFile(groups=())
    rule_file = _Reader().rule_file(root)
    if len(render_rule_file(rule_file).encode("utf-8")) > MAX_RULE_FILE_BYTES:
        raise RuleError("the rule file grows past 1 MiB once its yaml aliases are expanded")
    return rule_file


def render_rule_file(rule_file: RuleFile) -> str:
    """Canonical YAML for a rule file: keys in Prometheus' order, multi-line text as blocks."""
    document = {"groups": [_group_dict(group) for group in rule_file.groups]}
    return str(
        yaml.dump(
            document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=_LINE_WIDTH
        )
    )


# --- rendering ---------------------------------------------------------------------------------

_LINE_WIDTH = 1 << 16  # keep each value on one line: PyYAML would otherwise fold at 80


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing multi-line strings as ``|`` blocks, as people write expressions."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None  # PyYAML falls back to quotes when a block cannot work
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
    out: Dict[str, object] = {"alert": rule.alert} if rule.alert is not None else {}
    if rule.record is not None:
        out["record"] = rule.record
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


# --- YAML structure ----------------------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value"))
_GROUP_KEYS = ("name", "interval", "limit", "rules")
_RULE_KEYS = ("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_LIMIT = re.compile(r"0|[1-9][0-9]*")


def _compose(text: str) -> Optional[yaml.Node]:
    try:
        documents = yaml.compose_all(text, Loader=yaml.SafeLoader)
        root = next(documents, None)
        if root is not None and next(documents, None) is not None:
            raise RuleError("the rule file holds several yaml documents (---); use one 'groups' list")
    except yaml.MarkedYAMLError as err:
        mark, problem = err.problem_mark, _show(err.problem or "cannot be parsed", 120)
        if mark is None:
            raise RuleError(f"the rule file is not valid yaml: {problem}") from None
        raise RuleError(
            f"the rule file is not valid yaml: line {mark.line + 1} column {mark.column + 1}: {problem}"
        ) from None
    except yaml.reader.ReaderError as err:
        before = text[: int(err.position)]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        raise RuleError(
            f"the rule file is not valid yaml: line {line} column {column}: "
            f"the character {_show(chr(err.character) if isinstance(err.character, int) else str(err.character))}"
            " is not allowed in yaml"
        ) from None
    except yaml.YAMLError as err:
        raise RuleError(f"the rule file is not valid yaml: {_show(str(err), 120)}") from None
    except RecursionError:
        raise RuleError("the rule file nests lists or mappings too deeply to be a rule file") from None
    return root


class _Reader:
    """Reads composed YAML along the rule-file schema; a budget stops alias blow-ups early."""

    def __init__(self) -> None:
        self.budget = 2 * MAX_RULE_FILE_BYTES

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
        return RuleFile(
            tuple(self.group(node, index, names) for index, node in enumerate(self.sequence(groups, "'groups'"), 1))
        )

    def group(self, node: yaml.Node, index: int, names: Set[str]) -> RuleGroup:
        fields = self.mapping(node, f"group {index}")
        hint = _hint(fields.get("name"))
        _refuse_unknown(fields, _GROUP_KEYS, f"group '{_show(hint)}'" if hint else f"group {index}")
        name = self.text(fields.get("name"), f"group {index}: 'name'")
        if not name:
            raise RuleError(f"group {index} has no 'name'; every group needs one")
        where = f"group '{_show(name)}'"
        _refuse_control(name, where, "its name")
        if name in names:
            raise RuleError(f"{where} appears twice; group names must be unique")
        names.add(name)
        limit = None
        limit_node = fields.get("limit")
        if limit_node is not None and not _is_null(limit_node):
            text = self.text(limit_node, f"{where}: 'limit'") or ""
            if limit_node.tag != _TAG + "int" or not _LIMIT.fullmatch(text):
                raise RuleError(f"{where}: 'limit' value '{_show(text)}' is not a whole number such as 0 or 100")
            limit = int(text)
        rules = fields.get("rules")
        if rules is None or _is_null(rules):
            raise RuleError(f"{where} has no 'rules' list")
        return RuleGroup(
            name=name,
            interval=self.duration(fields, "interval", where),
            limit=limit,
            rules=tuple(
                self.rule(rule, f"{where} rule {number}")
                for number, rule in enumerate(self.sequence(rules, f"{where}: 'rules'"), 1)
            ),
        )

    def rule(self, node: yaml.Node, where: str) -> Rule:
        fields = self.mapping(node, where)
        kinds = [kind for kind in ("alert", "record") if kind in fields]
        hint = _hint(fields[kinds[0]]) if len(kinds) == 1 else ""
        _refuse_unknown(fields, _RULE_KEYS, f"{where} ({kinds[0]} '{_show(hint)}')" if hint else where)
        if len(kinds) == 2:
            raise RuleError(f"{where} has both 'alert' and 'record'; a rule is one or the other")
        if not kinds:
            raise RuleError(f"{where} has neither 'alert' nor 'record'")
        kind = kinds[0]
        name = self.text(fields[kind], f"{where}: '{kind}'")
        if not name:
            raise RuleError(f"{where}: '{kind}' is empty")
        where = f"{where} ({kind} '{_show(name)}')"
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
            _check_expr(expr)
        except _Invalid as err:
            raise RuleError(f"{where}: 'expr' {err}") from None
        labels = self.pairs(fields.get("labels"), where, "label", kind == "alert")
        for label, _ in labels:
            if label.startswith("__"):
                raise RuleError(f"{where}: label '{label}' starts with '__', which Prometheus reserves")
        return Rule(
            expr=expr,
            alert=name if kind == "alert" else None,
            record=name if kind == "record" else None,
            for_=self.duration(fields, "for", where),
            keep_firing_for=self.duration(fields, "keep_firing_for", where),
            labels=labels,
            annotations=self.pairs(fields.get("annotations"), where, "annotation", True),
        )

    def pairs(self, node: Optional[yaml.Node], where: str, what: str, templated: bool) -> Pairs:
        if node is None or _is_null(node):
            return ()
        out = []
        for name, value_node in self.mapping(node, f"{where}: '{what}s'").items():
            if not _LABEL_NAME.fullmatch(name):
                raise RuleError(
                    f"{where}: {what} name '{_show(name)}' is not valid: use letters, digits and '_', "
                    "not starting with a digit"
                )
            value = self.text(value_node, f"{where}: {what} '{name}'")
            if value is None:
                raise RuleError(f"{where}: {what} '{name}' has no value; write '' for an empty one")
            _refuse_control(value, where, f"{what} '{name}'", allow="\n\t" if what == "annotation" else "")
            if templated:
                try:
                    _check_template(value)
                except _Invalid as err:
                    raise RuleError(f"{where}: {what} '{name}' has a template error: {err}") from None
            out.append((name, value))
        return tuple(out)

    def duration(self, fields: Dict[str, yaml.Node], key: str, where: str) -> Optional[Duration]:
        text = self.text(fields.get(key), f"{where}: '{key}'")
        if text is None:
            return None
        try:
            return Duration.parse(text)
        except InvalidValue as err:
            raise RuleError(f"{where}: '{key}' value {err}") from None

    def mapping(self, node: yaml.Node, where: str) -> Dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise RuleError(f"{where} must be a mapping of keys to values")
        out: Dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            self.spend(1)
            if key_node.tag == _TAG + "merge":
                raise RuleError(f"{where}: yaml merge keys (<<) are not supported; write the keys out")
            key = self.text(key_node, f"{where}: a key")
            if key is None:
                raise RuleError(f"{where}: a key is empty")
            if key in out:
                raise RuleError(f"{where}: key '{_show(key)}' appears twice")
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
            raise RuleError(f"{where} has the yaml tag '{_show(node.tag)}', which is not supported")
        value = str(node.value)
        self.spend(1 + len(value))
        if node.tag == _TAG + "null":
            return None
        if any("\ud800" <= char <= "\udfff" for char in value):
            raise RuleError(f"{where} holds a lone surrogate (an invalid \\u escape)")
        return value

    def spend(self, amount: int) -> None:
        self.budget -= amount
        if self.budget < 0:
            raise RuleError("the rule file grows past 1 MiB once its yaml aliases are expanded")


def _refuse_unknown(fields: Dict[str, yaml.Node], keys: Tuple[str, ...], where: str) -> None:
    for key in fields:
        if key not in keys:
            raise RuleError(f"{where}: unknown key '{_show(key)}' (known: {', '.join(keys)})")


def _hint(node: Optional[yaml.Node]) -> str:
    """A name to place a message by, before the name itself is checked."""
    return str(node.value) if isinstance(node, yaml.ScalarNode) and not _is_null(node) else ""


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"


def _refuse_control(value: str, where: str, what: str, allow: str = "") -> None:
    for char in value:
        if (char < " " or "\x7f" <= char <= "\x9f") and char not in allow:
            raise RuleError(f"{where}: {what} holds the control character {_show(char)}")


def _show(value: str, limit: int = 60) -> str:
    """Text fit for a one-line message: control characters escaped, long text cut."""
    shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


# --- expression and template tokens ------------------------------------------------------------


class _Invalid(Exception):
    """A problem inside one expression or template; the caller adds where it is."""


def _at(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"at column {column}" if "\n" not in text else f"at line {line} column {column}"


_ESCAPES = {"x": (2, 16, 0xFF), "u": (4, 16, 0x10FFFF), "U": (8, 16, 0x10FFFF)}


def _skip_string(text: str, start: int) -> int:
    """Index just past the string opening at ``start`` (PromQL and Go share these rules)."""
    quote, index = text[start], start + 1
    while index < len(text):
        char = text[index]
        if char == quote:
            return index + 1
        if quote != "`" and char == "\n":
            break
        index = _skip_escape(text, index, quote) if quote != "`" and char == "\\" else index + 1
    raise _Invalid(f"has an unterminated string {_at(text, start)}")


def _skip_escape(text: str, index: int, quote: str) -> int:
    kind = text[index + 1 : index + 2]
    if kind and (kind in "abfnrtv\\" or kind == quote):
        return index + 2
    if kind and kind in "01234567":
        count, base, limit, first = 3, 8, 0xFF, index + 1
    elif kind in _ESCAPES:
        (count, base, limit), first = _ESCAPES[kind], index + 2
    else:
        raise _Invalid(f"has the unknown escape '\\{_show(kind)}' {_at(text, index)} (for a backslash write '\\\\')")
    digits = text[first : first + count]
    try:
        value = int(digits, base) if len(digits) == count and digits.isascii() and digits.isalnum() else -1
    except ValueError:
        value = -1
    if not 0 <= value <= limit or 0xD800 <= value <= 0xDFFF:
        raise _Invalid(f"has an invalid escape '{_show(text[index:first + count])}' {_at(text, index)}")
    return first + count


_FUNCTIONS = frozenset(
    """abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes
    clamp clamp_max clamp_min cos cosh count_over_time days_in_month day_of_month day_of_week
    day_of_year deg delta deriv exp floor histogram_count histogram_fraction histogram_quantile
    histogram_sum hour idelta increase irate label_join label_replace last_over_time ln log10
    log2 max_over_time min_over_time minute month pi predict_linear present_over_time
    quantile_over_time rad rate resets round scalar sgn sin sinh sort sort_desc sqrt
    stddev_over_time stdvar_over_time sum_over_time tan tanh time timestamp vector year""".split()
)
# Words a "(" may follow besides functions; PromQL matches them case-insensitively.
_KEYWORDS = frozenset(
    """sum avg count min max group stddev stdvar topk bottomk count_values quantile by without
    on ignoring group_left group_right bool and or unless atan2 start end""".split()
)
_OPERATORS = "+-*/%^,<>@"


def _is_word_start(char: str) -> bool:
    return char.isascii() and (char.isalpha() or char == "_")


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _check_expr(expr: str) -> None:
    opens: List[Tuple[str, int]] = []
    callee: Optional[Tuple[str, int]] = None  # the name just before, if a "(" follows it
    empty, index = True, 0
    while index < len(expr):
        char, top = expr[index], opens[-1][0] if opens else ""
        if char in " \t\r\n":
            index += 1
            continue
        if char == "#":
            end = expr.find("\n", index)
            index = len(expr) if end < 0 else end
            continue
        empty, after = False, index + 1
        nxt = expr[after : after + 1]
        if top == "[" and char != "]":
            if not (_is_word(char) or char == ":"):
                raise _Invalid(f"has {_show(char)} {_at(expr, index)} inside [...], where only a duration such as 5m or 1h:1m belongs")
        elif char in "\"'`":
            after = _skip_string(expr, index)
        elif top == "{":
            if _is_word_start(char):
                while after < len(expr) and _is_word(expr[after]):
                    after += 1
            elif char == "}":
                opens.pop()
            elif char == "=" or (char == "!" and nxt in ("=", "~")):
                after += nxt == "~" or char == "!"
            elif char != ",":
                raise _Invalid(f"has {_show(char)} {_at(expr, index)} inside {{...}}, where only matchers such as job=\"api\" belong")
        elif _is_word_start(char) or char == ":":
            while after < len(expr) and (_is_word(expr[after]) or expr[after] == ":"):
                after += 1
            callee = (expr[index:after], index)
            index = after
            continue
        elif char in "0123456789.":
            while after < len(expr) and (_is_word(expr[after]) or expr[after] == "."):
                after += 1
        elif char in "({[":
            if char == "(" and callee is not None:
                _check_call(expr, *callee)
            opens.append((char, index))
        elif char in ")}]":
            if top != {")": "(", "}": "{", "]": "["}[char]:
                raise _Invalid(f"has a '{char}' {_at(expr, index)} that closes nothing")
            if char == "]":
                _check_range(expr, opens[-1][1], index)
            opens.pop()
        elif char in "=!":
            if nxt == "~" or (char == "!" and nxt != "="):
                raise _Invalid(f"has '{char}{_show(nxt)}' {_at(expr, index)}; use =~ and !~ only inside {{...}}")
            after += nxt == "="
        elif char not in _OPERATORS:
            raise _Invalid(f"has {_show(char)} {_at(expr, index)}, which PromQL does not allow")
        callee, index = None, after
    if empty:
        raise _Invalid("holds only comments")
    if opens:
        raise _Invalid(f"has an unclosed '{opens[-1][0]}' {_at(expr, opens[-1][1])}")


def _check_call(expr: str, name: str, index: int) -> None:
    if name in _FUNCTIONS or name.lower() in _KEYWORDS:
        return
    if name == "holt_winters":
        raise _Invalid(f"calls holt_winters {_at(expr, index)}, which Prometheus 3 removed")
    raise _Invalid(f"calls '{name}' {_at(expr, index)}, which is not a PromQL function")


def _check_range(expr: str, start: int, end: int) -> None:
    inside = re.sub(r"#[^\n]*", "", expr[start + 1 : end])
    match = re.fullmatch(r"\s*(\w+)\s*(?::\s*(\w*)\s*)?", inside)
    parts = [match.group(1), match.group(2) or ""] if match else [inside]
    for number, part in enumerate(parts):
        if number == 1 and not part:
            continue
        try:
            if part.isdigit():
                raise InvalidValue(f"'{part}' has no unit")
            if Duration.parse(part).milliseconds <= 0:
                raise InvalidValue(f"'{part}' must be longer than 0")
        except InvalidValue as err:
            raise _Invalid(f"has [{_show(inside.strip())}] {_at(expr, start)}: {err}") from None


# Go text/template, as Prometheus parses alert labels and annotations (Go 1.19 and later).
_TEMPLATE_FUNCTIONS = frozenset(
    """and call html index slice js len not or print printf println urlquery eq ge gt le lt ne
    query first label value strvalue args reReplaceAll safeHtml match title toUpper toLower
    graphLink tableLink sortByLabel stripPort stripDomain humanize humanize1024 humanizeDuration
    humanizePercentage humanizeTimestamp toTime pathPrefix externalURL parseDuration""".split()
)
_TEMPLATE_VARIABLES = ("$", "$labels", "$externalLabels", "$externalURL", "$value")
_TEMPLATE_KEYWORDS = frozenset("if else end range with define block template break continue".split())
_GO_SPACE = (" ", "\t", "\r", "\n")
_GO_TERMINATORS = _GO_SPACE + (".", ",", "|", ":", "(", ")", "}", "")
_GO_NUMBER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_OPERANDS = ("variable", "field", "function", "string", "char", "number", "literal")

Token = Tuple[str, str, bool]  # kind, text, glued to the token before (no space between)


class _Frame:
    """One open ``{{if}}``/``{{with}}``/``{{range}}``/``{{define}}``/``{{block}}`` and its variables."""

    def __init__(self, kind: str, variables: Tuple[str, ...] = ()) -> None:
        self.kind, self.in_else, self.variables = kind, False, list(variables)


def _defined(frames: List[_Frame], variable: str) -> bool:
    for frame in reversed(frames):
        if variable in frame.variables:
            return True
        if frame.kind in ("define", "block"):  # a template body sees only its own variables and $
            return variable == "$"
    return False


def _in_range(frames: List[_Frame]) -> bool:
    for frame in reversed(frames):
        if frame.kind in ("define", "block"):
            return False
        if frame.kind == "range" and not frame.in_else:
            return True
    return False


def _is_right_delim(text: str, index: int) -> bool:
    return text.startswith("}}", index) or (
        text[index : index + 1] in _GO_SPACE and text.startswith("-}}", index + 1)
    )


def _check_template(text: str) -> None:
    frames = [_Frame("text", _TEMPLATE_VARIABLES)]
    index = text.find("{{")
    while index >= 0:
        index += 2
        if text[index : index + 1] == "-" and text[index + 1 : index + 2] in _GO_SPACE:
            index += 2
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                raise _Invalid("a {{/* comment */}} is not closed")
            if not _is_right_delim(text, end + 2):
                raise _Invalid("a comment must end right before }}")
            index = text.find("}}", end + 2) + 2
        else:
            tokens, index = _template_tokens(text, index)
            _check_action(tokens, frames)
        index = text.find("{{", index)
    if len(frames) > 1:
        raise _Invalid(f"{{{{{frames[-1].kind}}}}} has no {{{{end}}}}")


def _template_tokens(text: str, index: int) -> Tuple[List[Token], int]:
    """The tokens of the action starting at ``index`` (after ``{{``) and the index after ``}}``."""
    tokens: List[Token] = []
    start, depth, glued = index, 0, False
    while not _is_right_delim(text, index):
        if index >= len(text):
            raise _Invalid(f"the action {_show(text[start - 2 : start + 20])} has no closing }}}}")
        char, after = text[index], index + 1
        if char in _GO_SPACE:
            index, glued = after, False
            continue
        if char in "\"`'":
            after = _skip_string(text, index)
            kind = "char" if char == "'" else "string"
            body = text[index + 1 : after - 1]
            if kind == "char" and len(body) != 1 and not (body[:1] == "\\" and _skip_escape(body, 0, "'") == len(body)):
                raise _Invalid(f"{_show(text[index:after])} is not a single character")
        elif char == ":" and text[after : after + 1] == "=":
            kind, after = "declare", after + 1
        elif char in "$." and not text[after : after + 1].isdecimal():
            while after < len(text) and _is_go_word(text[after]):
                after += 1
            kind = "variable" if char == "$" else "field"
        elif char in "+-." or char.isdecimal():
            while after < len(text) and (_is_go_word(text[after]) or text[after] == "." or (text[after] in "+-" and text[after - 1] in "eE")):
                after += 1
            if not _GO_NUMBER.fullmatch(text[index:after]):
                raise _Invalid(f"'{_show(text[index:after])}' is not a number")
            kind = "number"
        elif _is_go_word(char):
            while after < len(text) and _is_go_word(text[after]):
                after += 1
            word = text[index:after]
            kind = "keyword" if word in _TEMPLATE_KEYWORDS else "literal" if word in ("true", "false", "nil") else "function"
        elif char in "()=|,":
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                raise _Invalid("a ')' closes nothing")
            kind = char
        else:
            raise _Invalid(f"{_show(char)} is not allowed inside {{{{ }}}}")
        if kind in ("variable", "field", "function", "keyword", "literal") and text[after : after + 1] not in _GO_TERMINATORS:
            raise _Invalid(f"{_show(text[after])} cannot follow '{_show(text[index:after])}'")
        tokens.append((kind, text[index:after], glued))
        index, glued = after, True
    if depth:
        raise _Invalid("a '(' is not closed")
    return tokens, text.find("}}", index) + 2


def _is_go_word(char: str) -> bool:
    return char == "_" or char.isalpha() or char.isdecimal()


def _check_action(tokens: List[Token], frames: List[_Frame]) -> None:
    word = tokens[0][1] if tokens and tokens[0][0] == "keyword" else ""
    rest, frame = tokens[1:], frames[-1]
    if not word:
        _check_pipeline(tokens, frames, "{{ }}", declarations=1)
    elif word in ("if", "with", "range"):
        frames.append(_Frame(word))
        _check_pipeline(rest, frames, f"{{{{{word}}}}}", declarations=2 if word == "range" else 1)
    elif word == "else":
        if frame.kind not in ("if", "with", "range") or frame.in_else:
            raise _Invalid("{{else}} is not inside {{if}}, {{with}} or {{range}}, or comes twice")
        if rest[:1] and rest[0][1] == "if" and frame.kind == "if":
            _check_pipeline(rest[1:], frames, "{{else if}}", declarations=1)
        elif rest:
            raise _Invalid(f"unexpected '{_show(rest[0][1])}' after {{{{else}}}}")
        frame.in_else = not rest
    elif word in ("end", "break", "continue"):
        if rest:
            raise _Invalid(f"unexpected '{_show(rest[0][1])}' after {{{{{word}}}}}")
        if word != "end" and not _in_range(frames):
            raise _Invalid(f"{{{{{word}}}}} is not inside {{{{range}}}}")
        if word == "end" and len(frames) == 1:
            raise _Invalid("{{end}} closes nothing")
        if word == "end":
            frames.pop()
    elif word in ("define", "block", "template"):
        if rest[:1] and rest[0][0] != "string" or not rest:
            raise _Invalid(f"{{{{{word}}}}} needs a quoted template name")
        if word == "define" and (len(frames) > 1 or len(rest) > 1):
            raise _Invalid("{{define}} takes only a name and must be outside other actions")
        if word == "block" or (word == "template" and rest[1:]):
            _check_pipeline(rest[1:], frames, f"{{{{{word}}}}}", declarations=0)
        if word != "template":
            frames.append(_Frame(word, ("$",)))
    else:
        raise _Invalid(f"'{word}' cannot start an action")


def _check_pipeline(tokens: List[Token], frames: List[_Frame], what: str, declarations: int) -> None:
    """Check ``[$a[, $b] := | =] command | command ...``; declared variables join the top frame."""
    names: List[str] = []
    index = 0
    while declarations and index < len(tokens) and tokens[index][0] == "variable":
        names.append(tokens[index][1])
        if tokens[index + 1 : index + 2] and tokens[index + 1][0] == ",":
            index += 2
        else:
            index += 1
            break
    separator = tokens[index][0] if names and index < len(tokens) else ""
    if separator in ("declare", "="):
        if len(names) > declarations:
            raise _Invalid(f"{what} declares too many variables")
        for name in names:
            if separator == "=" and not _defined(frames, name):
                raise _Invalid(f"{name} is assigned before it is declared with :=")
            frames[-1].variables.append(name)
        tokens = tokens[index + 1 :]
    if not tokens:
        raise _Invalid(f"{what} is missing a value")
    command: List[Token] = []
    depth, stage = 0, 1
    for token in [*tokens, ("|", "|", False)]:
        depth += {"(": 1, ")": -1}.get(token[0], 0)
        if token[0] == "|" and depth == 0:
            _check_command(command, frames)
            if stage > 1 and (command[0][0] in ("string", "char", "number", "literal") or command[0][1] == "."):
                raise _Invalid(f"'{_show(command[0][1])}' after '|' is a value; a function must follow '|'")
            command, stage = [], stage + 1
        else:
            command.append(token)


def _check_command(tokens: List[Token], frames: List[_Frame]) -> None:
    if not tokens:
        raise _Invalid("a '|' has no command on one side")
    index = 0
    while index < len(tokens):
        kind, text, glued = tokens[index]
        before = tokens[index - 1] if index else ("", "", False)
        if kind == "(":
            end, depth = index + 1, 1
            while depth:
                depth += {"(": 1, ")": -1}.get(tokens[end][0], 0)
                end += 1
            _check_pipeline(tokens[index + 1 : end - 1], frames, "(...)", declarations=0)
            index = end
            continue
        if kind not in _OPERANDS:
            raise _Invalid(f"unexpected '{_show(text)}'")
        if kind == "variable" and not _defined(frames, text):
            hint = " (did you mean $labels?)" if text == "$label" else ""
            raise _Invalid(f"undefined variable {text}{hint}")
        if kind == "function" and text not in _TEMPLATE_FUNCTIONS:
            raise _Invalid(f"function '{_show(text)}' is not defined")
        if index and glued and kind != "field":  # Go wants a space between operands
            raise _Invalid(f"'{_show(before[1] + text)}' needs a space before '{_show(text)}'")
        chain = before[0] in ("variable", "field", "function", ")") and before[1] != "."
        if index and glued and (not chain or text == "."):
            raise _Invalid(f"'{_show(before[1] + text)}' is not a field access")
        index += 1
