"""Relation snapshots and the charm's writes, as plain values. Pure.

Juju relation data is a set of string-to-string bags: one per application and one per unit.
Everything in them is untrusted input: readers bound sizes before parsing and drop a bad bag
alone, with a ``DroppedBag`` saying why.
"""

from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

# A bag value larger than this is refused before it is parsed. Juju itself stores up to the
# controller's document size (16 MiB in MongoDB); what a peer legitimately sends on the
# endpoints read here is a few hundred bytes.
MAX_VALUE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Bag:
    """One databag: of a unit (``owner`` like ``alertmanager/0``) or of an application."""

    owner: str
    items: Tuple[Tuple[str, str], ...] = ()
    unreadable: str = ""  # why Juju would not give the bag, if it would not

    @classmethod
    def of(cls, owner: str, data: Mapping[str, str]) -> "Bag":
        return cls(owner, tuple(sorted((str(k), str(v)) for k, v in data.items())))

    def get(self, key: str) -> str:
        """The value, ``""`` when absent (Juju deletes a key set to "", so both mean unset)."""
        for name, value in self.items:
            if name == key:
                return value
        return ""


@dataclass(frozen=True)
class Relation:
    """One relation as seen from this unit: the remote application's bag and its units' bags."""

    endpoint: str
    relation_id: int
    remote_app: Optional[str]
    app: Bag
    units: Tuple[Bag, ...] = ()

    @property
    def key(self) -> str:
        """``endpoint:id``, as ``juju show-unit`` and ``relation-ids`` name a relation."""
        return f"{self.endpoint}:{self.relation_id}"


@dataclass(frozen=True)
class DroppedBag:
    """Data the charm ignored, and why: one bag of one relation (or one entry in it)."""

    relation: str  # endpoint:id
    owner: str
    reason: str

    def __str__(self) -> str:
        return f"{self.relation} {self.owner}: {self.reason}"


@dataclass(frozen=True)
class BagWrite:
    """What the charm sets in one of its own bags: the application's (leader only) or the unit's.

    An empty value deletes the key, as ``relation-set`` does.
    """

    endpoint: str
    relation_id: int
    app: bool
    items: Tuple[Tuple[str, str], ...]


def oversized(value: str, name: str, limit: int = MAX_VALUE_BYTES) -> Optional[str]:
    """The reason to refuse ``value`` for its size, before any parsing; None when it fits."""
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > limit:
        return f"{name} is {size} bytes, more than the {limit} accepted"
    return None
