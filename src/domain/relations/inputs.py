"""Everything the charm reads from its relations, from one call. Pure.

Each endpoint's module reads its relations; a bag it cannot use is dropped alone and noted,
and the other bags and relations keep working. Derived values are rebuilt from the current
bags on every hook, so a departed unit or a broken relation takes its data with it.
"""

from dataclasses import dataclass
from typing import List, Tuple

from domain.facts import AlertmanagerTarget, Facts
from domain.relations import alertmanager_dispatch, legacy_alerting
from domain.relations.data import DroppedBag
from domain.relations.endpoints import ALERTMANAGER_DISPATCH, LEGACY_ALERTMANAGER
from domain.relations.legacy_alerting import LegacyAlertmanagers


@dataclass(frozen=True)
class RelationInputs:
    alertmanagers: Tuple[AlertmanagerTarget, ...] = ()
    dropped: Tuple[DroppedBag, ...] = ()
    legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = ()  # from `alertmanager`


def read_inputs(facts: Facts) -> RelationInputs:
    alertmanagers: List[AlertmanagerTarget] = list(facts.alertmanagers)
    dropped: List[DroppedBag] = []
    legacy: List[LegacyAlertmanagers] = []
    for relation in facts.relations:
        if relation.endpoint == ALERTMANAGER_DISPATCH:
            dispatch = alertmanager_dispatch.read(relation)
            alertmanagers.extend(dispatch.targets)
            dropped.extend(dispatch.dropped)
        elif relation.endpoint == LEGACY_ALERTMANAGER:
            found = legacy_alerting.read(relation, facts.identity.namespace, facts.image.version)
            legacy += [entry for entry in found.alertmanagers if entry not in legacy]
            dropped.extend(found.dropped)
    return RelationInputs(alertmanagers=tuple(alertmanagers), dropped=tuple(dropped),
                          legacy_alertmanagers=tuple(legacy))
