"""The table of charm options: one row per option of config.yaml. Pure.

Each row names the option (kebab-case, as in config.yaml), the ``CharmConfig`` field it
fills, the parser that checks it and, for text, the most bytes (UTF-8) it may hold: a longer
value is refused before its parser sees it. ``tests/unit/domain/config/test_options.py`` holds
the table and config.yaml to each other.
"""

from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

from domain.config import ingress
from domain.config import parsers as p
from domain.rules import MAX_RULE_FILE_BYTES
from domain.values.version import Version

KIB = 1024
SHORT = 64  # durations, sizes, a log level: the longest sensible one is about 20 characters


@dataclass(frozen=True)
class Option:
    name: str  # as in config.yaml
    field: str  # of CharmConfig
    parse: Callable[..., Any]  # parse(value), or parse(value, version) when by_version
    max_bytes: Optional[int] = None  # for text: its largest size in UTF-8 bytes
    by_version: bool = False  # what the option accepts depends on the image's Prometheus version

    def read(self, value: object, version: Version) -> Any:
        return self.parse(value, version) if self.by_version else self.parse(value)


OPTIONS: Tuple[Option, ...] = (
    Option("log-level", "log_level", p.log_level, SHORT),
    Option("web-max-connections", "web_max_connections", p.web_max_connections),
    Option("web-read-timeout", "web_read_timeout", p.duration, SHORT),
    Option("web-external-url", "web_external_url", p.external_url, 4 * KIB),
    Option("web-enable-admin-api", "web_enable_admin_api", p.flag),
    Option("web-page-title", "web_page_title", p.line, KIB),
    Option("tsdb-retention-time", "tsdb_retention_time", p.optional_duration, SHORT),
    Option("tsdb-retention-size", "tsdb_retention_size", p.optional_size, SHORT),
    Option("tsdb-wal-compression", "tsdb_wal_compression", p.flag),
    Option("alertmanager-notification-queue-capacity", "alertmanager_notification_queue_capacity",
           p.queue_capacity),
    Option("alertmanager-timeout", "alertmanager_timeout", p.duration, SHORT),
    Option("external-labels", "external_labels", p.external_labels, 16 * KIB),
    Option("monitor-k8s", "monitor_k8s", p.flag),
    Option("scrape-interval", "scrape_interval", p.duration, SHORT),
    Option("scrape-timeout", "scrape_timeout", p.duration, SHORT),
    Option("evaluation-interval", "evaluation_interval", p.duration, SHORT),
    Option("alert-rules", "alert_rules", p.rules, MAX_RULE_FILE_BYTES, by_version=True),
    # A certificate chain of a few certificates, base64-encoded at worst (4/3 larger).
    Option("ssl_cert", "ssl_cert", p.pem_certificate, 64 * KIB),
    # An RSA 8192 key is about 6.5 KB of PEM.
    Option("ssl_key", "ssl_key", p.pem_private_key, 16 * KIB),
    Option("enforce-pod-restart", "enforce_pod_restart", p.flag),
    Option("debug-at", "debug_at", p.hook_names, KIB),
    Option("debug-port", "debug_port", p.port),
    # A host name or an IngressClass name is at most 253 characters (DNS-1123 subdomain).
    Option("ingress-hostname", "ingress_hostname", ingress.ingress_hostname, KIB),
    Option("ingress-class", "ingress_class", ingress.ingress_class, KIB),
    Option("ingress-path", "ingress_path", ingress.ingress_path, 4 * KIB),
    Option("ingress-tls-cert", "ingress_tls_cert", p.pem_certificate, 64 * KIB),
    Option("ingress-tls-key", "ingress_tls_key", p.pem_private_key, 16 * KIB),
)
BY_NAME = {option.name: option for option in OPTIONS}
