"""What the charm writes in its own bags, for every relation that exists. Pure.

Unit bags are written by every unit, the application's bag by the leader only (the adapter
skips those writes on other units, as Juju would refuse them).
"""

from typing import List, Tuple

from domain.config.charm_config import CharmConfig
from domain.facts import Facts
from domain.grafana.relation import dashboard_app_data
from domain.relations import grafana_source, http_api
from domain.relations.data import BagWrite
from domain.relations.endpoints import GRAFANA_DASHBOARD, GRAFANA_SOURCE, HTTP_API

CHARM_NAME = "prometheus"  # metadata.yaml's name: Grafana files the dashboard under it


def relation_writes(config: CharmConfig, facts: Facts) -> Tuple[BagWrite, ...]:
    writes: List[BagWrite] = []
    identity = facts.identity
    for relation in facts.relations:
        endpoint, rid = relation.endpoint, relation.relation_id
        if endpoint == HTTP_API:
            writes.append(BagWrite(endpoint, rid, False, http_api.unit_data(config, identity)))
        elif endpoint == GRAFANA_SOURCE:
            writes.append(BagWrite(endpoint, rid, True, grafana_source.app_data(config, identity)))
            writes.append(BagWrite(endpoint, rid, False, grafana_source.unit_data(config, identity)))
        elif endpoint == GRAFANA_DASHBOARD:
            dashboard = dashboard_app_data(identity.model, identity.model_uuid, identity.app, CHARM_NAME)
            writes.append(BagWrite(endpoint, rid, True, tuple(sorted(dashboard.items()))))
    return tuple(writes)
