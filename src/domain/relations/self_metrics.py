"""``self-metrics-endpoint`` (provides, ``prometheus_scrape``): another Prometheus scrapes this one. Pure.

What a ``MetricsEndpointProvider`` writes (canonical/prometheus-k8s-operator
lib/charms/prometheus_k8s/v0/prometheus_scrape.py, ``set_scrape_job_spec`` and ``_set_unit_ip``),
as ``json.dumps`` writes it (its default separators, keys in the library's order), so that the
same configuration always gives the same bytes and no needless relation-changed:

* app bag (leader): ``scrape_metadata``, our topology as ``JujuTopology.as_dict`` orders it
  (model, model_uuid, application, unit = the leader, charm_name); ``scrape_jobs``, one job for
  every unit's ``/metrics`` under the route prefix of ``web-external-url``, with ``scheme:
  https`` and ``tls_config.ca_file`` holding the certificate PEM itself when ``ssl-cert`` is set
  (the consumer writes that text to a file and points the job at it); ``alert_rules``, the
  ``self_alerts`` pack already labelled and scoped to our topology;
* unit bags: ``prometheus_scrape_unit_address`` and ``prometheus_scrape_unit_fqdn`` (the pod's
  stable DNS name, ``unit_address.unit_host``: the consumer replaces ``*`` by it),
  ``prometheus_scrape_unit_name`` and ``prometheus_scrape_unit_path`` "" (Juju deletes it).

Group names are led by the topology identifier and end in ``_alerts``, as the providers' rule
loader names them (canonical/cos-lib src/cosl/rules.py, ``AlertRules._group_name``). Every rule
carries ``juju_model``, ``juju_model_uuid``, ``juju_application`` and ``juju_charm`` labels, and
the first three as matchers in every vector selector (``domain.rules.inject``): a consumer
without ``cos-tool`` loads the expressions as sent.
"""

import json
from typing import Any, Dict, List, Tuple

from domain.config.charm_config import CharmConfig
from domain.container import PORT
from domain.facts import Identity
from domain.relations.self_alerts import ALERTS, GROUP
from domain.relations.topology import Topology
from domain.relations.unit_address import unit_host
from domain.rules.inject import inject_matchers

CHARM_NAME = "prometheus"  # metadata.yaml's name


def topology(identity: Identity) -> Topology:
    return Topology(identity.model, identity.model_uuid, identity.app, CHARM_NAME)


def scrape_metadata(identity: Identity) -> str:
    return json.dumps({"model": identity.model, "model_uuid": identity.model_uuid,
                       "application": identity.app, "unit": identity.unit, "charm_name": CHARM_NAME})


def scrape_jobs(config: CharmConfig) -> str:
    job: Dict[str, Any] = {"metrics_path": config.route_prefix + "/metrics",
                           "static_configs": [{"targets": [f"*:{PORT}"]}]}
    if config.tls is not None:
        # The certificate we serve is what the scraper must trust: a self-signed one is its own
        # CA, and Go accepts a leaf found in the pool itself (crypto/x509 verify.go).
        job["scheme"] = "https"
        job["tls_config"] = {"ca_file": config.tls.cert_pem}
    return json.dumps([job])


def alert_groups(identity: Identity) -> List[Dict[str, Any]]:
    """The pack as rule-file groups, scoped to our topology."""
    scope = topology(identity)
    rules: List[Dict[str, Any]] = []
    for alert in ALERTS:
        rules.append({"alert": alert.name, "expr": inject_matchers(alert.expr, scope.matchers),
                      "for": alert.for_, "labels": dict(alert.labels + scope.labels),
                      "annotations": dict(alert.annotations)})
    return [{"name": f"{scope.identifier}_{GROUP}_alerts", "rules": rules}]


def alert_rules(identity: Identity) -> str:
    return json.dumps({"groups": alert_groups(identity)})


def app_data(config: CharmConfig, identity: Identity) -> Tuple[Tuple[str, str], ...]:
    return (("alert_rules", alert_rules(identity)), ("scrape_jobs", scrape_jobs(config)),
            ("scrape_metadata", scrape_metadata(identity)))


def unit_data(identity: Identity) -> Tuple[Tuple[str, str], ...]:
    host = unit_host(identity)
    return (("prometheus_scrape_unit_address", host), ("prometheus_scrape_unit_fqdn", host),
            ("prometheus_scrape_unit_name", identity.unit), ("prometheus_scrape_unit_path", ""))
