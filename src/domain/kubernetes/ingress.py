"""The charm's own Ingress and the Secret holding its TLS pair, for ``kubernetesResources``. Pure.

``juju expose`` makes an Ingress named after the application, to the Service's first port,
with neither TLS nor a way to say that Prometheus speaks HTTPS. The charm's Ingress is named
``<app>-ingress`` (Juju refuses the application's own name: "ingress name ... is reserved for
juju expose"), in the ``networking.k8s.io/v1`` shape with an explicit ``pathType: Prefix``,
which every Juju 2.9 and 3.x reads as v1 (juju/juju caas/kubernetes/provider/specs ingress.go).

How Juju applies it (caas/kubernetes/provider/ingress.go ``ensureIngressResources``,
``ensureIngressV1``): it creates the Ingress, or else patches the existing one with a strategic
merge patch of the whole object as Go encodes it, empty fields left out. A patch sets what it
carries and removes nothing: an annotation, the ``tls`` list or ``ingressClassName`` that a
later spec leaves out stays on the live object, and an Ingress left out of the spec stays
until the application is removed (``deleteIngressResources``). Hence:

* the backend-protocol annotation is always written, ``HTTPS`` when Prometheus serves TLS
  itself (``ssl_cert``), ``HTTP`` (ingress-nginx's default) otherwise, so that it follows
  ``ssl_cert`` both ways;
* the Secret is always declared, empty without a pair (Juju updates a declared Secret as a
  whole and never deletes one: caas/kubernetes/provider secrets.go ``ensureSecret``), so no
  private key outlives its option;
* turning the Ingress off, or its TLS or class, leaves the object or those fields behind; the
  README tells the operator to delete the Ingress then (the next hook makes it anew if it is on).

The backend is the Service Juju makes for the application, named after it, on Prometheus'
port: the port the Ingress reaches is the container's, whatever the Service's first port.
"""

from typing import Any, Dict, Optional

from domain.config.charm_config import CharmConfig
from domain.container import PORT
from domain.facts import Identity

BACKEND_PROTOCOL_ANNOTATION = "nginx.ingress.kubernetes.io/backend-protocol"
PATH_TYPE = "Prefix"
TLS_SECRET_TYPE = "kubernetes.io/tls"  # noqa: S105 (a Secret type, not a password)


def ingress_name(identity: Identity) -> str:
    """Not the application's name, which ``juju expose`` reserves; a DNS subdomain for any app name."""
    return f"{identity.app}-ingress"


def ingress_tls_secret_name(identity: Identity) -> str:
    return f"{identity.app}-ingress-tls"


def ingress_path(config: CharmConfig) -> str:
    """The path the Ingress routes: Prometheus' route prefix, which ``parse_config`` has made
    agree with ``ingress-path``, or ``/``."""
    return config.route_prefix or "/"


def ingress_tls_secret(config: CharmConfig, identity: Identity) -> Dict[str, Any]:
    """The Ingress' certificate and key, or both keys empty (the type needs them to exist)."""
    pair = config.ingress_tls
    cert, key = (pair.cert_pem, pair.key_pem) if pair is not None else ("", "")
    return {"name": ingress_tls_secret_name(identity), "type": TLS_SECRET_TYPE,
            "stringData": {"tls.crt": cert, "tls.key": key}}


def build_ingress(config: CharmConfig, identity: Identity) -> Optional[Dict[str, Any]]:
    """The ``ingressResources`` entry, or None when ``ingress-hostname`` is empty."""
    host = config.ingress_hostname
    if not host:
        return None
    backend = {"service": {"name": identity.app, "port": {"number": PORT}}}
    spec: Dict[str, Any] = {
        "rules": [{"host": host, "http": {"paths": [
            {"path": ingress_path(config), "pathType": PATH_TYPE, "backend": backend}]}}],
    }
    if config.ingress_class:
        spec["ingressClassName"] = config.ingress_class
    if config.ingress_tls is not None:
        spec["tls"] = [{"hosts": [host], "secretName": ingress_tls_secret_name(identity)}]
    protocol = "HTTPS" if config.tls is not None else "HTTP"
    return {"name": ingress_name(identity),
            "annotations": {BACKEND_PROTOCOL_ANNOTATION: protocol},
            "spec": spec}
