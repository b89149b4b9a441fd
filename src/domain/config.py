"""Charm options: ``config.yaml``'s raw values parsed into one typed ``CharmConfig``. Pure.

This module alone knows the kebab-case option names. ``parse_config`` checks every option
and raises one ``ConfigErrors`` naming all bad ones; it never falls back to a default
silently. Text that ends up in a CLI flag, YAML or a label must not hold control
characters (a newline in a flag or label would change its meaning).
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Callable, List, Mapping, Optional, Tuple, TypeVar

from domain.duration import ByteSize, Duration, InvalidValue
from domain.errors import ConfigError, ConfigErrors, RuleError
from domain.image import NEWEST, Version
from domain.rules import RuleFile, parse_rule_file

LOG_LEVELS = ("debug", "info", "warn", "error")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_URL = re.compile(r"(https?)://([^/\s?#@]+)(/[^\s?#]*)?")
_HOOK_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----")
_PEM_KEY = re.compile(r"-----BEGIN (?:RSA |EC )?PRIVATE KEY-----")

T = TypeVar("T")


@dataclass(frozen=True)
class TlsConfig:
    """Certificate chain and key for Prometheus' own HTTPS endpoint (PEM text)."""

    cert_pem: str
    key_pem: str = field(repr=False)


@dataclass(frozen=True)
class CharmConfig:
    log_level: Optional[str]
    web_max_connections: int
    web_read_timeout: Duration
    web_external_url: Optional[str]
    web_enable_admin_api: bool
    web_page_title: str
    tsdb_retention_time: Optional[Duration]
    tsdb_retention_size: Optional[ByteSize]
    tsdb_wal_compression: bool
    alertmanager_notification_queue_capacity: int
    alertmanager_timeout: Duration
    external_labels: Tuple[Tuple[str, str], ...]
    monitor_k8s: bool
    scrape_interval: Duration
    scrape_timeout: Duration
    evaluation_interval: Duration
    alert_rules: RuleFile
    tls: Optional[TlsConfig]
    enforce_pod_restart: bool
    debug_at: Tuple[str, ...]
    debug_port: int


