"""``web-external-url`` parsed once into a value that knows its route prefix. Pure.

Prometheus reads ``--web.external-url`` with ``computeExternalURL`` (cmd/prometheus/main.go):
no quote at either end, then Go's ``url.Parse``; the route prefix every endpoint sits under is
the parsed (decoded) path, ``"/" + strings.Trim(path, "/")``: ``https://example.com/prom/``
puts ``/-/ready`` at ``/prom/-/ready``. The charm takes http(s) URLs with a host, and follows
Go for the host (name, port, IPv6 brackets, escapes; ``domain.values.go_url``) and the path's
escapes.

The charm is stricter where the URL would not work as a base for every endpoint: no user
name or password, query or fragment; and the decoded path is used as is in the pod's probes,
the self-scrape's ``metrics_path`` and the charm's own requests, so it may only hold
characters that need no escaping (letters, digits, ``-._~!$&'()*+,;=:@``) in segments that
are neither empty, ``.`` nor ``..`` (Go's HTTP server redirects such paths elsewhere).
"""

import re
from dataclasses import dataclass
from typing import Tuple

from domain.errors import InvalidValue
from domain.values.go_url import host_error, unescape
from domain.values.text import excerpt, forbidden_character

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):", re.ASCII)  # Go's getScheme
_PATH_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/")


def _split(raw: str) -> Tuple[str, str]:
    """The (authority, decoded route prefix) of ``raw``; ``InvalidValue`` saying what is wrong."""
    if raw[:1] in ("'", '"') or raw[-1:] in ("'", '"'):
        raise InvalidValue("must not begin or end with quotes")
    bad = forbidden_character(raw)
    if bad is not None:
        raise InvalidValue(f"must not contain control characters such as {bad!r}")
    scheme = _SCHEME.match(raw)
    if scheme is None or scheme.group(1).lower() not in ("http", "https") or \
            not raw[scheme.end():].startswith("//"):
        raise InvalidValue("is not an http:// or https:// URL with a host")
    for char, part in (("?", "a query"), ("#", "a fragment")):
        if char in raw:
            raise InvalidValue(f"must not have {part} ('{char}...'): Prometheus adds its paths to this URL")
    authority, slash, path = raw[scheme.end() + 2:].partition("/")
    if "@" in authority:
        raise InvalidValue("must not hold a user name or password")
    encoded = authority.encode("utf-8")
    problem = host_error(encoded)
    if problem is not None:
        raise InvalidValue(f"is not a URL Prometheus accepts: its host {problem}")
    if not encoded[:1] or encoded[:1] == b":":
        raise InvalidValue("is not an http:// or https:// URL with a host")
    try:
        decoded = unescape((slash + path).encode("utf-8"))
    except InvalidValue as err:
        raise InvalidValue(f"is not a URL Prometheus accepts: its path {err}") from err
    return authority, _route_prefix(decoded)


def _route_prefix(path: bytes) -> str:
    prefix = path.rstrip(b"/")
    if any(byte not in _PATH_BYTES for byte in prefix):
        raise InvalidValue("has a path with characters that need escaping (such as a space, '%' or "
                           "non-ASCII): only letters, digits and -._~!$&'()*+,;=:@/ are taken")
    if any(segment in (b"", b".", b"..") for segment in prefix.split(b"/")[1:]):
        raise InvalidValue("has a path with an empty, '.' or '..' segment")
    return prefix.decode("ascii")


@dataclass(frozen=True)
class ExternalUrl:
    """An http(s) URL with a host, and the path prefix it gives every endpoint."""

    text: str

    @classmethod
    def parse(cls, raw: str) -> "ExternalUrl":
        try:
            _split(raw)
        except InvalidValue as err:
            raise InvalidValue(f"{excerpt(raw)} {err}") from err
        return cls(raw)

    @property
    def route_prefix(self) -> str:
        """The decoded path without trailing slashes: ``""`` for none, else e.g. ``/prom``."""
        return _split(self.text)[1]

    def __str__(self) -> str:
        return self.text
