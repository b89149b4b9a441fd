"""Relabel rules from relation data: checked as Prometheus loads them, and kept off ``juju_*``. Pure.

Prometheus checks each rule when it loads the configuration (prometheus/prometheus
model/relabel/relabel.go: ``RelabelConfig.UnmarshalYAML`` and ``Validate``): the action, the
label names, the regex (Go's RE2, see ``re2``), ``modulus`` for ``hashmod``, and that
``labeldrop`` takes a regex and nothing else. The charm accepts a conservative part of that:

* actions ``replace``, ``keep``, ``drop``, ``hashmod``, ``labelmap``, ``labeldrop`` (others,
  some of them newer than 2.x images, are refused), spelled in lower case;
* label names of letters, digits and ``_`` on every generation;
* never a rule that writes a ``juju_*`` label: the topology is the relation's own. So
  ``target_label`` may not start with ``juju_`` nor be a ``__`` label other than
  ``__metrics_path__``, ``__scheme__``, ``__param_<name>`` and ``__tmp_<name>`` (``__address__``
  would move the target past the checks on static targets); ``labelmap``'s replacement must be
  a literal prefix that starts with a letter and cannot begin ``juju_``, then ``$1``/``${1}``;
  ``labeldrop`` only a ``|``-list of literal names, none ``juju_*``.
"""

import re
from typing import Any, Dict, List

from domain.errors import InvalidValue
from domain.relations.scrape.re2 import re2_refusal
from domain.values.text import excerpt, forbidden_character

MAX_RULES = 64
MAX_TEXT = 1024
MAX_MODULUS = 2**63 - 1
_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_KEYS = ("source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action")
_ACTIONS = ("replace", "keep", "drop", "hashmod", "labelmap", "labeldrop")
_SPECIAL_TARGET = re.compile(r"__metrics_path__|__scheme__|__param_[a-zA-Z0-9_]+|__tmp_[a-zA-Z0-9_]+")
_LABELMAP_REPLACEMENT = re.compile(r"([a-zA-Z][a-zA-Z0-9_]*)\$(?:1|\{1\})")


def _text(rule: Dict[str, Any], key: str) -> str:
    value = rule[key]
    if not isinstance(value, str):
        raise InvalidValue(f"{key} is not text")
    if len(value) > MAX_TEXT or forbidden_character(value):
        raise InvalidValue(f"{key} {excerpt(value)} is longer than {MAX_TEXT} characters or holds control characters")
    return value


def _juju_prefix(prefix: str) -> bool:
    return prefix.startswith("juju_") or "juju_".startswith(prefix)


def _target(name: str) -> None:
    if not _LABEL.fullmatch(name):
        raise InvalidValue(f"target_label {excerpt(name)} is not a label name (letters, digits and '_')")
    if name.startswith("juju_"):
        raise InvalidValue(f"target_label {excerpt(name)}: juju_* labels are the relation's topology")
    if name.startswith("__") and not _SPECIAL_TARGET.fullmatch(name):
        raise InvalidValue(f"target_label {excerpt(name)} is reserved")


def check_rule(rule: Any) -> Dict[str, Any]:
    """The rule as it goes into prometheus.yml; ``InvalidValue`` saying why it cannot."""
    if not isinstance(rule, dict):
        raise InvalidValue("a relabel rule is not an object")
    unknown = sorted(set(rule) - set(_KEYS))
    if unknown:
        raise InvalidValue(f"a relabel rule has unknown keys {', '.join(excerpt(str(k)) for k in unknown[:3])}")
    checked: Dict[str, Any] = {}
    action = _text(rule, "action") if "action" in rule else "replace"
    if action not in _ACTIONS:
        raise InvalidValue(f"relabel action {excerpt(action)} is not one of {', '.join(_ACTIONS)}")
    if "source_labels" in rule:
        sources = rule["source_labels"]
        if not isinstance(sources, list) or len(sources) > 32 or not all(
                isinstance(s, str) and _LABEL.fullmatch(s) for s in sources):
            raise InvalidValue("source_labels is not a list of at most 32 label names")
        checked["source_labels"] = list(sources)
    for key in ("separator", "regex", "replacement", "target_label"):
        if key in rule:
            checked[key] = _text(rule, key)
    if "regex" in checked:
        refusal = re2_refusal(checked["regex"])
        if refusal:
            raise InvalidValue(f"regex {excerpt(checked['regex'])}: {refusal}")
    if "modulus" in rule:
        modulus = rule["modulus"]
        if isinstance(modulus, bool) or not isinstance(modulus, int) or not 0 <= modulus <= MAX_MODULUS:
            raise InvalidValue("modulus is not a non-negative integer")
        checked["modulus"] = modulus
    _check_action(action, checked)
    checked["action"] = action
    return checked


def _check_action(action: str, rule: Dict[str, Any]) -> None:
    if action in ("replace", "hashmod"):
        if not rule.get("target_label"):
            raise InvalidValue(f"relabel action {action} needs a target_label")
        _target(rule["target_label"])
    elif "target_label" in rule:
        raise InvalidValue(f"relabel action {action} takes no target_label here")
    if action == "hashmod" and not rule.get("modulus"):
        raise InvalidValue("relabel action hashmod needs a modulus above 0")
    if action != "hashmod" and "modulus" in rule:
        raise InvalidValue(f"relabel action {action} takes no modulus")
    if action == "labelmap":
        match = _LABELMAP_REPLACEMENT.fullmatch(rule.get("replacement", "$1"))
        if match is None or _juju_prefix(match.group(1)):
            raise InvalidValue("labelmap's replacement must be a prefix starting with a letter, "
                               "not juju_, followed by $1 (it could write juju_* labels otherwise)")
    if action == "labeldrop":
        names = str(rule.get("regex", "")).split("|")
        if set(rule) != {"regex"} or not all(_LABEL.fullmatch(n) and not n.startswith("juju_") for n in names):
            raise InvalidValue("labeldrop takes only a regex listing label names (a|b), none juju_*")


def check_rules(rules: Any, key: str) -> List[Dict[str, Any]]:
    if not isinstance(rules, list):
        raise InvalidValue(f"{key} is not a list")
    if len(rules) > MAX_RULES:
        raise InvalidValue(f"{key} has {len(rules)} rules, more than {MAX_RULES}")
    checked = []
    for number, rule in enumerate(rules, 1):
        try:
            checked.append(check_rule(rule))
        except InvalidValue as error:
            raise InvalidValue(f"{key} rule {number}: {error}") from None
    return checked
