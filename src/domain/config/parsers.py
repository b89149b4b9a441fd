"""One parser per kind of option value: raw value from Juju in, typed value out. Pure.

A parser raises ``InvalidValue`` (or ``RuleError``) saying what was expected. Text that
ends up in a CLI flag, YAML or a label must hold no control characters (see
``domain.values.text``). Juju leaves string options whose value is empty out of
``config-get``, so text parsers read a missing value as "".
"""

import base64
import binascii
import json
import re
from typing import Optional, Tuple

from domain.errors import InvalidValue
from domain.rules import RuleFile, parse_rule_file
from domain.values.duration import Duration
from domain.values.size import ByteSize
from domain.values.text import forbidden_character
from domain.values.url import ExternalUrl
from domain.values.version import Version

LOG_LEVELS = ("debug", "info", "warn", "error")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_HOOK_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----")
_PEM_KEY = re.compile(r"-----BEGIN (?:RSA |EC )?PRIVATE KEY-----")


def text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    return value


def line(value: object) -> str:
    """One line of text, trimmed."""
    found = text(value)
    if forbidden_character(found) is not None:
        raise InvalidValue("must not contain control characters such as newlines")
    return found.strip()


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"expected true or false, got '{value}'")
    return value


def positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"expected a whole number, got '{value}'")
    if value < 1:
        raise InvalidValue(f"must be at least 1, got {value}")
    return value


def duration(value: object) -> Duration:
    parsed = Duration.parse(line(value))
    if parsed.milliseconds == 0:
        raise InvalidValue(f"'{parsed}' must be longer than zero")
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
        raise InvalidValue(f"'{found}' is not one of {', '.join(LOG_LEVELS)}{hint}")
    return found


def external_url(value: object) -> Optional[ExternalUrl]:
    found = line(value)
    return ExternalUrl.parse(found) if found else None


def external_labels(value: object) -> Tuple[Tuple[str, str], ...]:
    found = text(value).strip() or "{}"
    try:
        labels = json.loads(found)
    except ValueError as err:
        raise InvalidValue(f"not valid JSON ({err.args[0].split(':')[0].lower()})") from err
    if not isinstance(labels, dict):
        raise InvalidValue('must be a JSON object such as {"cluster": "dc1"}')
    for name, label_value in labels.items():
        if not LABEL_NAME.fullmatch(name) or name.startswith("__"):
            raise InvalidValue(f"'{name}' is not a valid label name")
        if not isinstance(label_value, str) or not label_value:
            raise InvalidValue(f"the value of '{name}' must be non-empty text")
        if forbidden_character(label_value) is not None:
            raise InvalidValue(f"the value of '{name}' must not contain control characters")
    return tuple(sorted(labels.items()))


def _pem(value: object, kind: str, marker: "re.Pattern[str]") -> str:
    """PEM text, or base64 of PEM text; returns PEM text or "" when unset."""
    found = text(value).strip()
    if not found:
        return ""
    if "-----BEGIN" not in found:
        try:
            found = base64.b64decode(found, validate=True).decode("ascii").strip()
        except (binascii.Error, ValueError) as err:
            raise InvalidValue(f"is neither PEM nor base64-encoded PEM {kind}") from err
    if not marker.search(found):
        raise InvalidValue(f"does not contain a PEM {kind}")
    return found + "\n"


def pem_certificate(value: object) -> str:
    return _pem(value, "certificate", _PEM_CERT)


def pem_private_key(value: object) -> str:
    return _pem(value, "private key", _PEM_KEY)


def rules(value: object, version: Version) -> RuleFile:
    """A rule file, judged for an image of Prometheus ``version``."""
    return parse_rule_file(text(value), version)


def hook_names(value: object) -> Tuple[str, ...]:
    names = tuple(n.strip() for n in line(value).split(",") if n.strip())
    for name in names:
        if name != "*" and not _HOOK_NAME.fullmatch(name):
            raise InvalidValue(f"'{name}' is not a hook name such as config-changed, or *")
    return names


def port(value: object) -> int:
    number = positive_int(value)
    if not 1024 <= number <= 65535:
        raise InvalidValue(f"{number} is not a port from 1024 to 65535")
    return number
