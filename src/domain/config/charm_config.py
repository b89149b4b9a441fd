"""``CharmConfig``: every charm option, typed and checked. Pure."""

from dataclasses import dataclass, field
from typing import Optional, Tuple

from domain.rules import RuleFile
from domain.values.duration import Duration
from domain.values.size import ByteSize
from domain.values.url import ExternalUrl


@dataclass(frozen=True)
class TlsConfig:
    """Certificate chain and key for Prometheus' own HTTPS endpoint (PEM text)."""

    cert_pem: str
    key_pem: str = field(repr=False)


@dataclass(frozen=True)
class CharmConfig:
    """One field per option of config.yaml (``domain.config.options`` maps them)."""

    log_level: Optional[str]
    web_max_connections: int
    web_read_timeout: Duration
    web_external_url: Optional[ExternalUrl]  # with the Ingress on and the option unset: derived from it
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
    ssl_cert: str  # PEM, "" when unset
    ssl_key: str = field(repr=False)  # PEM, "" when unset
    enforce_pod_restart: bool
    debug_at: Tuple[str, ...]
    debug_port: int
    ingress_hostname: str  # "" when the charm makes no Ingress
    ingress_class: str  # "" for the cluster's default IngressClass
    ingress_path: str  # "" follows web-external-url's path
    ingress_tls_cert: str  # PEM, "" when unset
    ingress_tls_key: str = field(repr=False)  # PEM, "" when unset

    @property
    def tls(self) -> Optional[TlsConfig]:
        """Prometheus' own certificate and key; ``parse_config`` ensures both or neither are set."""
        return TlsConfig(self.ssl_cert, self.ssl_key) if self.ssl_cert and self.ssl_key else None

    @property
    def ingress_tls(self) -> Optional[TlsConfig]:
        """The Ingress' certificate and key; ``parse_config`` ensures both or neither are set."""
        return TlsConfig(self.ingress_tls_cert, self.ingress_tls_key) \
            if self.ingress_tls_cert and self.ingress_tls_key else None

    @property
    def route_prefix(self) -> str:
        """The path every Prometheus endpoint sits under (the path of web-external-url)."""
        return self.web_external_url.route_prefix if self.web_external_url else ""
