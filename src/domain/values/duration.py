"""Prometheus durations, parsed into values compared by the length they denote. Pure.

Grammar from Prometheus' ``model.ParseDuration`` (prometheus/common, model/time.go): one or
more ``<integer><unit>`` terms, units in descending order, each at most once:
``y w d h m s ms``, e.g. ``1h30m``, ``500ms``, ``0s``; a bare ``0`` too. ``y`` is 365 days.
``1m`` and ``60s`` are the same duration: they compare equal, as they do in Prometheus.

Digits are ASCII only: Go's parser reads bytes ``'0'..'9'`` (its ``durationRE`` uses ``[0-9]``,
the later hand-written parser ``isdigit``), while Python's ``\\d`` would also take a fullwidth
or an Arabic-Indic digit. Prometheus keeps a duration in int64 nanoseconds and refuses one past
2^63-1 ns ("duration out of range"): common's regex version checks each term and the running
sum for overflow, the hand-written one (``ParseUint``, then ``v > 1<<63/unit``) likewise; a
number too long for uint64 is refused by both. Leading zeros are free in Go, so they are here,
and no digit string is handed whole to ``int()`` (Python refuses more than 4300 digits).
"""

import re
from dataclasses import dataclass, field
from typing import Optional

from domain.errors import InvalidValue
from domain.values.text import excerpt

_UNIT_MS = (
    ("y", 365 * 24 * 3600 * 1000),
    ("w", 7 * 24 * 3600 * 1000),
    ("d", 24 * 3600 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
)
_DURATION = re.compile(
    "".join(f"(?:([0-9]+){unit})?" for unit, _ in _UNIT_MS), re.ASCII
)
# Prometheus keeps durations in int64 nanoseconds.
MAX_MILLISECONDS = (2**63 - 1) // 1_000_000
_MAX_DIGITS = 20  # uint64 holds at most 20 digits; a longer number is out of range in Go too


def _amount(digits: str) -> Optional[int]:
    """The number ``digits`` (ASCII) denote, or None when it is longer than Go's uint64."""
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= _MAX_DIGITS else None


@dataclass(frozen=True, order=True)
class Duration:
    """A Prometheus duration: its length decides equality and order; its text is kept as written."""

    milliseconds: int
    text: str = field(compare=False)

    @classmethod
    def parse(cls, raw: str) -> "Duration":
        if raw == "0":  # Prometheus accepts a bare zero
            return cls(0, raw)
        match = _DURATION.fullmatch(raw)
        if not raw or match is None:
            raise InvalidValue(f"{excerpt(raw)} is not a duration such as 30s, 1h30m or 500ms")
        total = 0
        for digits, (_, unit_ms) in zip(match.groups(), _UNIT_MS):
            if digits is None:
                continue
            amount = _amount(digits)
            if amount is None:
                total = MAX_MILLISECONDS + 1
                break
            total += amount * unit_ms
        if total > MAX_MILLISECONDS:
            raise InvalidValue(f"{excerpt(raw)} is longer than Prometheus can represent")
        return cls(total, raw)

    def __str__(self) -> str:
        return self.text
