"""Relation bags in and out of Juju (ops), as ``domain.relations`` values.

Reading never raises: a bag Juju will not give (``relation-get`` failing) becomes a ``Bag``
that says why, which the domain drops alone. Writing sets only the keys whose value changes
(each ``relation-set`` makes the peers run a hook), the application's bag only on the leader.
"""

import logging
from typing import List, Sequence, Tuple

from ops import Model, ModelError
from ops import Relation as OpsRelation

from domain.relations.data import Bag, BagWrite, Relation

logger = logging.getLogger(__name__)


def read_relations(model: Model, endpoints: Sequence[str]) -> Tuple[Relation, ...]:
    """Every relation of ``endpoints`` this unit sees, in endpoint then relation-id order."""
    found: List[Relation] = []
    for endpoint in endpoints:
        for relation in sorted(model.relations[endpoint], key=lambda r: r.id):
            found.append(_snapshot(endpoint, relation))
    return tuple(found)


def _snapshot(endpoint: str, relation: OpsRelation) -> Relation:
    remote_app = relation.app.name if relation.app is not None else None
    app_bag = _bag(relation, relation.app, remote_app) if relation.app is not None else Bag("")
    units = tuple(_bag(relation, unit, unit.name)
                  for unit in sorted(relation.units, key=lambda u: _unit_order(u.name)))
    return Relation(endpoint, relation.id, remote_app, app_bag, units)


def _unit_order(name: str) -> Tuple[str, int]:
    app, _, number = name.rpartition("/")
    return (app, int(number)) if number.isdigit() else (name, -1)


def _bag(relation: OpsRelation, entity: object, owner: str) -> Bag:
    try:
        return Bag.of(owner, dict(relation.data[entity]))  # type: ignore[index]
    except ModelError as err:
        return Bag(owner, unreadable=f"relation-get failed: {str(err).strip()[:200]}")


def write_relations(model: Model, writes: Sequence[BagWrite], leader: bool) -> None:
    """Applies ``writes``; a relation gone meanwhile, or a refused write, is logged, not raised."""
    for write in writes:
        if write.app and not leader:
            continue
        relation = model.get_relation(write.endpoint, write.relation_id)
        if relation is None:
            continue
        bag = relation.data[model.app if write.app else model.unit]
        try:
            for key, value in write.items:
                if bag.get(key, "") != value:
                    bag[key] = value
        except ModelError as err:
            logger.warning("cannot write %s's %s bag: %s", f"{write.endpoint}:{write.relation_id}",
                           "application" if write.app else "unit", err)
