"""The pod spec (version 3) and the Kubernetes resources beside it. Pure: no I/O.

Pod-spec dicts exist only in this module. The spec carries the Prometheus flags and
the files Prometheus reads; ``k8s_resources`` carries pod settings, the TLS Secret and
the config-hash annotation that rolls pods when ``enforce-pod-restart`` is on.
"""

import hashlib
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from domain.config import CharmConfig
from domain.errors import ConfigError, ResourceError
from domain.facts import Facts
from domain.image import Version, format_version
from domain.prometheus_config import route_prefix

CONTAINER = "prometheus"
PROMETHEUS_PORT = 9090
CONFIG_DIR = "/etc/prometheus/config"
CONFIG_FILE = f"{CONFIG_DIR}/prometheus.yml"
WEB_CONFIG_FILE = f"{CONFIG_DIR}/web-config.yml"
TLS_DIR = "/etc/prometheus/tls"
DATA_DIR = "/prometheus"  # metadata.yaml's `database` storage is mounted here
CONFIG_HASH_ANNOTATION = "prometheus.charm.juju.is/config-hash"
NOBODY = 65534  # the prom/prometheus images run as nobody
OLDEST_SUPPORTED: Version = (2, 11, 0)
TLS_SINCE: Version = (2, 24, 0)
CONSOLES_UNTIL: Version = (3, 0, 0)
RBAC_RULES = [
    {"apiGroups": [""],
     "resources": ["nodes", "nodes/metrics", "nodes/proxy", "services", "endpoints", "pods"],
     "verbs": ["get", "list", "watch"]},
    {"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
]


@dataclass(frozen=True)
class ConfigFiles:
    """The files Prometheus reads from its config directory, by file name."""

    files: Tuple[Tuple[str, str], ...]

    def digest(self) -> str:
        h = hashlib.sha256()
        for name, content in self.files:
            h.update(name.encode() + b"\0" + content.encode() + b"\0")
        return h.hexdigest()


def web_config_yml() -> str:
    """Prometheus' --web.config.file: serve HTTPS with the certificate from the TLS Secret.

    Paths are relative to this file's directory (CONFIG_DIR), which sits beside TLS_DIR.
    """
    return (
        "tls_server_config:\n"
        "  cert_file: ../tls/tls.crt\n"
        "  key_file: ../tls/tls.key\n"
    )


def check_image(config: CharmConfig, facts: Facts) -> None:
    """Refuse images and options that cannot work together."""
    version = facts.image.version
    if version < OLDEST_SUPPORTED:
        raise ResourceError(
            f"prometheus-image: {facts.image.image_path} is Prometheus "
            f"{format_version(version)}; images from {format_version(OLDEST_SUPPORTED)} on are supported"
        )
    if config.tls is not None and version < TLS_SINCE:
        raise ConfigError(
            "ssl_cert", f"TLS needs a Prometheus image >= {format_version(TLS_SINCE)}, "
            f"{facts.image.image_path} is older"
        )


def prometheus_args(config: CharmConfig, version: Version) -> List[str]:
    """The container args: every flag the image's ENTRYPOINT needs, in a stable order."""
    args = [
        f"--config.file={CONFIG_FILE}",
        f"--storage.tsdb.path={DATA_DIR}",
        f"--web.listen-address=:{PROMETHEUS_PORT}",
        "--web.enable-lifecycle",
        f"--web.max-connections={config.web_max_connections}",
        f"--web.read-timeout={config.web_read_timeout}",
        f"--web.page-title={config.web_page_title}",
        f"--alertmanager.notification-queue-capacity={config.alertmanager_notification_queue_capacity}",
    ]
    if config.log_level:
        args.append(f"--log.level={config.log_level}")
    if config.web_external_url:
        args.append(f"--web.external-url={config.web_external_url}")
    if config.web_enable_admin_api:
        args.append("--web.enable-admin-api")
    if config.tsdb_retention_time:
        args.append(f"--storage.tsdb.retention.time={config.tsdb_retention_time}")
    if config.tsdb_retention_size:
        args.append(f"--storage.tsdb.retention.size={config.tsdb_retention_size}")
    args.append(
        "--storage.tsdb.wal-compression" if config.tsdb_wal_compression
        else "--no-storage.tsdb.wal-compression"
    )
    if config.tls is not None:
        args.append(f"--web.config.file={WEB_CONFIG_FILE}")
    if version < CONSOLES_UNTIL:
        # The 2.x images ship console templates here; 3.x images ship none.
        args += ["--web.console.templates=/usr/share/prometheus/consoles",
                 "--web.console.libraries=/usr/share/prometheus/console_libraries"]
    return args


def _probe(config: CharmConfig, path: str, **timing: int) -> Dict[str, Any]:
    scheme = "HTTPS" if config.tls is not None else "HTTP"
    return {"httpGet": {"path": route_prefix(config) + path, "port": PROMETHEUS_PORT,
                        "scheme": scheme}, **timing}


def _container(config: CharmConfig, facts: Facts, files: ConfigFiles) -> Dict[str, Any]:
    volumes: List[Dict[str, Any]] = [{
        "name": "prometheus-config",
        "mountPath": CONFIG_DIR,
        "files": [{"path": name, "content": content, "mode": 0o444} for name, content in files.files],
    }]
    if config.tls is not None:
        volumes.append({"name": "prometheus-tls", "mountPath": TLS_DIR,
                        "secret": {"name": tls_secret_name(facts), "defaultMode": 0o440}})
    return {
        "name": CONTAINER,
        "imageDetails": {"imagePath": facts.image.image_path,
                         "username": facts.image.username,
                         "password": facts.image.password},
        "imagePullPolicy": "IfNotPresent",
        "args": prometheus_args(config, facts.image.version),
        "ports": [{"name": "http", "containerPort": PROMETHEUS_PORT, "protocol": "TCP"}],
        "volumeConfig": volumes,
        "kubernetes": {
            # /-/ready fails until the WAL is replayed; /-/healthy answers throughout, so a
            # long replay makes the pod unready, never restarted.
            "readinessProbe": _probe(config, "/-/ready", initialDelaySeconds=10, periodSeconds=10,
                                     timeoutSeconds=5, failureThreshold=3),
            "livenessProbe": _probe(config, "/-/healthy", initialDelaySeconds=30,
                                    periodSeconds=30, timeoutSeconds=10, failureThreshold=10),
            "securityContext": {"runAsUser": NOBODY, "runAsGroup": NOBODY, "runAsNonRoot": True},
        },
    }


def tls_secret_name(facts: Facts) -> str:
    return f"{facts.app}-web-tls"


def build_pod_spec(config: CharmConfig, facts: Facts, files: ConfigFiles) -> Dict[str, Any]:
    check_image(config, facts)
    spec: Dict[str, Any] = {"version": 3, "containers": [_container(config, facts, files)]}
    if config.monitor_k8s:
        spec["serviceAccount"] = {
            "automountServiceAccountToken": True,
            "roles": [{"name": f"{facts.app}-k8s-discovery", "global": True, "rules": RBAC_RULES}],
        }
    return spec


def build_k8s_resources(config: CharmConfig, facts: Facts, files: ConfigFiles) -> Dict[str, Any]:
    pod: Dict[str, Any] = {"securityContext": {"fsGroup": NOBODY}}
    if config.enforce_pod_restart:
        digest = files.digest() + (hashlib.sha256(config.tls.cert_pem.encode()).hexdigest()
                                   if config.tls else "")
        pod["annotations"] = {CONFIG_HASH_ANNOTATION: hashlib.sha256(digest.encode()).hexdigest()[:32]}
    resources: Dict[str, Any] = {"pod": pod}
    if config.tls is not None:
        resources["secrets"] = [{
            "name": tls_secret_name(facts), "type": "kubernetes.io/tls",
            "stringData": {"tls.crt": config.tls.cert_pem, "tls.key": config.tls.key_pem},
        }]
    return {"kubernetesResources": resources}
