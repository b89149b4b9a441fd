"""Everything the charm reads from its relations, from one call. Pure.

Each endpoint's module reads its relations; a bag it cannot use is dropped alone and noted,
and the other bags and relations keep working. Derived values are rebuilt from the current
bags on every hook, so a departed unit or a broken relation takes its data with it.
"""

from dataclasses import dataclass
from typing import List, Optional, Tuple

from domain.config.charm_config import CharmConfig
from domain.facts import AlertmanagerTarget, Facts
from domain.relations import alertmanager_dispatch, legacy_alerting, metrics_endpoint
from domain.relations.data import DroppedBag
from domain.relations.endpoints import ALERTMANAGER_DISPATCH, LEGACY_ALERTMANAGER, METRICS_ENDPOINT
from domain.relations.legacy_alerting import LegacyAlertmanagers
from domain.relations.metrics_endpoint import ScrapeRelation


@dataclass(frozen=True)
class RelationInputs:
    alertmanagers: Tuple[AlertmanagerTarget, ...] = ()
    dropped: Tuple[DroppedBag, ...] = ()
    legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = ()  # from `alertmanager`
    scrape: Tuple[ScrapeRelation, ...] = ()  # metrics-endpoint relations with remote units


def read_inputs(facts: Facts, config: Optional[CharmConfig] = None) -> RelationInputs:
    """``config`` gives the global scrape interval and timeout that scrape jobs are checked
    against; without it, metrics-endpoint relations are not read."""
    alertmanagers: List[AlertmanagerTarget] = list(facts.alertmanagers)
    dropped: List[DroppedBag] = []
    legacy: List[LegacyAlertmanagers] = []
    scrape: List[ScrapeRelation] = []
    for relation in facts.relations:
        if relation.endpoint == ALERTMANAGER_DISPATCH:
            dispatch = alertmanager_dispatch.read(relation)
            alertmanagers.extend(dispatch.targets)
            dropped.extend(dispatch.dropped)
        elif relation.endpoint == LEGACY_ALERTMANAGER:
            found = legacy_alerting.read(relation, facts.identity.namespace, facts.image.version)
            legacy += [entry for entry in found.alertmanagers if entry not in legacy]
            dropped.extend(found.dropped)
        elif relation.endpoint == METRICS_ENDPOINT and config is not None:
            scraped = metrics_endpoint.read(relation, facts.image.version, config.scrape_interval,
                                            config.scrape_timeout, facts.kubernetes_api_hosts)
            if scraped is not None:
                scrape.append(scraped)
                dropped.extend(metrics_endpoint.dropped(scraped, relation.remote_app or ""))
    return RelationInputs(alertmanagers=tuple(alertmanagers), dropped=tuple(dropped),
                          legacy_alertmanagers=tuple(legacy), scrape=tuple(scrape))
