"""Rule groups sent as JSON in relation data (``alert_rules``), read within bounds. Pure.

Relation data is untrusted. Before ``json.loads`` sees the text, its size is bounded (the 1 MiB
a rule file may have) and so is how deep its arrays and objects nest (Python's decoder
recurses, a rule needs 5 levels); numbers of more than 30 digits, ``NaN`` and ``Infinity`` are
refused (JSON has no such values, and Python 3.11 would refuse long integers itself while 3.8
would not). Objects that repeat a key are noted, as a rule file may not repeat one either.

``checked_group`` then judges one group, and each of its rules alone, with the rule-file
checker (``parse_rule_file``, on the group written as YAML): a group whose own keys are wrong
is dropped, a wrong rule is dropped alone, each with the checker's reason. A group is first
judged whole, in one pass: when nothing in it is wrong (the usual case) that is the same
verdict at a fraction of the cost, and only a group with something wrong is judged rule by rule.
"""

import json
import re
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Set, Tuple

from domain.errors import RuleError
from domain.prometheus.yaml_text import to_yaml
from domain.rules.checker import parse_rule_file
from domain.rules.inject import remove_placeholder
from domain.rules.model import MAX_RULE_FILE_BYTES, Rule, RuleGroup
from domain.rules.tokens import show
from domain.values.version import Version

MAX_JSON_DEPTH = 16  # {"groups": [{"rules": [{"labels": {...}}]}]} needs 5
MAX_NUMBER_DIGITS = 30
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class DroppedRule:
    """A group or rule left out (``where`` names it), or the whole value (``where`` empty)."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"alert_rules {self.where}: {self.reason}" if self.where else f"alert_rules {self.reason}"


class RulesJsonError(ValueError):
    """The whole ``alert_rules`` value is unusable; the message says why."""


@dataclass(frozen=True)
class RulesJson:
    """The groups as decoded, and the ids of the objects that repeat a key (with the key)."""

    groups: Tuple[Any, ...]
    repeated: Dict[int, str]

    def repeats(self, value: Any) -> str:
        """A key repeated in ``value`` or in an object inside it; "" when none is."""
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                if id(item) in self.repeated:
                    return self.repeated[id(item)]
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        return ""


def _depth(text: str) -> int:
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise RulesJsonError(f"holds a number of {len(text)} digits")
    return int(text)


def _constant(text: str) -> float:
    raise RulesJsonError(f"holds {text}, which JSON does not have")


def load_rule_groups(text: str) -> RulesJson:
    """The ``groups`` list of ``{"groups": [...]}`` (none for ``{}`` or nothing); raises
    RulesJsonError naming the problem when the whole value must be refused."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_RULE_FILE_BYTES:
        raise RulesJsonError(f"is {size} bytes, over the {MAX_RULE_FILE_BYTES} a rule file may have")
    if not text.strip():
        return RulesJson((), {})
    depth = _depth(text)
    if depth > MAX_JSON_DEPTH:
        raise RulesJsonError(f"nests arrays and objects {depth} deep, more than the {MAX_JSON_DEPTH} accepted")
    repeated: Dict[int, str] = {}

    def pairs(items: List[Tuple[str, Any]]) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        seen: Set[str] = set()
        for key, value in items:
            if key in seen and id(out) not in repeated:
                repeated[id(out)] = key
            seen.add(key)
            out[key] = value
        return out

    try:
        document = json.loads(text, object_pairs_hook=pairs, parse_int=_number, parse_constant=_constant)
    except RecursionError:  # not reached below MAX_JSON_DEPTH; kept as a last guard
        raise RulesJsonError("nests arrays and objects too deeply") from None
    except ValueError as err:  # json.JSONDecodeError, RulesJsonError
        raise RulesJsonError(f"is not valid JSON: {show(str(err), 120)}") from None
    if not isinstance(document, dict):
        raise RulesJsonError('must be a JSON object such as {"groups": [...]}')
    if id(document) in repeated:
        raise RulesJsonError(f"repeats the key '{show(repeated[id(document)])}'")
    unknown = sorted(set(document) - {"groups"})
    if unknown:
        raise RulesJsonError(f"has the key '{show(unknown[0])}'; only 'groups' is read")
    groups = document.get("groups")
    if groups is None:
        return RulesJson((), repeated)
    if not isinstance(groups, list):
        raise RulesJsonError("'groups' must be a list")
    return RulesJson(tuple(groups), repeated)


