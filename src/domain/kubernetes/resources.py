"""``k8s_resources`` beside the pod spec: pod settings, the TLS Secrets, the config-hash annotation
and the charm's own Ingress (``domain.kubernetes.ingress``). Pure.

The annotation rolls the pods when ``enforce-pod-restart`` is on: it changes with every
file Prometheus reads and with the certificate.

The TLS Secret is always declared, and its volume always mounted. Juju never deletes a Secret
that a later spec leaves out, and updates one it declares (caas/kubernetes/provider secrets.go
ensureSecret: create, else Update), so with TLS off the Secret is declared empty: no private
key stays behind. It keeps the type ``kubernetes.io/tls``, which Kubernetes does not let an
update change; that type needs the keys ``tls.crt`` and ``tls.key`` to exist, empty or not
(kubernetes pkg/apis/core/validation ValidateSecret, ValidateSecretUpdate).
"""

import hashlib
from typing import Any, Dict

from domain.config.charm_config import CharmConfig
from domain.facts import Identity
from domain.kubernetes.ingress import build_ingress, ingress_tls_secret, ingress_tls_secret_name
from domain.prometheus.files import ConfigFiles

CONFIG_HASH_ANNOTATION = "prometheus.charm.juju.is/config-hash"
NOBODY = 65534  # the prom/prometheus images run as nobody
TLS_SECRET_TYPE = "kubernetes.io/tls"  # noqa: S105 (a Secret type, not a password)


def tls_secret_name(identity: Identity) -> str:
    """A DNS subdomain (at most 253): any application name Juju can run fits."""
    return f"{identity.app}-web-tls"


def secret_feeders(identity: Identity) -> Dict[str, str]:
    """The option behind each key of each Secret, as ``"<secret>/<key>"`` (for the size budget)."""
    web, ingress = tls_secret_name(identity), ingress_tls_secret_name(identity)
    return {f"{web}/tls.crt": "ssl_cert", f"{web}/tls.key": "ssl_key",
            f"{ingress}/tls.crt": "ingress-tls-cert", f"{ingress}/tls.key": "ingress-tls-key"}


def _tls_secret(config: CharmConfig, identity: Identity) -> Dict[str, Any]:
    cert, key = (config.tls.cert_pem, config.tls.key_pem) if config.tls is not None else ("", "")
    return {"name": tls_secret_name(identity), "type": TLS_SECRET_TYPE,
            "stringData": {"tls.crt": cert, "tls.key": key}}


def build_k8s_resources(config: CharmConfig, identity: Identity, files: ConfigFiles) -> Dict[str, Any]:
    pod: Dict[str, Any] = {"securityContext": {"fsGroup": NOBODY}}
    if config.enforce_pod_restart:
        digest = files.digest() + (hashlib.sha256(config.tls.cert_pem.encode()).hexdigest()
                                   if config.tls else "")
        pod["annotations"] = {CONFIG_HASH_ANNOTATION: hashlib.sha256(digest.encode()).hexdigest()[:32]}
    resources: Dict[str, Any] = {
        "pod": pod,
        "secrets": [_tls_secret(config, identity), ingress_tls_secret(config, identity)],
    }
    ingress = build_ingress(config, identity)
    if ingress is not None:
        resources["ingressResources"] = [ingress]
    return {"kubernetesResources": resources}
