"""Names and paths of the Prometheus container that the core, the adapters and the shell share. Pure.

Defined once: the pod spec declares them, the Kubernetes adapter finds the container and
its port by them, the shell and the local run reach Prometheus through them.
"""

CONTAINER = "prometheus"
PORT = 9090  # Prometheus' web port (--web.listen-address)
PORT_NAME = "http"
CONFIG_DIR = "/etc/prometheus/config"
PROMETHEUS_YML = "prometheus.yml"
WEB_CONFIG_YML = "web-config.yml"
CHARM_RULES_FILE = "charm-alert-rules.rules"  # matched by prometheus.yml's rule_files glob
RULE_FILES_PATTERN = "*.rules"
CONFIG_FILE = f"{CONFIG_DIR}/{PROMETHEUS_YML}"
WEB_CONFIG_FILE = f"{CONFIG_DIR}/{WEB_CONFIG_YML}"
TLS_DIR = "/etc/prometheus/tls"  # beside CONFIG_DIR: web-config.yml names ../tls/tls.crt
DATA_DIR = "/prometheus"  # metadata.yaml's `database` storage is mounted here
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