def _check(group: Dict[str, object], version: Version) -> RuleGroup:
    """One group (as JSON values) judged by the rule-file checker."""
    try:
        return parse_rule_file(to_yaml({"groups": [group]}), version).groups[0]
    except UnicodeEncodeError:
        raise RuleError("holds a lone surrogate (an invalid \\u escape)") from None


def checked_group(raw: object, index: int, loaded: RulesJson, version: Version,
                   dropped: List[DroppedRule]) -> Optional[Tuple[RuleGroup, Tuple[Tuple[int, Rule], ...]]]:
    """The group as the checker reads it and the rules it accepts, each with its number in
    the group as sent; None when the group itself is refused."""
    name = raw.get("name") if isinstance(raw, dict) else None
    where = f"group '{show(name)}'" if isinstance(name, str) and name else f"group {index}"
    if not isinstance(raw, dict):
        dropped.append(DroppedRule(where, "is not a JSON object"))
        return None
    rules = raw.get("rules")
    header = {key: value for key, value in raw.items() if key != "rules"}
    repeated = loaded.repeated.get(id(raw)) or loaded.repeats(header)
    if repeated:
        dropped.append(DroppedRule(where, f"repeats the key '{show(repeated)}'"))
        return None
    whole = _all_at_once(header, rules, loaded, version)
    if whole is not None:
        return whole
    try:
        checked = _check(dict(header, rules=[] if isinstance(rules, list) else rules), version)
    except RuleError as err:
        dropped.append(DroppedRule(where, _after(str(err), where)))
        return None
    if not isinstance(rules, list):  # the checker refuses such a group first
        dropped.append(DroppedRule(where, "'rules' must be a list"))
        return None
    repeats = [loaded.repeats(rule) for rule in rules]
    rules = [dict(rule, expr=remove_placeholder(rule["expr"])) if isinstance(rule, dict)
             and isinstance(rule.get("expr"), str) else rule for rule in rules]
    kept: List[Tuple[int, Rule]] = []
    for number, (rule, repeated) in enumerate(zip(rules, repeats), 1):
        rule_where = f"{where} rule {number}"
        if repeated:
            dropped.append(DroppedRule(rule_where, f"repeats the key '{show(repeated)}'"))
            continue
        try:
            kept.append((number, _check(dict(header, rules=[rule]), version).rules[0]))
        except RuleError as err:
            message = str(err)
            inner = f"group '{show(checked.name)}' rule 1"
            if message.startswith(inner):
                message = rule_where + message[len(inner):]
            place, _, reason = message.partition(": ")
            dropped.append(DroppedRule(place, reason) if reason else
                           DroppedRule(rule_where, _after(message, rule_where)))
    return checked, tuple(kept)


def _all_at_once(header: Dict[str, Any], rules: Any, loaded: RulesJson,
                 version: Version) -> Optional[Tuple[RuleGroup, Tuple[Tuple[int, Rule], ...]]]:
    """The group judged whole, in one pass of the checker: what judging it rule by rule gives
    when nothing in it is refused (the checker reads each rule alone, and a group that holds
    them all holds each one), at a twelfth of the cost for ten rules. None when anything is
    refused or repeated: the caller then judges rule by rule, to keep the good ones and name
    the bad."""
    if not isinstance(rules, list) or not rules or loaded.repeats(rules):
        return None
    unplaced = [dict(rule, expr=remove_placeholder(rule["expr"])) if isinstance(rule, dict)
                and isinstance(rule.get("expr"), str) else rule for rule in rules]
    try:
        group = _check(dict(header, rules=unplaced), version)
    except RuleError:
        return None
    return replace(group, rules=()), tuple(enumerate(group.rules, 1))


def _after(message: str, where: str) -> str:
    """The checker's message without the place it starts with, which ``where`` already names."""
    for place in (where, "the rule file"):
        if message.startswith(place):
            return message[len(place):].lstrip(": ").strip()
    return message
