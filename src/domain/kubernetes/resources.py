"""``k8s_resources`` beside the pod spec: pod settings, the TLS Secret, the config-hash annotation. Pure.

The annotation rolls the pods when ``enforce-pod-restart`` is on: it changes with every
file Prometheus reads and with the certificate.
"""

import hashlib
from typing import Any, Dict

from domain.config.charm_config import CharmConfig
from domain.facts import Identity
from domain.prometheus.files import ConfigFiles

CONFIG_HASH_ANNOTATION = "prometheus.charm.juju.is/config-hash"
NOBODY = 65534  # the prom/prometheus images run as nobody


def tls_secret_name(identity: Identity) -> str:
    return f"{identity.app}-web-tls"


def build_k8s_resources(config: CharmConfig, identity: Identity, files: ConfigFiles) -> Dict[str, Any]:
    pod: Dict[str, Any] = {"securityContext": {"fsGroup": NOBODY}}
    if config.enforce_pod_restart:
        digest = files.digest() + (hashlib.sha256(config.tls.cert_pem.encode()).hexdigest()
                                   if config.tls else "")
        pod["annotations"] = {CONFIG_HASH_ANNOTATION: hashlib.sha256(digest.encode()).hexdigest()[:32]}
    resources: Dict[str, Any] = {"pod": pod}
    if config.tls is not None:
        resources["secrets"] = [{
            "name": tls_secret_name(identity), "type": "kubernetes.io/tls",
            "stringData": {"tls.crt": config.tls.cert_pem, "tls.key": config.tls.key_pem},
        }]
    return {"kubernetesResources": resources}
