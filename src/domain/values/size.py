"""Prometheus byte sizes (``--storage.tsdb.retention.size``), compared by the bytes they denote. Pure.

Units from Prometheus' ``units.Base2Bytes`` (alecthomas/units, bytes.go): ``B KB MB GB TB PB
EB``, each a power of 1024, so ``1GB`` and ``1024MB`` are the same size. The charm takes the
plain ``<integer><unit>`` form only (Prometheus also reads ``1.5GB``, ``1GiB`` or ``1GB512MB``).

Digits are ASCII only, as in Go (``leadingInt`` in units' util.go reads ``'0'..'9'``). The
largest size is just under 8EB (2^63 bytes): ``ParseUnit`` sums the terms as a float64 and
turns it into the int64 Prometheus keeps in ``tsdb.Options.MaxBytes``; 8EB itself passes the
Debian builds' overflow check but wraps to a negative int64, which the TSDB reads as "no size
limit" (seen with the real 2.42 and 3.5 binaries), and larger ones are refused. Numbers of more
than 18 significant digits are refused too: ``leadingInt`` gives up on some 19-digit numbers,
and the float64 rounds others up to 2^63.
"""

import re
from dataclasses import dataclass, field

from domain.errors import InvalidValue
from domain.values.text import excerpt

_SIZE = re.compile(r"([0-9]+)(B|KB|MB|GB|TB|PB|EB)", re.ASCII)
_SIZE_UNITS = {"B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5, "EB": 6}
MAX_BYTES = 2**63 - 1
_MAX_DIGITS = 18


@dataclass(frozen=True, order=True)
class ByteSize:
    """A byte size such as ``512MB``: its number of bytes decides equality and order."""

    bytes: int
    text: str = field(compare=False)

    @classmethod
    def parse(cls, raw: str) -> "ByteSize":
        match = _SIZE.fullmatch(raw)
        if match is None:
            raise InvalidValue(
                f"{excerpt(raw)} is not a size such as 512MB or 100GB (units B, KB, MB, GB, TB, PB, EB)"
            )
        significant = match.group(1).lstrip("0") or "0"
        if len(significant) > _MAX_DIGITS or int(significant) * 1024 ** _SIZE_UNITS[match.group(2)] > MAX_BYTES:
            raise InvalidValue(f"{excerpt(raw)} is larger than Prometheus can hold (less than 8EB)")
        return cls(int(significant) * 1024 ** _SIZE_UNITS[match.group(2)], raw)

    def __str__(self) -> str:
        return self.text
