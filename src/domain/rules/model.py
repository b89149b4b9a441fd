"""The typed rule file ``parse_rule_file`` returns and ``render_rule_file`` writes. Pure."""

from dataclasses import dataclass
from typing import Optional, Tuple

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
    query_offset: Optional[Duration] = None  # Prometheus 2.53+
    labels: Pairs = ()  # Prometheus 3.0+: added to every rule's results and alerts


@dataclass(frozen=True)
class RuleFile:
    """A whole rule file: its groups in the order the operator wrote them."""

    groups: Tuple[RuleGroup, ...]

