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
# Pod-spec volume names. Juju names a `files` volume's ConfigMap, and the pod's volume with
# it, `<app>-<volume>-config`, which Kubernetes requires to be a DNS label of at most 63
# characters (Juju: caas/kubernetes/provider k8s.go applicationConfigMapName, volume.go
# fileSetToVolume). Three letters leave 52 for the application name, the longest any of
# Juju's own StatefulSets allows (docs/pod-spec.md). A `secret` volume keeps its own name.
CONFIG_VOLUME = "cfg"
TLS_VOLUME = "tls"
# Scrape jobs from relations: their target lists (file_sd, re-read by Prometheus itself) and
# the secrets they point at (passwords, credentials), each a whole ConfigMap or Secret mounted
# without a list of its keys, so that keys come and go without touching the pod template.
SCRAPE_TARGETS_DIR = "/etc/prometheus/scrape-targets"
SCRAPE_SECRETS_DIR = "/etc/prometheus/scrape-secrets"
SCRAPE_TARGETS_VOLUME = "targets"
SCRAPE_SECRETS_VOLUME = "scrape-secrets"
# The image's own Prometheus (ENTRYPOINT of the prom/prometheus images), for the config watcher
# that starts it (``domain.kubernetes.config_watch``).
PROMETHEUS_BINARY = "/bin/prometheus"
# How often a pod looks at its files for a change kubelet delivered (the built-in watcher of
# Prometheus 3 and the busybox one alike): a checksum of a few files, at most 1 MiB.
WATCH_SECONDS = 3
# Each pod's own name (a StatefulSet pod: <app>-<n>), from the downward API, and the external
# label that carries it so that the replicas' series and alerts can be told apart.
POD_NAME_ENV = "POD_NAME"
REPLICA_LABEL = "prometheus_replica"
