"""Where a unit's Prometheus answers, for the URLs the charm publishes. Pure.

The charm declares storage, so Juju runs its pods in a StatefulSet with a headless Service
``<app>-endpoints``: pod ``<app>-<n>`` of unit ``<app>/<n>`` has the stable DNS name
``<app>-<n>.<app>-endpoints.<namespace>.svc.cluster.local`` (Kubernetes' StatefulSet stable
network identity), whatever IP it gets after a restart.
"""

from domain.config.charm_config import CharmConfig
from domain.container import PORT
from domain.facts import Identity


def unit_host(identity: Identity) -> str:
    number = identity.unit.rpartition("/")[2]
    return f"{identity.app}-{number}.{identity.app}-endpoints.{identity.namespace}.svc.cluster.local"


def unit_url(config: CharmConfig, identity: Identity) -> str:
    """The unit's own Prometheus: scheme, stable DNS name, port and route prefix."""
    scheme = "https" if config.tls else "http"
    return f"{scheme}://{unit_host(identity)}:{PORT}{config.route_prefix}"


def public_url(config: CharmConfig, identity: Identity) -> str:
    """The address clients are told to use: the external URL when one is set, else the unit's."""
    if config.web_external_url is not None:
        return config.web_external_url.text.rstrip("/")
    return unit_url(config, identity)
