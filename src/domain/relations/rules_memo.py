"""Judgements of relations' rules, remembered between hooks. Pure (the file is the adapter's).

Judging a relation's ``alert_rules`` (``rules_scope.scope_rules``: every group and rule through
the rule-file checker) is nearly all of what a plan costs when relations send rules, and its
result depends only on its inputs and on the charm's code. A ``RulesMemo`` holds earlier
results under a key that covers all of them: a sha256 over the rules text, every field of the
topology, the Prometheus version, the endpoint, the relation id and a *stamp* that changes with
the charm's judging code (``adapters.rules_cache.code_stamp``). Callers ask ``scoped`` instead
of ``scope_rules``: a known key is answered from the memo, any other is judged and remembered.

A value read back is only an optimisation, never a source of truth: one whose shape or sizes
are odd is judged again. ``kept`` gives exactly the entries this plan used, so that what is
carried to the next hook never outgrows the current relations. The memo is handed in through
``Facts``; its default is empty, where every call judges (once per plan: inputs and outputs
may ask twice for the same relation). The rule checker is imported only when something must
be judged: a hook whose relations' rules are all known never loads it.
"""

import hashlib
import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple

from domain.relations.topology import Topology
from domain.values.version import Version

if TYPE_CHECKING:
    from domain.rules.rules_json import DroppedRule

FORMAT = "rules-memo/1"  # in every key: a new layout of the values misses every old entry
MAX_TEXT_CHARS = 2 * 1024 * 1024  # a kept rule file is at most 1 MiB (domain.rules.MAX_RULE_FILE_BYTES)
MAX_DROPPED = 100_000
MAX_REASON_CHARS = 1024 * 1024
_FILE_NAME = re.compile(r"[-._a-zA-Z0-9]{1,253}")  # a ConfigMap key, as rules_scope.rule_file_name makes
Encoded = List[Any]  # [file name, text, [[where, reason], ...]]: what the adapter stores as JSON


@dataclass(frozen=True)
class Judged:
    """What callers use of one ``ScopedRules``: the file's name, its text ("" when no rule is
    kept) and what was left out, and why."""

    file_name: str
    text: str
    dropped: Tuple["DroppedRule", ...]


def memo_key(stamp: str, alert_rules: str, topology: Topology, version: Version, endpoint: str,
             relation_id: int) -> str:
    """sha256 over a length-prefixed encoding of every input of ``scope_rules`` and ``stamp``."""
    parts = [FORMAT, stamp, alert_rules, *(f"{f.name}={getattr(topology, f.name)!r}" for f in fields(topology)),
             repr(tuple(version)), endpoint, str(relation_id)]
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data))
        digest.update(data)
    return digest.hexdigest()


class RulesMemo:
    """Earlier judgements (``entries``: key to encoded value, as loaded; checked on use) and the
    ones this plan used. ``stamp`` names the judging code they were made with."""

    def __init__(self, stamp: str = "", entries: Optional[Mapping[str, Any]] = None) -> None:
        self.stamp = stamp
        self._known: Mapping[str, Any] = entries or {}
        self._used: Dict[str, Tuple[Judged, Encoded]] = {}
        self.judged = 0  # relations judged by this memo (misses)
        self.reused = 0  # relations answered from earlier judgements

    def scoped(self, alert_rules: str, topology: Topology, version: Version, endpoint: str,
               relation_id: int) -> Judged:
        """``scope_rules``' verdict on these inputs: remembered, or judged now."""
        key = memo_key(self.stamp, alert_rules, topology, version, endpoint, relation_id)
        if key in self._used:
            return self._used[key][0]
        found = _decoded(self._known.get(key), endpoint, relation_id)
        if found is not None:
            self.reused += 1
            self._used[key] = found
            return found[0]
        from domain.relations.rules_scope import scope_rules  # the checker: only when judging

        scoped = scope_rules(alert_rules, topology, version, endpoint, relation_id)
        self.judged += 1
        judged = Judged(scoped.file_name, scoped.text, scoped.dropped)
        self._used[key] = (judged, [judged.file_name, judged.text, [[d.where, d.reason] for d in judged.dropped]])
        return judged

    @property
    def known(self) -> int:
        """How many earlier judgements were handed in (checked only when used)."""
        return len(self._known)

    def kept(self) -> Dict[str, Encoded]:
        """The entries to carry to the next hook: exactly those this plan used."""
        return {key: encoded for key, (_, encoded) in self._used.items()}

    def changed(self) -> bool:
        """Whether ``kept`` differs from the entries handed in (so they need saving)."""
        return self.judged > 0 or set(self._used) != set(self._known)


def _decoded(raw: Any, endpoint: str, relation_id: int) -> Optional[Tuple[Judged, Encoded]]:
    """A stored value as callers use it; None (judged again) when anything about it is odd."""
    if not isinstance(raw, list) or len(raw) != 3:
        return None
    name, text, dropped = raw
    if not (isinstance(name, str) and _FILE_NAME.fullmatch(name)
            and name.endswith(f"_{endpoint}_{relation_id}.rules")):
        return None
    if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS or (text and not text.startswith("groups:\n")):
        return None
    if not isinstance(dropped, list) or len(dropped) > MAX_DROPPED:
        return None
    pairs = []
    for item in dropped:
        if not (isinstance(item, list) and len(item) == 2
                and all(isinstance(part, str) and len(part) <= MAX_REASON_CHARS for part in item)):
            return None
        pairs.append((item[0], item[1]))
    if not pairs:
        return Judged(name, text, ()), raw
    from domain.rules.rules_json import DroppedRule  # with the checker: only when some rule was left out

    return Judged(name, text, tuple(DroppedRule(where, reason) for where, reason in pairs)), raw
