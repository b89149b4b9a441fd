"""``parse_config``: every option of the table parsed, then the checks that span options. Pure.

Every bad option is named in one ``ConfigErrors``; nothing falls back to a default (Juju
hands the charm config.yaml's defaults). Text longer than its option's ``max_bytes`` is
refused before its parser runs. Checks that need the image's version (TLS) are made here
too, so the operator sees them beside the other option errors.
"""

from typing import Any, Dict, List, Mapping, Optional, Tuple

from domain.config.charm_config import CharmConfig
from domain.config.ingress import ingress_errors
from domain.config.options import BY_NAME, OPTIONS, Option
from domain.errors import ConfigError, ConfigErrors, InvalidValue, RuleError
from domain.prometheus.compatibility import TLS_SINCE
from domain.values.text import excerpt
from domain.values.version import NEWEST, Version, format_version


def _amount(size: int) -> str:
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def check_size(option: Option, value: object) -> None:
    """``InvalidValue`` when ``value`` is text longer than ``option`` takes; before any parsing."""
    if option.max_bytes is None or not isinstance(value, str) or len(value) * 4 <= option.max_bytes:
        return  # a character is at most 4 bytes of UTF-8
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > option.max_bytes:
        raise InvalidValue(f"is {size} bytes, more than the {_amount(option.max_bytes)} it may hold")


def read_option(option: Option, raw: Mapping[str, object], version: Version) -> Any:
    """One option's value from the raw config: its size bounded, then parsed."""
    value = raw.get(option.name)
    check_size(option, value)
    return option.read(value, version)


def _parse_each(raw: Mapping[str, object], version: Version) -> Tuple[Dict[str, Any], List[ConfigError]]:
    values: Dict[str, Any] = {}
    errors: List[ConfigError] = []
    for option in OPTIONS:
        try:
            values[option.field] = read_option(option, raw, version)
        except (InvalidValue, RuleError) as err:
            errors.append(ConfigError(option.name, str(err)))
    return values, errors


def _check_across(values: Dict[str, Any], version: Version) -> List[ConfigError]:
    """Checks that span options; each runs only when the options it reads parsed. With the
    charm's Ingress on and web-external-url unset, puts the Ingress' URL in its place."""
    errors: List[ConfigError] = []
    interval, timeout = values.get("scrape_interval"), values.get("scrape_timeout")
    if interval is not None and timeout is not None and timeout > interval:
        errors.append(ConfigError("scrape-timeout", f"{excerpt(str(timeout))} is longer than scrape-interval "
                                                    f"{excerpt(str(interval))}"))
    if "ssl_cert" in values and "ssl_key" in values:
        cert, key = values["ssl_cert"], values["ssl_key"]
        if bool(cert) != bool(key):
            errors.append(ConfigError("ssl_key" if cert else "ssl_cert", "ssl_cert and ssl_key must be set together"))
        elif cert and version < TLS_SINCE:
            errors.append(ConfigError(
                "ssl_cert", f"TLS needs a Prometheus image >= {format_version(TLS_SINCE)}; "
                f"the image is Prometheus {format_version(version)}"))
    errors += ingress_errors(values)
    return errors


def parse_config(raw: Mapping[str, object], version: Version) -> CharmConfig:
    """Check every option for an image of Prometheus ``version``; raise ``ConfigErrors`` naming all bad ones."""
    values, errors = _parse_each(raw, version)
    errors += _check_across(values, version)
    if errors:
        raise ConfigErrors(errors)
    return CharmConfig(**values)


def debug_port_for(raw: Mapping[str, object], hook: str) -> Optional[int]:
    """The rpdb port if the operator asked to debug ``hook``; None otherwise or when invalid
    (``parse_config`` reports invalid values)."""
    try:
        names = read_option(BY_NAME["debug-at"], raw, NEWEST)
        port = read_option(BY_NAME["debug-port"], raw, NEWEST)
    except InvalidValue:
        return None
    return port if "*" in names or hook in names else None
