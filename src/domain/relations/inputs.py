"""Everything the charm reads from its relations, from one call. Pure.

Each endpoint's module reads its relations; a bag it cannot use is dropped alone and noted,
and the other bags and relations keep working. Derived values are rebuilt from the current
bags on every hook, so a departed unit or a broken relation takes its data with it.
"""

from dataclasses import dataclass
from typing import List, Tuple

from domain.facts import AlertmanagerTarget, Facts
from domain.relations import alertmanager_dispatch, legacy_alerting, remote_write_receive, remote_write_send
from domain.relations.data import DroppedBag
from domain.relations.endpoints import (
    ALERTMANAGER_DISPATCH,
    LEGACY_ALERTMANAGER,
    RECEIVE_REMOTE_WRITE,
    SEND_REMOTE_WRITE,
)
from domain.relations.legacy_alerting import LegacyAlertmanagers


@dataclass(frozen=True)
class RelationInputs:
    alertmanagers: Tuple[AlertmanagerTarget, ...] = ()
    dropped: Tuple[DroppedBag, ...] = ()
    legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = ()  # from `alertmanager`
    remote_write_urls: Tuple[str, ...] = ()  # from `send-remote-write`, distinct
    receives_remote_write: bool = False  # a `receive-remote-write` relation exists
    rule_files: Tuple[Tuple[str, str], ...] = ()  # (file name, text), `receive-remote-write`'s


def read_inputs(facts: Facts) -> RelationInputs:
    alertmanagers: List[AlertmanagerTarget] = list(facts.alertmanagers)
    dropped: List[DroppedBag] = []
    legacy: List[LegacyAlertmanagers] = []
    remote_write: List[str] = []
    rule_files: List[Tuple[str, str]] = []
    for relation in facts.relations:
        if relation.endpoint == ALERTMANAGER_DISPATCH:
            dispatch = alertmanager_dispatch.read(relation)
            alertmanagers.extend(dispatch.targets)
            dropped.extend(dispatch.dropped)
        elif relation.endpoint == LEGACY_ALERTMANAGER:
            found = legacy_alerting.read(relation, facts.identity.namespace, facts.image.version)
            legacy += [entry for entry in found.alertmanagers if entry not in legacy]
            dropped.extend(found.dropped)
        elif relation.endpoint == SEND_REMOTE_WRITE:
            sent = remote_write_send.read(relation)
            remote_write += [url for url in sent.urls if url not in remote_write]
            dropped.extend(sent.dropped)
        elif relation.endpoint == RECEIVE_REMOTE_WRITE:
            received = remote_write_receive.read(relation, facts.identity, facts.image.version)
            rule_files += [received.rule_file] if received.rule_file[1] else []
            dropped.extend(received.dropped)
    return RelationInputs(alertmanagers=tuple(alertmanagers), dropped=tuple(dropped),
                          legacy_alertmanagers=tuple(legacy), remote_write_urls=tuple(remote_write),
                          receives_remote_write=any(r.endpoint == RECEIVE_REMOTE_WRITE for r in facts.relations),
                          rule_files=tuple(rule_files))
