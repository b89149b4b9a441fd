"""The Prometheus versions where what the charm writes changes. Pure.

Sources: https://github.com/prometheus/prometheus/blob/main/CHANGELOG.md and
https://prometheus.io/docs/prometheus/latest/migration/ (2.x to 3.0).
"""

from domain.errors import ResourceError
from domain.values.image import ImageDetails
from domain.values.version import Version, format_version

# The oldest image the charm is tested against and supports.
OLDEST_SUPPORTED: Version = (2, 11, 0)
# 2.24.0: --web.config.file (TLS and basic auth on Prometheus' own endpoint).
TLS_SINCE: Version = (2, 24, 0)
# 2.26.0: scrape configs take `authorization` (type and credentials).
AUTHORIZATION_SINCE: Version = (2, 26, 0)
# 2.27.0: scrape configs take label_limit, label_name_length_limit, label_value_length_limit.
SCRAPE_LABEL_LIMITS_SINCE: Version = (2, 27, 0)
# 3.0.0: the console templates and their --web.console.* flags are gone; external label
# values expand $VAR (a literal $ is written $$); scrape configs take
# fallback_scrape_protocol, and a scrape whose Content-Type is missing fails without it
# (CHANGELOG 3.0.0, #15136: the field's first release; 2.x refuses the file, "field
# fallback_scrape_protocol not found in type config.ScrapeConfig").
PROMETHEUS_3: Version = (3, 0, 0)


def has_consoles(version: Version) -> bool:
    return version < PROMETHEUS_3


def expands_external_labels(version: Version) -> bool:
    return version >= PROMETHEUS_3


def needs_fallback_scrape_protocol(version: Version) -> bool:
    return version >= PROMETHEUS_3


def check_image(image: ImageDetails) -> None:
    """Refuse images older than the charm supports."""
    if image.version < OLDEST_SUPPORTED:
        raise ResourceError(
            f"prometheus-image: {image.image_path} is Prometheus {format_version(image.version)}; "
            f"images from {format_version(OLDEST_SUPPORTED)} on are supported"
        )
