"""Prometheus durations and sizes, parsed into comparable values. Pure: no I/O.

Grammar from Prometheus' ``model.ParseDuration`` (prometheus/common): one or more
``<integer><unit>`` terms, units in descending order, each at most once:
``y w d h m s ms``, e.g. ``1h30m``, ``500ms``, ``0s``. ``y`` is 365 days.
"""

import re
from dataclasses import dataclass

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
_SIZE = re.compile(r"(\d+)(B|KB|MB|GB|TB|PB|EB)")
_SIZE_UNITS = {"B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5, "EB": 6}
# Prometheus keeps durations in int64 nanoseconds.
_MAX_MS = (2**63 - 1) // 1_000_000


class InvalidValue(ValueError):
    """The text is not of the expected form; the message says what was expected."""


@dataclass(frozen=True, order=True)
class Duration:
    """A Prometheus duration, kept as its text and compared by length."""

    milliseconds: int
    text: str

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
        if total > _MAX_MS:
            raise InvalidValue(f"'{raw}' is longer than Prometheus can represent")
        return cls(total, raw)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, order=True)
class ByteSize:
    """A Prometheus byte size such as ``512MB`` (units are powers of 1024)."""

    bytes: int
    text: str

    @classmethod
    def parse(cls, raw: str) -> "ByteSize":
        match = _SIZE.fullmatch(raw)
        if match is None:
            raise InvalidValue(
                f"'{raw}' is not a size such as 512MB or 100GB (units B, KB, MB, GB, TB, PB, EB)"
            )
        return cls(int(match.group(1)) * 1024 ** _SIZE_UNITS[match.group(2)], raw)

    def __str__(self) -> str:
        return self.text
