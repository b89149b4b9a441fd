"""The typed rule file ``parse_rule_file`` returns and ``render_rule_file`` writes. Pure."""

from dataclasses import dataclass
from typing import Optional, Tuple

from domain.values.duration import Duration

MAX_RULE_FILE_BYTES = 1024 * 1024
# How deep lists and mappings may nest. A rule file's deepest value (a label) sits in the 6th
# (file, groups, group, rules, rule, labels); 64 leaves every wrong shape to the reader's own
# message and keeps libyaml's composer, which recurses on the C stack, far from its end.
MAX_YAML_DEPTH = 64
# Longest text read as a duration (``for``, ``interval``, ...). Every duration Prometheus can hold
# (int64 nanoseconds) is written in at most 61 characters (``292y...`` down to ``...854ms``); only
# padding zeros, which promtool reads, make one longer (*policy*).
MAX_DURATION_CHARS = 64
# A group's ``limit`` is a Go ``int`` (``RuleGroup.Limit``, prometheus/prometheus
# model/rulefmt/rulefmt.go; 64 bits on amd64 and arm64): promtool 2.42 and 3.x refuse 2**63.
MAX_LIMIT = 2**63 - 1

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
    query_offset: Optional[Duration] = None  # Prometheus 2.53+
    labels: Pairs = ()  # Prometheus 3.0+: added to every rule's results and alerts


@dataclass(frozen=True)
class RuleFile:
    """A whole rule file: its groups in the order the operator wrote them."""

    groups: Tuple[RuleGroup, ...]

