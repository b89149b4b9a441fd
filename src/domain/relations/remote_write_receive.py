"""``receive-remote-write`` (provides, ``prometheus_remote_write``): samples pushed to this Prometheus. Pure.

What we write (canonical/prometheus-k8s-operator lib/charms/prometheus_k8s/v1/
prometheus_remote_write.py, ``PrometheusRemoteWriteProvider``): every unit its own endpoint in
its unit bag, ``remote_write`` = JSON ``{"url": "<unit URL>/api/v1/write"}`` (route prefix
included); the leader ``event`` = JSON ``{"valid": ..., "errors": ...}`` in the app bag, saying
which of the sender's rules were refused. Prometheus serves /api/v1/write only with its
receiver enabled (``domain.prometheus.flags.remote_write_receiver_args``), which images before
2.25 cannot do: then no URL is written and the relation is noted as unusable.

What we read: the sender's ``alert_rules`` in its app bag (same shape as on
``metrics-endpoint``), scoped by ``domain.relations.rules_scope.scope_rules`` to the sender:
its ``scrape_metadata`` when the application there is the remote one, else the remote
application in our model. Each relation gets its own rule file (relation name and id in the
file name, so two senders never overwrite each other's rules). The verdicts come through the
plan's ``RulesMemo`` (``rules_memo``): inputs and outputs both ask for the same relation in
one hook, which costs one judging, and an unchanged relation is not judged again.
"""

import json
from dataclasses import dataclass
from typing import Any, Optional, Tuple

from domain.config.charm_config import CharmConfig
from domain.facts import Identity
from domain.prometheus.flags import REMOTE_WRITE_RECEIVER_SINCE
from domain.relations.data import DroppedBag, Relation, oversized
from domain.relations.rules_memo import RulesMemo
from domain.relations.topology import Topology
from domain.relations.unit_address import unit_url
from domain.values.version import Version, format_version

KEY = "remote_write"
WRITE_PATH = "/api/v1/write"
MAX_METADATA_BYTES = 4096
MAX_EVENT_ERRORS = 16 * 1024  # characters of the errors reported back; a bag stays small


@dataclass(frozen=True)
class ReceiveInput:
    rule_file: Tuple[str, str]  # (file name, text); text "" when the relation sends no usable rule
    dropped: Tuple[DroppedBag, ...]


def can_receive(version: Version) -> bool:
    return version >= REMOTE_WRITE_RECEIVER_SINCE


def unusable(version: Version) -> str:
    return (f"Prometheus {format_version(version)} cannot receive remote write: prometheus-image "
            f"must be {format_version(REMOTE_WRITE_RECEIVER_SINCE)} or later")


def read(relation: Relation, identity: Identity, version: Version,
         judged: Optional[RulesMemo] = None) -> ReceiveInput:
    """The relation's scoped rule file and what was left out of it; never raises. ``judged``:
    the plan's memo of judgements (``Facts.judged``); without it, the rules are judged here."""
    owner = relation.remote_app or relation.app.owner or "?"
    if not can_receive(version):
        return ReceiveInput(("", ""), (DroppedBag(relation.key, owner, unusable(version)),))
    if relation.app.unreadable:
        return ReceiveInput(("", ""), (DroppedBag(relation.key, owner, relation.app.unreadable),))
    rules = relation.app.get("alert_rules")
    if not rules or relation.remote_app is None:
        return ReceiveInput(("", ""), ())
    memo = judged if judged is not None else RulesMemo()
    scoped = memo.scoped(rules, topology(relation, identity), version, relation.endpoint, relation.relation_id)
    dropped = tuple(DroppedBag(relation.key, owner, f"alert_rules: {rule.where + ': ' if rule.where else ''}"
                                                    f"{rule.reason}") for rule in scoped.dropped)
    return ReceiveInput((scoped.file_name, scoped.text), dropped)


def topology(relation: Relation, identity: Identity) -> Topology:
    """The sender's: its ``scrape_metadata`` when that names the remote application, else the
    remote application in our model (a sender cannot claim another application's series)."""
    app = relation.remote_app or ""
    ours = Topology(identity.model, identity.model_uuid, app)
    metadata = relation.app.get("scrape_metadata")
    if not metadata or oversized(metadata, "scrape_metadata", MAX_METADATA_BYTES):
        return ours
    try:
        found: Any = json.loads(metadata)
    except (ValueError, RecursionError):
        return ours
    if not isinstance(found, dict) or found.get("application") != app:
        return ours
    fields = [found.get(name) for name in ("model", "model_uuid", "charm_name")]
    if not all(isinstance(value, str) for value in fields[:2]):
        return ours
    charm = fields[2] if isinstance(fields[2], str) else ""
    theirs = Topology(str(fields[0]), str(fields[1]), app, charm)
    return ours if theirs.problem() else theirs


def unit_data(config: CharmConfig, identity: Identity, version: Version) -> Tuple[Tuple[str, str], ...]:
    """The unit's endpoint; "" (the key deleted) when the image cannot receive."""
    if not can_receive(version):
        return ((KEY, ""),)
    return ((KEY, json.dumps({"url": unit_url(config, identity) + WRITE_PATH})),)


def event(dropped: Tuple[DroppedBag, ...]) -> Tuple[Tuple[str, str], ...]:
    """The app bag's ``event``: whether everything sent was accepted, and what was not."""
    errors = "; ".join(bag.reason for bag in dropped)
    if len(errors) > MAX_EVENT_ERRORS:
        errors = errors[:MAX_EVENT_ERRORS] + f"... ({len(dropped)} problems in all)"
    return (("event", json.dumps({"valid": not dropped, "errors": errors})),)

