"""``parse_config``: every option of the table parsed, then the checks that span options. Pure.

Every bad option is named in one ``ConfigErrors``; nothing falls back to a default (Juju
hands the charm config.yaml's defaults). Checks that need the image's version (TLS) are
made here too, so the operator sees them beside the other option errors.
"""

from typing import Any, Dict, List, Mapping, Optional, Tuple

from domain.config import parsers
from domain.config.charm_config import CharmConfig
from domain.config.options import OPTIONS
from domain.errors import ConfigError, ConfigErrors, InvalidValue, RuleError
from domain.prometheus.compatibility import TLS_SINCE
from domain.values.version import Version, format_version


def _parse_each(raw: Mapping[str, object], version: Version) -> Tuple[Dict[str, Any], List[ConfigError]]:
    values: Dict[str, Any] = {}
    errors: List[ConfigError] = []
    for option in OPTIONS:
        try:
            values[option.field] = option.read(raw.get(option.name), version)
        except (InvalidValue, RuleError) as err:
            errors.append(ConfigError(option.name, str(err)))
    return values, errors


def _check_across(values: Mapping[str, Any], version: Version) -> List[ConfigError]:
    """Checks that span options; each runs only when the options it reads parsed."""
    errors: List[ConfigError] = []
    interval, timeout = values.get("scrape_interval"), values.get("scrape_timeout")
    if interval is not None and timeout is not None and timeout > interval:
        errors.append(ConfigError("scrape-timeout", f"'{timeout}' is longer than scrape-interval '{interval}'"))
    if "ssl_cert" in values and "ssl_key" in values:
        cert, key = values["ssl_cert"], values["ssl_key"]
        if bool(cert) != bool(key):
            errors.append(ConfigError("ssl_key" if cert else "ssl_cert", "ssl_cert and ssl_key must be set together"))
        elif cert and version < TLS_SINCE:
            errors.append(ConfigError(
                "ssl_cert", f"TLS needs a Prometheus image >= {format_version(TLS_SINCE)}; "
                f"the image is Prometheus {format_version(version)}"))
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
        names = parsers.hook_names(raw.get("debug-at"))
        port = parsers.port(raw.get("debug-port"))
    except InvalidValue:
        return None
    return port if "*" in names or hook in names else None
