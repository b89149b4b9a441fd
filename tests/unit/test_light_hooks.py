"""Hooks that do not look at the pods stay light: they import only what their options and
relations need (the issue "light hooks"; figures in the README's Benchmarks section).

Each case runs the charm through ops' Harness in a fresh interpreter and reads ``sys.modules``
after the hooks: an import made at module level anywhere on the way would show up there.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, FrozenSet

ROOT = Path(__file__).resolve().parents[2]

# Imported on first use only: by pod hooks (start, update-status, upgrade-charm), by options
# that are set, or by relations that exist.
HEAVY = frozenset({
    "kubernetes", "adapters.kubernetes", "adapters.kubernetes_rest", "urllib3",  # pod hooks
    "adapters.prometheus_api", "domain.reload",  # pod hooks
    "adapters.tls_pair", "domain.values.pem",  # TLS options
    "domain.rules.checker", "domain.rules.reader", "domain.rules.promql",  # alert-rules
    "domain.grafana.dashboard",  # grafana-dashboard
    "domain.relations.legacy_alerting", "domain.relations.label_selector",  # alertmanager
    "domain.relations.alertmanager_dispatch",  # alertmanager-dispatch
    "domain.relations.metrics_endpoint", "domain.relations.scrape.render",  # metrics-endpoint
    "domain.relations.rules_scope",  # relations that carry rules
})

HOOKS = """
import json, sys
from ops.testing import Harness
from charm import PrometheusCharm

harness = Harness(PrometheusCharm)
harness.add_oci_resource("prometheus-image", {"registrypath": "prom/prometheus:v2.53.0",
                                              "username": "", "password": ""})
harness.set_leader(True)
harness.begin()
for endpoint, remote in json.loads(sys.argv[1]):
    relation_id = harness.add_relation(endpoint, remote)
    harness.add_relation_unit(relation_id, remote + "/0")  # relation-joined and -changed
harness.update_config(json.loads(sys.argv[2]))  # config-changed
json.dump({"status": harness.charm.unit.status.name, "modules": sorted(sys.modules)}, sys.stdout)
"""


def loaded_after_hooks(relations: Dict[str, str], config: Dict[str, str]) -> FrozenSet[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    done = subprocess.run([sys.executable, "-c", HOOKS, json.dumps(list(relations.items())), json.dumps(config)],
                          env=env, capture_output=True, text=True, timeout=120, check=True)
    result = json.loads(done.stdout)
    assert result["status"] == "waiting", result["status"]  # the hooks ran to their end
    return frozenset(result["modules"])


def heavy(modules: FrozenSet[str]) -> FrozenSet[str]:
    return frozenset(m for m in modules if m in HEAVY or m.split(".")[0] in HEAVY)


def test_config_changed_and_relation_hooks_with_default_options_stay_light():
    modules = loaded_after_hooks({"grafana-source": "grafana"}, {"scrape-interval": "30s"})

    assert "domain.plan" in modules  # the hooks did plan the workload
    assert heavy(modules) == frozenset()


def test_what_options_and_relations_ask_for_is_imported_when_they_ask():
    rules = "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n"
    modules = loaded_after_hooks({"grafana-dashboard": "grafana", "alertmanager": "alertmanager"},
                                 {"alert-rules": rules})

    assert {"domain.rules.checker", "domain.grafana.dashboard", "domain.relations.legacy_alerting"} <= modules
    assert "kubernetes" not in modules and "adapters.prometheus_api" not in modules
