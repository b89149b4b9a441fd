"""The alert and recording rules a related charm sends, checked and scoped to that relation. Pure.

``scope_rules`` turns one relation's ``alert_rules`` (JSON ``{"groups": [...]}``, as sent on
``metrics-endpoint`` and ``receive-remote-write``) into the text of that relation's own rule
file. Each group and each rule is judged by the rule-file checker for the image's Prometheus
version (``domain.rules``), alone: a bad one is dropped with its reason and the rest is kept.
Every kept rule is scoped to the relation's topology (its ``scrape_metadata`` when the
application there is the remote one, else the remote application's name), never to the
``juju_*`` labels a rule claims for itself:

* its ``juju_*`` labels (and a group's, 3.0+) are replaced by ``juju_model``,
  ``juju_model_uuid``, ``juju_application`` and ``juju_charm`` (when known);
* ``juju_model``, ``juju_model_uuid`` and ``juju_application`` matchers are put into every
  vector selector of its ``expr`` (``domain.rules.inject``); one that already matches these
  labels otherwise is dropped, as is an alert whose templates call ``query``, which would read
  any series at all.

Group names start with the topology identifier ``<model>_<uuid8>_<app>``, as provider charms
name them (a name that lacks it gets it, one already used in the file a number), so that no
group passes for another application's.
"""

import hashlib
import re
from dataclasses import dataclass, replace
from typing import List, Optional, Set, Tuple

from domain.errors import RuleError
from domain.relations.topology import Topology
from domain.rules import Pairs, Rule, RuleFile, RuleGroup, parse_rule_file, render_rule_file
from domain.rules.inject import inject_matchers, template_functions
from domain.rules.rules_json import DroppedRule, RulesJsonError, checked_group, load_rule_groups
from domain.rules.tokens import Invalid, show
from domain.values.version import Version

# juju/names application.go ApplicationSnippet (charm names follow the same form) and model.go
# validModelName; a model UUID as Juju writes it.
_KEY_UNSAFE = re.compile(r"[^-._a-zA-Z0-9]")  # a ConfigMap key: [-._a-zA-Z0-9]+, at most 253
_MAX_KEY = 253


@dataclass(frozen=True)
class ScopedRules:
    """One relation's rule file: its name, its text ("" when no rule is kept), what was left out."""

    file_name: str
    rule_file: RuleFile
    text: str
    dropped: Tuple[DroppedRule, ...]


def rule_file_name(topology: Topology, endpoint: str, relation_id: int) -> str:
    """``juju_<identifier>_<endpoint>_<id>.rules``, a ConfigMap key; hashed when too long."""
    name = _KEY_UNSAFE.sub("_", f"juju_{topology.identifier}_{endpoint}_{relation_id}.rules")
    if len(name) > _MAX_KEY:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]
        name = _KEY_UNSAFE.sub("_", f"juju_{digest}_{endpoint[:100]}_{relation_id}.rules")
    return name


def scope_rules(alert_rules: str, topology: Topology, version: Version,
                endpoint: str, relation_id: int) -> ScopedRules:
    """The rule file of one relation's ``alert_rules``, scoped to ``topology``, for Prometheus
    ``version``; never raises for what the remote charm sent."""
    file_name = rule_file_name(topology, endpoint, relation_id)
    problem, loaded = topology.problem(), None
    try:
        loaded = load_rule_groups(alert_rules) if problem is None else None
    except RulesJsonError as err:
        problem = str(err)
    if loaded is None:
        return ScopedRules(file_name, RuleFile(()), "", (DroppedRule("", problem or ""),))
    dropped: List[DroppedRule] = []
    groups: List[RuleGroup] = []
    names: Set[str] = set()
    for index, raw in enumerate(loaded.groups, 1):
        checked = checked_group(raw, index, loaded, version, dropped)
        if checked is None:
            continue
        group, numbered = checked
        rules = tuple(rule for rule in (_scoped(number, rule, group.name, topology, dropped)
                                        for number, rule in numbered) if rule is not None)
        if not rules:
            continue
        name = _group_name(group.name, topology.identifier, names)
        groups.append(RuleGroup(name=name, interval=group.interval, limit=group.limit, rules=rules,
                                query_offset=group.query_offset, labels=_own_labels(group.labels)))
    rule_file = RuleFile(tuple(groups))
    text = render_rule_file(rule_file) if groups else ""
    try:
        parse_rule_file(text, version)  # the whole file, as Prometheus will load it
    except RuleError as err:
        return ScopedRules(file_name, RuleFile(()), "", (*dropped, DroppedRule("", str(err))))
    return ScopedRules(file_name, rule_file, text, tuple(dropped))


def _scoped(number: int, rule: Rule, group: str, topology: Topology, dropped: List[DroppedRule]) -> Optional[Rule]:
    """``rule`` with the topology's labels and matchers; None (and why) when it cannot be scoped."""
    where = f"group '{show(group)}' rule {number} ({'alert' if rule.alert is not None else 'record'} " \
            f"'{show(rule.name)}')"
    try:
        expr = inject_matchers(rule.expr, topology.matchers)
    except Invalid as err:
        dropped.append(DroppedRule(where, f"'expr' {err}"))
        return None
    if rule.alert is not None:
        for name, value in rule.labels + rule.annotations:
            if "query" in template_functions(value):
                dropped.append(DroppedRule(where, f"'{show(name)}' calls the template function 'query', which can "
                                                  "read any series, not only this relation's own"))
                return None
    return replace(rule, expr=expr, labels=_own_labels(rule.labels) + topology.labels)


def _own_labels(labels: Pairs) -> Pairs:
    """``labels`` without any ``juju_*`` one: the topology's replace them."""
    return tuple((name, value) for name, value in labels if not name.startswith("juju_"))


def _group_name(name: str, identifier: str, used: Set[str]) -> str:
    """``name`` led by the topology identifier, and unique in the file."""
    base = name if name.startswith(identifier + "_") else f"{identifier}_{name}"
    unique, number = base, 1
    while unique in used:
        number += 1
        unique = f"{base}_{number}"
    used.add(unique)
    return unique
