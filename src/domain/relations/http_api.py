"""``http-api`` (provides, ``prometheus-http-api``): the 2020 charmed-lma Grafana. Pure.

Every unit writes in its own bag ``prometheus-port`` (what the 2020 charm wrote, kept for old
clients), ``host`` (the unit's stable DNS name) and ``url`` (the external URL when set, else
the unit's own). That Grafana reads none of it: it looks up the Service named after this
application and uses its first TCP port, which is Prometheus' web port (docs/relations.md).
"""

from typing import Tuple

from domain.config.charm_config import CharmConfig
from domain.container import PORT
from domain.facts import Identity
from domain.relations.unit_address import public_url, unit_host


def unit_data(config: CharmConfig, identity: Identity) -> Tuple[Tuple[str, str], ...]:
    return (("host", unit_host(identity)), ("prometheus-port", str(PORT)),
            ("url", public_url(config, identity)))
