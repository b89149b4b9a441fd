"""Everything the charm reads from its relations, from one call. Pure.

Each endpoint's module reads its relations; a bag it cannot use is dropped alone and noted,
and the other bags and relations keep working. Derived values are rebuilt from the current
bags on every hook, so a departed unit or a broken relation takes its data with it.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional, Tuple

from domain.config.charm_config import CharmConfig
from domain.facts import AlertmanagerTarget, Facts
from domain.relations.data import DroppedBag
from domain.relations.endpoints import (
    ALERTMANAGER_DISPATCH,
    LEGACY_ALERTMANAGER,
    METRICS_ENDPOINT,
    RECEIVE_REMOTE_WRITE,
    SEND_REMOTE_WRITE,
)
from domain.relations.legacy_targets import LegacyAlertmanagers

if TYPE_CHECKING:  # the endpoint's reader (scrape jobs, rules) is imported with its first relation
    from domain.relations.metrics_endpoint import ScrapeRelation


@dataclass(frozen=True)
class RelationInputs:
    alertmanagers: Tuple[AlertmanagerTarget, ...] = ()
    dropped: Tuple[DroppedBag, ...] = ()
    legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = ()  # from `alertmanager`
    scrape: Tuple["ScrapeRelation", ...] = ()  # metrics-endpoint relations with remote units
    remote_write_urls: Tuple[str, ...] = ()  # from `send-remote-write`, distinct
    receives_remote_write: bool = False  # a `receive-remote-write` relation exists
    rule_files: Tuple[Tuple[str, str], ...] = ()  # (file name, text), one per relation with rules
    rule_reasons: Tuple[Tuple[int, str], ...] = ()  # (relation id, rule left out and why): metrics-endpoint


def read_inputs(facts: Facts, config: Optional[CharmConfig] = None) -> RelationInputs:
    """``config`` gives the global scrape interval and timeout that scrape jobs are checked
    against; without it, metrics-endpoint relations are not read."""
    alertmanagers: List[AlertmanagerTarget] = list(facts.alertmanagers)
    dropped: List[DroppedBag] = []
    legacy: List[LegacyAlertmanagers] = []
    scrape: List[ScrapeRelation] = []
    remote_write: List[str] = []
    rule_files: List[Tuple[str, str]] = []
    rule_reasons: List[Tuple[int, str]] = []
    for relation in facts.relations:
        # Each endpoint's module is imported when a relation of it exists: most hooks of most
        # deployments read few endpoints, and together they take long to import.
        if relation.endpoint == ALERTMANAGER_DISPATCH:
            from domain.relations import alertmanager_dispatch

            dispatch = alertmanager_dispatch.read(relation)
            alertmanagers.extend(dispatch.targets)
            dropped.extend(dispatch.dropped)
        elif relation.endpoint == LEGACY_ALERTMANAGER:
            from domain.relations import legacy_alerting

            found = legacy_alerting.read(relation, facts.identity.namespace, facts.image.version)
            legacy += [entry for entry in found.alertmanagers if entry not in legacy]
            dropped.extend(found.dropped)
        elif relation.endpoint == METRICS_ENDPOINT and config is not None:
            from domain.relations import metrics_endpoint
            from domain.relations.metrics_rules import relation_rules

            scraped = metrics_endpoint.read(relation, facts.image.version, config.scrape_interval,
                                            config.scrape_timeout, facts.kubernetes_api_hosts)
            if scraped is not None:
                scrape.append(scraped)
                dropped.extend(metrics_endpoint.dropped(scraped, relation.remote_app or ""))
                rules = relation_rules(scraped, facts.identity, facts.image.version, facts.judged)
                rule_files += [rules.file] if rules.file[1] else []
                dropped.extend(rules.dropped)
                rule_reasons += [(relation.relation_id, reason) for reason in rules.reasons]
        elif relation.endpoint == SEND_REMOTE_WRITE:
            from domain.relations import remote_write_send

            sent = remote_write_send.read(relation)
            remote_write += [url for url in sent.urls if url not in remote_write]
            dropped.extend(sent.dropped)
        elif relation.endpoint == RECEIVE_REMOTE_WRITE:
            from domain.relations import remote_write_receive

            received = remote_write_receive.read(relation, facts.identity, facts.image.version, facts.judged)
            rule_files += [received.rule_file] if received.rule_file[1] else []
            dropped.extend(received.dropped)
    return RelationInputs(alertmanagers=tuple(alertmanagers), dropped=tuple(dropped),
                          legacy_alertmanagers=tuple(legacy), scrape=tuple(scrape),
                          remote_write_urls=tuple(remote_write),
                          receives_remote_write=any(r.endpoint == RECEIVE_REMOTE_WRITE for r in facts.relations),
                          rule_files=tuple(rule_files), rule_reasons=tuple(rule_reasons))
