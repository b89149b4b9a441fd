"""The table of charm options: one row per option of config.yaml. Pure.

Each row names the option (kebab-case, as in config.yaml), the ``CharmConfig`` field it
fills and the parser that checks it. ``tests/unit/domain/config/test_options.py`` holds
the table and config.yaml to each other.
"""

from dataclasses import dataclass
from typing import Any, Callable, Tuple

from domain.config import parsers as p
from domain.values.version import Version


@dataclass(frozen=True)
class Option:
    name: str  # as in config.yaml
    field: str  # of CharmConfig
    parse: Callable[..., Any]  # parse(value), or parse(value, version) when by_version
    by_version: bool = False  # what the option accepts depends on the image's Prometheus version

    def read(self, value: object, version: Version) -> Any:
        return self.parse(value, version) if self.by_version else self.parse(value)


OPTIONS: Tuple[Option, ...] = (
    Option("log-level", "log_level", p.log_level),
    Option("web-max-connections", "web_max_connections", p.positive_int),
    Option("web-read-timeout", "web_read_timeout", p.duration),
    Option("web-external-url", "web_external_url", p.external_url),
    Option("web-enable-admin-api", "web_enable_admin_api", p.flag),
    Option("web-page-title", "web_page_title", p.line),
    Option("tsdb-retention-time", "tsdb_retention_time", p.optional_duration),
    Option("tsdb-retention-size", "tsdb_retention_size", p.optional_size),
    Option("tsdb-wal-compression", "tsdb_wal_compression", p.flag),
    Option("alertmanager-notification-queue-capacity", "alertmanager_notification_queue_capacity",
           p.positive_int),
    Option("alertmanager-timeout", "alertmanager_timeout", p.duration),
    Option("external-labels", "external_labels", p.external_labels),
    Option("monitor-k8s", "monitor_k8s", p.flag),
    Option("scrape-interval", "scrape_interval", p.duration),
    Option("scrape-timeout", "scrape_timeout", p.duration),
    Option("evaluation-interval", "evaluation_interval", p.duration),
    Option("alert-rules", "alert_rules", p.rules, by_version=True),
    Option("ssl_cert", "ssl_cert", p.pem_certificate),
    Option("ssl_key", "ssl_key", p.pem_private_key),
    Option("enforce-pod-restart", "enforce_pod_restart", p.flag),
    Option("debug-at", "debug_at", p.hook_names),
    Option("debug-port", "debug_port", p.port),
)
BY_NAME = {option.name: option for option in OPTIONS}
