"""``web-external-url`` parsed once into a value that knows its route prefix. Pure.

Prometheus serves every endpoint under the path of ``--web.external-url`` (its route
prefix): ``https://example.com/prom/`` puts ``/-/ready`` at ``/prom/-/ready``.
"""

import re
from dataclasses import dataclass

from domain.errors import InvalidValue

_URL = re.compile(r"(https?)://([^/\s?#@]+)(/[^\s?#]*)?")


@dataclass(frozen=True)
class ExternalUrl:
    """An http(s) URL with a host, and the path prefix it gives every endpoint."""

    text: str

    @classmethod
    def parse(cls, raw: str) -> "ExternalUrl":
        if not _URL.fullmatch(raw):
            raise InvalidValue(f"'{raw}' is not an http:// or https:// URL with a host")
        return cls(raw)

    @property
    def route_prefix(self) -> str:
        """The URL's path without a trailing slash: ``""`` for none, else ``/prom``."""
        path = self.text.split("://", 1)[1].partition("/")[2]
        return ("/" + path).rstrip("/")

    def __str__(self) -> str:
        return self.text

