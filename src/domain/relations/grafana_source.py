"""``grafana-source`` (provides, ``grafana_datasource``): today's Grafana charm. Pure.

The leader writes ``grafana_source_data`` (the JSON below, keys in this order, as the
grafana_source library's provider writes it with ``json.dumps``) and an empty
``grafana_source_app_host`` (a URL there would make library v1 add one load-balanced
datasource besides the per-unit ones); every unit writes ``grafana_source_host``, its own URL.
Grafana makes one datasource per unit with a non-empty host, named
``juju_<model>_<model uuid>_<app>_<unit number>``, and none until ``grafana_source_data`` is set.
(canonical/grafana-k8s-operator lib/charms/grafana_k8s/v0/grafana_source.py, LIBPATCH 29:
``GrafanaSourceProvider._scrape_data`` and ``_set_unit_details``; the consumer's
``_get_source_data``.)
"""

import json
from typing import Any, Dict, Optional, Tuple

from domain.config.charm_config import CharmConfig
from domain.facts import Identity
from domain.relations.unit_address import public_url


def app_data(config: CharmConfig, identity: Identity) -> Tuple[Tuple[str, str], ...]:
    # Grafana's minimum step for this source: queries never ask finer than we scrape
    extra: Dict[str, Any] = {"timeInterval": str(config.scrape_interval)}
    secure: Optional[Dict[str, str]] = None
    if config.tls is not None:
        # Prometheus serves HTTPS with the operator's certificate, often self-signed: Grafana
        # is given it to trust (jsonData.tlsAuthWithCACert, secureJsonData.tlsCACert, as in
        # Grafana's datasource provisioning). A certificate is public; the key never leaves.
        extra["tlsAuthWithCACert"] = True
        secure = {"tlsCACert": config.tls.cert_pem}
    source = {
        "model": identity.model,
        "model_uuid": identity.model_uuid,
        "application": identity.app,
        "type": "prometheus",
        "extra_fields": extra,
        "secure_extra_fields": secure,
    }
    return (("grafana_source_app_host", ""), ("grafana_source_data", json.dumps(source)))


def unit_data(config: CharmConfig, identity: Identity) -> Tuple[Tuple[str, str], ...]:
    return (("grafana_source_host", public_url(config, identity)),)