class _Reader:
    """Reads options one by one, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.errors: List[ConfigError] = []

    def fail(self, option: str, problem: str) -> None:
        self.errors.append(ConfigError(option, problem))

    def get(self, option: str, parse: Callable[[object], T], fallback: T) -> T:
        try:
            return parse(self.raw.get(option))
        except (InvalidValue, RuleError) as err:
            self.fail(option, str(err))
        return fallback


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"expected text, got {type(value).__name__}")
    return value


def _line(value: object) -> str:
    text = _text(value)
    if _CONTROL.search(text):
        raise InvalidValue("must not contain control characters such as newlines")
    return text.strip()


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"expected true or false, got '{value}'")
    return value


def _positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"expected a whole number, got '{value}'")
    if value < 1:
        raise InvalidValue(f"must be at least 1, got {value}")
    return value


def _duration(value: object) -> Duration:
    duration = Duration.parse(_line(value))
    if duration.milliseconds == 0:
        raise InvalidValue(f"'{duration}' must be longer than zero")
    return duration


def _optional_duration(value: object) -> Optional[Duration]:
    return _duration(value) if _line(value) else None


def _optional_size(value: object) -> Optional[ByteSize]:
    text = _line(value)
    return ByteSize.parse(text) if text else None


def _log_level(value: object) -> Optional[str]:
    text = _line(value).lower()
    if not text:
        return None
    if text not in LOG_LEVELS:
        hint = " (Prometheus has no fatal level; use error)" if text == "fatal" else ""
        raise InvalidValue(f"'{text}' is not one of {', '.join(LOG_LEVELS)}{hint}")
    return text


def _external_url(value: object) -> Optional[str]:
    text = _line(value)
    if not text:
        return None
    if not _URL.fullmatch(text):
        raise InvalidValue(f"'{text}' is not an http:// or https:// URL with a host")
    return text


def _external_labels(value: object) -> Tuple[Tuple[str, str], ...]:
    text = _text(value).strip() or "{}"
    try:
        labels = json.loads(text)
    except ValueError as err:
        raise InvalidValue(f"not valid JSON ({err.args[0].split(':')[0].lower()})") from err
    if not isinstance(labels, dict):
        raise InvalidValue('must be a JSON object such as {"cluster": "dc1"}')
    for name, label_value in labels.items():
        if not LABEL_NAME.fullmatch(name) or name.startswith("__"):
            raise InvalidValue(f"'{name}' is not a valid label name")
        if not isinstance(label_value, str) or not label_value:
            raise InvalidValue(f"the value of '{name}' must be non-empty text")
        if _CONTROL.search(label_value):
            raise InvalidValue(f"the value of '{name}' must not contain control characters")
    return tuple(sorted(labels.items()))


def _pem(value: object, kind: str, marker: "re.Pattern[str]") -> str:
    """PEM text, or base64 of PEM text; returns PEM text or "" when unset."""
    text = _text(value).strip()
    if not text:
        return ""
    if "-----BEGIN" not in text:
        try:
            text = base64.b64decode(text, validate=True).decode("ascii").strip()
        except (binascii.Error, ValueError) as err:
            raise InvalidValue(f"is neither PEM nor base64-encoded PEM {kind}") from err
    if not marker.search(text):
        raise InvalidValue(f"does not contain a PEM {kind}")
    return text + "\n"


def _rules(version: Version) -> Callable[[object], RuleFile]:
    return lambda value: parse_rule_file(_text(value), version)


def _debug_at(value: object) -> Tuple[str, ...]:
    names = tuple(n.strip() for n in _line(value).split(",") if n.strip())
    for name in names:
        if name != "*" and not _HOOK_NAME.fullmatch(name):
            raise InvalidValue(f"'{name}' is not a hook name such as config-changed, or *")
    return names


def _port(value: object) -> int:
    port = _positive_int(value)
    if not 1024 <= port <= 65535:
        raise InvalidValue(f"{port} is not a port from 1024 to 65535")
    return port


_ONE_SECOND = Duration(1000, "1s")


def parse_config(raw: Mapping[str, object], version: Version = NEWEST) -> CharmConfig:
    """Check every option for the image's Prometheus ``version``; raise ``ConfigErrors`` naming
    all the bad ones."""
    r = _Reader(raw)
    scrape_interval = r.get("scrape-interval", _duration, Duration(60_000, "1m"))
    scrape_timeout = r.get("scrape-timeout", _duration, _ONE_SECOND)
    both_parsed = not {"scrape-interval", "scrape-timeout"} & {e.option for e in r.errors}
    if both_parsed and scrape_timeout > scrape_interval:
        r.fail("scrape-timeout", f"'{scrape_timeout}' is longer than scrape-interval '{scrape_interval}'")
    cert = r.get("ssl_cert", lambda v: _pem(v, "certificate", _PEM_CERT), "")
    key = r.get("ssl_key", lambda v: _pem(v, "private key", _PEM_KEY), "")
    if bool(cert) != bool(key):
        r.fail("ssl_key" if cert else "ssl_cert", "ssl_cert and ssl_key must be set together")
    config = CharmConfig(
        log_level=r.get("log-level", _log_level, None),
        web_max_connections=r.get("web-max-connections", _positive_int, 1),
        web_read_timeout=r.get("web-read-timeout", _duration, _ONE_SECOND),
        web_external_url=r.get("web-external-url", _external_url, None),
        web_enable_admin_api=r.get("web-enable-admin-api", _flag, False),
        web_page_title=r.get("web-page-title", _line, ""),
        tsdb_retention_time=r.get("tsdb-retention-time", _optional_duration, None),
        tsdb_retention_size=r.get("tsdb-retention-size", _optional_size, None),
        tsdb_wal_compression=r.get("tsdb-wal-compression", _flag, False),
        alertmanager_notification_queue_capacity=r.get(
            "alertmanager-notification-queue-capacity", _positive_int, 1
        ),
        alertmanager_timeout=r.get("alertmanager-timeout", _duration, _ONE_SECOND),
        external_labels=r.get("external-labels", _external_labels, ()),
        monitor_k8s=r.get("monitor-k8s", _flag, False),
        scrape_interval=scrape_interval,
        scrape_timeout=scrape_timeout,
        evaluation_interval=r.get("evaluation-interval", _duration, _ONE_SECOND),
        alert_rules=r.get("alert-rules", _rules(version), RuleFile(groups=())),
        tls=TlsConfig(cert, key) if cert and key else None,
        enforce_pod_restart=r.get("enforce-pod-restart", _flag, False),
        debug_at=r.get("debug-at", _debug_at, ()),
        debug_port=r.get("debug-port", _port, 4444),
    )
    if r.errors:
        raise ConfigErrors(r.errors)
    return config


def debug_port_for(raw: Mapping[str, object], hook: str) -> Optional[int]:
    """The rpdb port if the operator asked to debug ``hook``; None otherwise or when invalid
    (``parse_config`` reports invalid values)."""
    try:
        names = _debug_at(raw.get("debug-at"))
        port = _port(raw.get("debug-port", 4444))
    except InvalidValue:
        return None
    return port if "*" in names or hook in names else None
