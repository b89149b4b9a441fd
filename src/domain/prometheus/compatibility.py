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
# 2.27.0: --enable-feature=expand-external-labels, $VAR in external label values expands from
# the environment and $$ is a literal $ (CHANGELOG 2.27.0, prometheus/prometheus pull 8649).
EXPAND_EXTERNAL_LABELS_SINCE: Version = (2, 27, 0)
# 3.0.0: the console templates and their --web.console.* flags are gone; external label
# values always expand $VAR (the feature flag is gone: pull 14657); scrape configs take
# fallback_scrape_protocol, and a scrape whose Content-Type is missing fails without it
# (CHANGELOG 3.0.0, #15136: the field's first release; 2.x refuses the file, "field
# fallback_scrape_protocol not found in type config.ScrapeConfig").
PROMETHEUS_3: Version = (3, 0, 0)
# 3.0.0: --enable-feature=auto-reload-config with --config.auto-reload-interval: Prometheus
# reloads by itself when the checksum of prometheus.yml and of every file its rule_files and
# scrape_config_files globs match changes (prometheus/prometheus pull 14769, merged for
# 3.0.0-beta.0 in September 2024; pull 15020 kept it out of the 2.55 release, "defer it to
# 3.0"; config/reload.go GenerateChecksum). Intervals under 1s count as 1s.
AUTO_RELOAD_SINCE: Version = PROMETHEUS_3
# The images whose /bin/sh is busybox's (md5sum, wget, sleep) and whose ENTRYPOINT is
# /bin/prometheus: prom/prometheus and quay.io/prometheus/prometheus, built FROM
# quay.io/prometheus/busybox (prometheus/prometheus Dockerfile; prometheus/busybox README).
BUSYBOX_IMAGES = ("prom/prometheus", "prometheus/prometheus")


def has_consoles(version: Version) -> bool:
    return version < PROMETHEUS_3


def expands_external_labels(version: Version) -> bool:
    """Whether Prometheus expands ``$VAR`` in external label values as the charm runs it
    (with ``--enable-feature=expand-external-labels`` before 3.0)."""
    return version >= EXPAND_EXTERNAL_LABELS_SINCE


def needs_expand_feature_flag(version: Version) -> bool:
    return EXPAND_EXTERNAL_LABELS_SINCE <= version < PROMETHEUS_3


def reloads_by_itself(version: Version) -> bool:
    """Whether Prometheus watches its own files (``auto-reload-config``)."""
    return version >= AUTO_RELOAD_SINCE


def has_busybox_shell(image_path: str) -> bool:
    """Whether the image is one of the official Prometheus images (busybox /bin/sh, ENTRYPOINT
    /bin/prometheus), whatever the registry or mirror in front: ``prom/prometheus:v2.53.0``,
    ``quay.io/prometheus/prometheus@sha256:...``, ``registry.example.com:5000/prom/prometheus``."""
    repository = image_path.partition("@")[0]
    name, _, tag = repository.rpartition(":")
    if name and "/" not in tag:  # a tag, not a registry port followed by a path
        repository = name
    return repository == "prom/prometheus" or repository.endswith(tuple("/" + i for i in BUSYBOX_IMAGES))


def needs_fallback_scrape_protocol(version: Version) -> bool:
    return version >= PROMETHEUS_3


def check_image(image: ImageDetails) -> None:
    """Refuse images older than the charm supports."""
    if image.version < OLDEST_SUPPORTED:
        raise ResourceError(
            f"prometheus-image: {image.image_path} is Prometheus {format_version(image.version)}; "
            f"images from {format_version(OLDEST_SUPPORTED)} on are supported"
        )
