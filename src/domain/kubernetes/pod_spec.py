"""The pod spec (version 3): the Prometheus container, its files, probes and service account. Pure.

Pod-spec dicts exist only in this package. The spec carries the Prometheus flags and the
files Prometheus reads; the TLS Secret it mounts is built in ``resources``.

What goes into the pod template stays put where it can: always the same volumes and the same
service account (``rbac``). Juju puts the key of every file of a ``files`` volume into the pod
template (juju/juju caas/kubernetes/provider/volume.go ``fileSetToVolume``: one ``KeyToPath``
item per file), so a file added or removed would roll the pods. The charm therefore declares
its ConfigMaps in the spec's ``configMaps`` (Juju creates and updates them under the name
given, caas/kubernetes/provider/configmap.go ``ensureConfigMaps``) and mounts each whole: a
``configMap`` volume source without ``files`` has no items, and Kubernetes then projects
every key of the ConfigMap as a file. Likewise the Secret of scrape credentials. The
configuration volume (prometheus.yml, rule files, web-config.yml, CA certificates of scrape
jobs), the scrape targets volume (file_sd lists) and the scrape secrets volume are always
there, whatever the relations. So alert rules, prometheus.yml, targets and the
certificate reach the pods as ConfigMap and Secret content; options that are flags roll the
pods, turning TLS on or off does so through the probes' scheme alone (HTTP/HTTPS, which
Kubernetes cannot take from elsewhere), ``monitor-k8s`` through the service-account token.

Each pod applies the files kubelet delivers by itself: Prometheus 3 watches them
(``domain.prometheus.flags``); for the 2.x official images the container's ``command`` runs
a busybox watcher before Prometheus (``config_watch``). Each pod learns its own name from the
downward API (``POD_NAME``), which its replica external label carries.
"""

from typing import Any, Dict, List

from domain.config.charm_config import CharmConfig
from domain.container import (
    CONFIG_DIR,
    CONFIG_VOLUME,
    CONTAINER,
    POD_NAME_ENV,
    PORT,
    PORT_NAME,
    SCRAPE_SECRETS_DIR,
    SCRAPE_SECRETS_VOLUME,
    SCRAPE_TARGETS_DIR,
    SCRAPE_TARGETS_VOLUME,
    TLS_DIR,
    TLS_VOLUME,
)
from domain.facts import Identity
from domain.kubernetes.config_watch import watch_command
from domain.kubernetes.rbac import service_account
from domain.kubernetes.resources import NOBODY, tls_secret_name
from domain.prometheus.compatibility import has_busybox_shell, reloads_by_itself
from domain.prometheus.files import ConfigFiles
from domain.prometheus.flags import prometheus_args
from domain.values.image import ImageDetails


def _probe(config: CharmConfig, path: str, **timing: int) -> Dict[str, Any]:
    scheme = "HTTPS" if config.tls is not None else "HTTP"
    return {"httpGet": {"path": config.route_prefix + path, "port": PORT, "scheme": scheme}, **timing}


NO_FILES = ConfigFiles(())


def config_map_name(identity: Identity, volume: str) -> str:
    """``<app>-<volume>-config``: the name Juju gave the ConfigMap of a ``files`` volume, kept."""
    return f"{identity.app}-{volume}-config"


def scrape_secret_name(identity: Identity) -> str:
    return f"{identity.app}-scrape-secrets"


def _container(config: CharmConfig, image: ImageDetails, identity: Identity) -> Dict[str, Any]:
    volumes: List[Dict[str, Any]] = [
        {"name": CONFIG_VOLUME, "mountPath": CONFIG_DIR,
         "configMap": {"name": config_map_name(identity, CONFIG_VOLUME), "defaultMode": 0o444}},
        {"name": TLS_VOLUME, "mountPath": TLS_DIR,
         "secret": {"name": tls_secret_name(identity), "defaultMode": 0o440}},
        {"name": SCRAPE_TARGETS_VOLUME, "mountPath": SCRAPE_TARGETS_DIR,
         "configMap": {"name": config_map_name(identity, SCRAPE_TARGETS_VOLUME), "defaultMode": 0o444}},
        {"name": SCRAPE_SECRETS_VOLUME, "mountPath": SCRAPE_SECRETS_DIR,
         "secret": {"name": scrape_secret_name(identity), "defaultMode": 0o440}},
    ]
    container: Dict[str, Any] = {
        "name": CONTAINER,
        "imageDetails": {"imagePath": image.image_path,
                         "username": image.username,
                         "password": image.password},
        "imagePullPolicy": "IfNotPresent",
    }
    if not reloads_by_itself(image.version) and has_busybox_shell(image.image_path):
        container["command"] = watch_command(config.route_prefix)
    return {
        **container,
        "args": prometheus_args(config, image.version),
        # Juju's envConfig: a map with `field` becomes a downward-API fieldRef
        # (juju/juju caas/kubernetes/provider/specs container_env.go).
        "envConfig": {POD_NAME_ENV: {"field": {"path": "metadata.name", "api-version": "v1"}}},
        "ports": [{"name": PORT_NAME, "containerPort": PORT, "protocol": "TCP"}],
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


def build_pod_spec(config: CharmConfig, image: ImageDetails, identity: Identity,
                   files: ConfigFiles, targets: ConfigFiles = NO_FILES) -> Dict[str, Any]:
    """``targets``: the file_sd target lists of scrape jobs from relations (keys come and go)."""
    config_maps = {config_map_name(identity, CONFIG_VOLUME): dict(files.files),
                   config_map_name(identity, SCRAPE_TARGETS_VOLUME): dict(targets.files)}
    return {"version": 3, "containers": [_container(config, image, identity)],
            "configMaps": config_maps,
            "serviceAccount": service_account(identity.app, config.monitor_k8s)}
