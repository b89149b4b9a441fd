"""Builders of metrics-endpoint relations (as the adapter snapshots them) and plans with them."""

import dataclasses
import json
import uuid
from typing import Any, Dict, List, Optional, Sequence

from domain.plan import Plan, plan
from domain.relations.data import Bag, Relation
from domain.relations.endpoints import METRICS_ENDPOINT
from tests.support.builders import IMAGE, make_config, make_facts

MODEL_UUID = "12345678-1234-4234-8234-123456789abc"


def model_uuid(seed: int) -> str:
    return str(uuid.UUID(int=seed, version=4))


def metadata(app: str, model: str = "lma", uuid_: str = MODEL_UUID, charm: str = "some-charm") -> str:
    return json.dumps({"model": model, "model_uuid": uuid_, "application": app, "unit": f"{app}/0",
                       "charm_name": charm})


def scrape_relation(app: str, rid: int, jobs: Optional[List[Dict[str, Any]]] = None, units: int = 1,
                    port_base: int = 0, address: str = "10.1.{rid}.{n}", meta: Optional[str] = None,
                    app_bag: Optional[Dict[str, str]] = None, unit_bags: Optional[Sequence[Dict[str, str]]] = None,
                    remote_app: Optional[str] = None) -> Relation:
    """A relation with ``app``: its app bag (metadata and jobs) and ``units`` unit bags."""
    bag = {"scrape_metadata": meta if meta is not None else metadata(app),
           "scrape_jobs": json.dumps(jobs if jobs is not None else
                                     [{"metrics_path": "/metrics", "static_configs": [{"targets": ["*:8080"]}]}])}
    if app_bag is not None:
        bag = app_bag
    if unit_bags is None:
        unit_bags = [{"prometheus_scrape_unit_address": address.format(rid=rid, n=n),
                      "prometheus_scrape_unit_name": f"{app}/{n}"} for n in range(units)]
    unit_list = tuple(Bag.of(f"{app}/{n}", data) for n, data in enumerate(unit_bags))
    return Relation(METRICS_ENDPOINT, rid, remote_app if remote_app is not None else app,
                    Bag.of(app, {k: v for k, v in bag.items() if v}), unit_list)


def plan_with(relations: Sequence[Relation], image: str = IMAGE, api_hosts: Sequence[str] = (),
              **overrides: Any) -> Plan:
    facts = dataclasses.replace(make_facts(image), relations=tuple(relations), kubernetes_api_hosts=tuple(api_hosts))
    return plan(make_config(facts.image.version, **overrides), facts)
