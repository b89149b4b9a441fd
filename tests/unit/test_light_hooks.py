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
    "adapters.rules_cache",  # relations that may carry rules, under Juju (JUJU_CHARM_DIR)
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


def loaded_after_hooks(relations: Dict[str, str], config: Dict[str, str], hooks: str = HOOKS,
                       **env: str) -> FrozenSet[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]), **env)
    done = subprocess.run([sys.executable, "-c", hooks, json.dumps(list(relations.items())), json.dumps(config)],
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


# One hook of a deployed charm: its relation, with a unit and rules, is there before the hook
# (a Harness begun after the relation was added emits nothing for it).
ONE_HOOK = """
import json, sys
from ops.testing import Harness
from charm import PrometheusCharm

harness = Harness(PrometheusCharm)
harness.add_oci_resource("prometheus-image", {"registrypath": "prom/prometheus:v2.53.0",
                                              "username": "", "password": ""})
harness.set_leader(True)
metadata = {"model": "lma", "model_uuid": "12345678-1234-4234-8234-123456789abc", "application": "api",
            "unit": "api/0", "charm_name": "api-k8s"}
rules = {"groups": [{"name": "g", "rules": [{"alert": "Down", "expr": "up == 0"}]}]}
relation_id = harness.add_relation("metrics-endpoint", "api", app_data={
    "scrape_metadata": json.dumps(metadata), "alert_rules": json.dumps(rules)})
harness.begin()
harness.update_config(json.loads(sys.argv[2]))  # config-changed: the one hook
json.dump({"status": harness.charm.unit.status.name, "modules": sorted(sys.modules)}, sys.stdout)
"""

def test_a_hook_whose_relations_rules_are_all_known_does_not_load_the_rule_checker(tmp_path):
    """Under Juju (JUJU_CHARM_DIR), the rules judged by one hook are remembered for the next."""
    checker = {"domain.relations.rules_scope", "domain.rules.checker", "domain.rules.reader", "domain.rules.promql"}
    relation = {"metrics-endpoint": "api"}

    cold = loaded_after_hooks(relation, {}, ONE_HOOK, JUJU_CHARM_DIR=str(tmp_path))
    assert checker | {"adapters.rules_cache"} <= cold and (tmp_path / ".rules-judgements.json").is_file()

    warm = loaded_after_hooks(relation, {}, ONE_HOOK, JUJU_CHARM_DIR=str(tmp_path))
    assert "adapters.rules_cache" in warm and not checker & warm
