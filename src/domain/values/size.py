"""Prometheus byte sizes (``--storage.tsdb.retention.size``), compared by the bytes they denote. Pure.

Units from Prometheus' ``units.Base2Bytes`` (alecthomas/units): ``B KB MB GB TB PB EB``,
each a power of 1024, so ``1GB`` and ``1024MB`` are the same size.
"""

import re
from dataclasses import dataclass, field

from domain.errors import InvalidValue

_SIZE = re.compile(r"(\d+)(B|KB|MB|GB|TB|PB|EB)")
_SIZE_UNITS = {"B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5, "EB": 6}


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
                f"'{raw}' is not a size such as 512MB or 100GB (units B, KB, MB, GB, TB, PB, EB)"
            )
        return cls(int(match.group(1)) * 1024 ** _SIZE_UNITS[match.group(2)], raw)

    def __str__(self) -> str:
        return self.text
