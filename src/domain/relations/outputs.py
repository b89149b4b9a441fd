"""What the charm writes in its own bags, for every relation that exists. Pure.

Unit bags are written by every unit, the application's bag by the leader only (the adapter
skips those writes on other units, as Juju would refuse them).
"""

from typing import List, Mapping, Optional, Tuple

from domain.config.charm_config import CharmConfig
from domain.facts import Facts
from domain.relations import grafana_source, http_api
from domain.relations.data import BagWrite
from domain.relations.endpoints import (
    GRAFANA_DASHBOARD,
    GRAFANA_SOURCE,
    HTTP_API,
    METRICS_ENDPOINT,
    RECEIVE_REMOTE_WRITE,
    SELF_METRICS,
)

CHARM_NAME = "prometheus"  # metadata.yaml's name: Grafana files the dashboard under it


def relation_writes(config: CharmConfig, facts: Facts,
                    scrape_events: Optional[Mapping[int, str]] = None) -> Tuple[BagWrite, ...]:
    """``scrape_events``: the ``event`` report per metrics-endpoint relation id; a relation
    without one (no remote units) has its report deleted."""
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
            from domain.grafana.relation import dashboard_app_data  # the dashboard: with its relation

            dashboard = dashboard_app_data(identity.model, identity.model_uuid, identity.app, CHARM_NAME)
            writes.append(BagWrite(endpoint, rid, True, tuple(sorted(dashboard.items()))))
        elif endpoint == METRICS_ENDPOINT:
            writes.append(BagWrite(endpoint, rid, True, (("event", (scrape_events or {}).get(rid, "")),)))
        elif endpoint == RECEIVE_REMOTE_WRITE:
            from domain.relations import remote_write_receive  # its rules: with the relation

            version = facts.image.version
            received = remote_write_receive.read(relation, identity, version, facts.judged)
            writes.append(BagWrite(endpoint, rid, True, remote_write_receive.event(received.dropped)))
            writes.append(BagWrite(endpoint, rid, False, remote_write_receive.unit_data(config, identity, version)))
        elif endpoint == SELF_METRICS:
            from domain.relations import self_metrics  # its alert rules: with the relation

            writes.append(BagWrite(endpoint, rid, True, self_metrics.app_data(config, identity)))
            writes.append(BagWrite(endpoint, rid, False, self_metrics.unit_data(identity)))
    return tuple(writes)
