"""The alert rules of one ``metrics-endpoint`` relation: scoped to the relation's own topology
and filed under its own name (``rules_scope.scope_rules``, through the judgements remembered
between hooks: ``rules_memo``). Pure.

The topology is the relation's ``scrape_metadata`` (``metrics_endpoint`` has already refused
metadata naming another application than the remote one), else the remote application in our
model: an aggregator's rules, sent without metadata, are scoped to the aggregator itself.
"""

from dataclasses import dataclass
from typing import Optional, Tuple

from domain.facts import Identity
from domain.relations.data import DroppedBag
from domain.relations.endpoints import METRICS_ENDPOINT
from domain.relations.metrics_endpoint import ScrapeRelation
from domain.relations.rules_memo import RulesMemo
from domain.relations.topology import Topology
from domain.values.version import Version


@dataclass(frozen=True)
class RelationRules:
    file: Tuple[str, str]  # (name, text); text "" when no rule is kept: no file then
    dropped: Tuple[DroppedBag, ...]
    reasons: Tuple[str, ...]  # for the relation's ``event``


def relation_rules(scraped: ScrapeRelation, identity: Identity, version: Version,
                   judged: Optional[RulesMemo] = None) -> RelationRules:
    if not scraped.alert_rules.strip() or scraped.alert_rules.strip() == "{}":
        return RelationRules(("", ""), (), ())
    own = scraped.topology
    topology = (Topology(own.model, own.model_uuid, own.application, own.charm) if own is not None
                else Topology(identity.model, identity.model_uuid, scraped.remote_app))
    memo = judged if judged is not None else RulesMemo()
    scoped = memo.scoped(scraped.alert_rules, topology, version, METRICS_ENDPOINT, scraped.relation_id)
    reasons = tuple(str(rule) for rule in scoped.dropped)
    dropped = tuple(DroppedBag(scraped.relation, scraped.remote_app, reason) for reason in reasons)
    return RelationRules((scoped.file_name, scoped.text), dropped, reasons)
