"""One parser per kind of option value: raw value from Juju in, typed value out. Pure.

A parser raises ``InvalidValue`` (or ``RuleError``) saying what was expected, quoting at most a
short escaped excerpt of what it got (``domain.values.text.excerpt``). Text that ends up in a CLI
flag, YAML or a label must hold no control characters (see ``domain.values.text``). Juju leaves
string options whose value is empty out of ``config-get``, so text parsers read a missing value
as "". ``parse_config`` has bounded the size of every text before a parser sees it.
"""

import base64
import binascii
import re
from typing import Optional, Tuple

from domain.config.labels import external_labels
from domain.errors import InvalidValue
from domain.rules import RuleFile, parse_rule_file
from domain.values.duration import Duration
from domain.values.size import ByteSize
from domain.values.text import describe, excerpt, forbidden_character, trim_spaces
from domain.values.url import ExternalUrl
from domain.values.version import Version

__all__ = ["external_labels"]  # with the parsers below, what options.py names

LOG_LEVELS = ("debug", "info", "warn", "error")
_HOOK_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
# --web.max-connections: web/web.go wraps the listener in netutil.LimitListener (golang.org/x/net),
# a semaphore channel of that capacity; 2^63-1 panics at startup ("makechan: size out of range").
# Each connection holds a file descriptor and Linux gives a process at most fs.nr_open (1048576
# by default), so no larger limit can ever be reached.
MAX_WEB_CONNECTIONS = 1_048_576
# --alertmanager.notification-queue-capacity: notifier.NewManager allocates the whole queue up
# front (make([]*Alert, 0, QueueCapacity), 8 bytes a slot): 10^12 runs out of memory at startup.
# A million slots (8 MB, a hundred times the default) is far beyond any queue worth keeping.
MAX_QUEUE_CAPACITY = 1_000_000


def text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    return value


def line(value: object) -> str:
    """One line of text without leading and trailing spaces (nothing else is trimmed)."""
    found = text(value)
    bad = forbidden_character(found)
    if bad is not None:
        raise InvalidValue(f"must not contain control characters such as newlines (found {bad!r})")
    return trim_spaces(found)


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"expected true or false, got {describe(value)}")
    return value


def whole_number(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"expected a whole number, got {describe(value)}")
    if value < low:
        raise InvalidValue(f"must be at least {low}, got {describe(value)}")
    if value > high:
        raise InvalidValue(f"must be at most {high}, got {describe(value)}")
    return value


def web_max_connections(value: object) -> int:
    return whole_number(value, 1, MAX_WEB_CONNECTIONS)


def queue_capacity(value: object) -> int:
    return whole_number(value, 1, MAX_QUEUE_CAPACITY)


def duration(value: object) -> Duration:
    parsed = Duration.parse(line(value))
    if parsed.milliseconds == 0:
        raise InvalidValue(f"{excerpt(parsed.text)} must be longer than zero")
    return parsed


def optional_duration(value: object) -> Optional[Duration]:
    return duration(value) if line(value) else None


def optional_size(value: object) -> Optional[ByteSize]:
    found = line(value)
    return ByteSize.parse(found) if found else None


def log_level(value: object) -> Optional[str]:
    found = line(value).lower()
    if not found:
        return None
    if found not in LOG_LEVELS:
        hint = " (Prometheus has no fatal level; use error)" if found == "fatal" else ""
        raise InvalidValue(f"{excerpt(found)} is not one of {', '.join(LOG_LEVELS)}{hint}")
    return found


def external_url(value: object) -> Optional[ExternalUrl]:
    found = line(value)
    return ExternalUrl.parse(found) if found else None


def _pem(value: object, kind: str) -> str:
    """PEM text, or base64 of PEM text (line breaks allowed); PEM text ending in one newline,
    or "" when unset."""
    found = text(value).strip(" \t\r\n")
    if not found:
        return ""
    if "-----BEGIN" not in found:
        try:
            found = base64.b64decode(re.sub(r"[ \t\r\n]", "", found), validate=True).decode("ascii")
        except (binascii.Error, ValueError) as err:
            raise InvalidValue(f"is neither PEM nor base64-encoded PEM {kind}") from err
    pem = found.replace("\r\n", "\n").strip(" \t\n")
    bad = forbidden_character(pem, layout=True)
    if bad is not None:
        raise InvalidValue(f"must not contain control characters other than line breaks (found {bad!r})")
    return pem + "\n"


def pem_certificate(value: object) -> str:
    found = _pem(value, "certificate")
    if found:
        from domain.values.pem import check_certificates, pem_blocks  # only with TLS options set

        check_certificates(pem_blocks(found))
    return found


def pem_private_key(value: object) -> str:
    found = _pem(value, "private key")
    if found:
        from domain.values.pem import check_private_key, pem_blocks  # only with TLS options set

        check_private_key(pem_blocks(found))
    return found


def rules(value: object, version: Version) -> RuleFile:
    """A rule file, judged for an image of Prometheus ``version``."""
    return parse_rule_file(text(value), version)


def hook_names(value: object) -> Tuple[str, ...]:
    names = tuple(trim_spaces(n) for n in line(value).split(",") if trim_spaces(n))
    for name in names:
        if name != "*" and not _HOOK_NAME.fullmatch(name):
            raise InvalidValue(f"{excerpt(name)} is not a hook name such as config-changed, or *")
    return names


def port(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and not 1024 <= value <= 65535:
        raise InvalidValue(f"{describe(value)} is not a port from 1024 to 65535")
    return whole_number(value, 1024, 65535)
