"""Prometheus durations, parsed into values compared by the length they denote. Pure.

Grammar from Prometheus' ``model.ParseDuration`` (prometheus/common): one or more
``<integer><unit>`` terms, units in descending order, each at most once:
``y w d h m s ms``, e.g. ``1h30m``, ``500ms``, ``0s``. ``y`` is 365 days. ``1m`` and
``60s`` are the same duration: they compare equal, as they do in Prometheus.
"""

import re
from dataclasses import dataclass, field

from domain.errors import InvalidValue

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
    r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?"
)
# Prometheus keeps durations in int64 nanoseconds.
MAX_MILLISECONDS = (2**63 - 1) // 1_000_000


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
            raise InvalidValue(f"'{raw}' is not a duration such as 30s, 1h30m or 500ms")
        total = sum(
            int(amount) * unit_ms
            for amount, (_, unit_ms) in zip(match.groups(), _UNIT_MS)
            if amount is not None
        )
        if total > MAX_MILLISECONDS:
            raise InvalidValue(f"'{raw}' is longer than Prometheus can represent")
        return cls(total, raw)

    def __str__(self) -> str:
        return self.text
