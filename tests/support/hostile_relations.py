"""One well-behaved set of relations on every endpoint, and what a plan makes of it.

``GOOD_SET`` is a relation per endpoint as the adapter snapshots them (relation ids 10 to 19):
a scrape provider with two jobs (one with a password) and alert rules, two Alertmanager
units on ``alertmanager-dispatch``, a legacy Alertmanager, a remote-write receiver, a
remote-write sender with rules, Grafana on ``grafana-source``/``grafana-dashboard``, a client
on ``http-api`` and a scraper on ``self-metrics-endpoint``. ``good_outputs`` pulls out of a
plan everything these relations put into it, as text, so that two plans can be compared.
"""

import functools
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from domain.facts import Facts, Identity
from domain.plan import Plan, plan
from domain.relations.data import Bag, Relation
from domain.relations.endpoints import (
    ALERTMANAGER_DISPATCH,
    GRAFANA_DASHBOARD,
    GRAFANA_SOURCE,
    HTTP_API,
    LEGACY_ALERTMANAGER,
    METRICS_ENDPOINT,
    RECEIVE_REMOTE_WRITE,
    SELF_METRICS,
    SEND_REMOTE_WRITE,
)
from domain.values.image import ImageDetails
from tests.support.builders import IMAGE, make_config
from tests.support.extract import config_map_files

MODEL_UUID = "12345678-1234-4234-8234-123456789abc"
IDENTITY = Identity("prometheus", "lma", MODEL_UUID, "prometheus/0")
API_HOSTS = ("10.152.183.1",)
GOOD_SECRET = "good-scrape-password-0001"
GOOD_RULES = json.dumps({"groups": [{"name": "lma_12345678_api_api", "rules": [
    {"alert": "ApiDown", "expr": "up == 0", "for": "1m", "labels": {"severity": "page"}}]}]})
AGENT_RULES = json.dumps({"groups": [{"name": "agent", "rules": [
    {"alert": "AgentSilent", "expr": "absent(up)", "annotations": {"summary": "{{ $labels.job }}"}}]}]})
LEGACY_CONFIG = json.dumps({"alertmanagers": [{"kubernetes_sd_configs": [{
    "role": "pod", "namespaces": {"names": ["lma"]},
    "selectors": [{"role": "pod", "label": "juju-app=legacy-am"}]}]}]})
GOOD_JOB_NAMES = ("juju_lma_12345678_api_prometheus_scrape_node", "juju_lma_12345678_api_prometheus_scrape_app")


def metadata(app: str, model: str = "lma", uuid: str = MODEL_UUID) -> str:
    return json.dumps({"model": model, "model_uuid": uuid, "application": app, "unit": f"{app}/0",
                       "charm_name": f"{app}-k8s"})


def relation(endpoint: str, rid: int, app: str, app_bag: Optional[Dict[str, str]] = None,
             unit_bags: Sequence[Dict[str, str]] = ({},)) -> Relation:
    units = tuple(Bag.of(f"{app}/{n}", bag) for n, bag in enumerate(unit_bags))
    return Relation(endpoint, rid, app, Bag.of(app, app_bag or {}), units)


def good_set() -> Tuple[Relation, ...]:
    jobs = [{"job_name": "node", "static_configs": [{"targets": ["*:9100"], "labels": {"tier": "web"}}],
             "basic_auth": {"username": "u", "password": GOOD_SECRET}},
            {"job_name": "app", "metrics_path": "/m", "scrape_interval": "30s",
             "static_configs": [{"targets": ["*:8080", "10.9.0.5:8080"]}]}]
    am = "am-{n}.am-endpoints.lma.svc.cluster.local:9093"
    return (
        relation(METRICS_ENDPOINT, 10, "api", {"scrape_metadata": metadata("api"), "scrape_jobs": json.dumps(jobs),
                                               "alert_rules": GOOD_RULES},
                 [{"prometheus_scrape_unit_address": f"10.1.0.{n}", "prometheus_scrape_unit_name": f"api/{n}"}
                  for n in range(2)]),
        relation(ALERTMANAGER_DISPATCH, 11, "am", {}, [{"url": "http://" + am.format(n=0)},
                                                        {"public_address": am.format(n=1), "scheme": "http"}]),
        relation(LEGACY_ALERTMANAGER, 12, "legacy-am", {}, [{"alerting_config": LEGACY_CONFIG}]),
        relation(SEND_REMOTE_WRITE, 13, "mimir", {}, [{"remote_write": json.dumps(
            {"url": "http://mimir-0.mimir-endpoints.lma.svc.cluster.local:9009/api/v1/push"})}]),
        relation(RECEIVE_REMOTE_WRITE, 14, "agent", {"alert_rules": AGENT_RULES, "scrape_metadata": metadata("agent")}),
        relation(GRAFANA_SOURCE, 15, "grafana"),
        relation(GRAFANA_DASHBOARD, 16, "grafana"),
        relation(HTTP_API, 17, "client"),
        relation(SELF_METRICS, 18, "scraper"),
    )


GOOD_SET = good_set()
GOOD_IDS = frozenset(r.relation_id for r in GOOD_SET)


def facts_with(relations: Iterable[Relation], image: str = IMAGE) -> Facts:
    """The facts the adapter would give: relations in endpoint, then relation-id order."""
    ordered = tuple(sorted(relations, key=lambda r: (r.endpoint, r.relation_id)))
    return Facts(image=ImageDetails(image), identity=IDENTITY, relations=ordered, kubernetes_api_hosts=API_HOSTS)


def plan_for(relations: Iterable[Relation], image: str = IMAGE) -> Plan:
    facts = facts_with(relations, image)
    return plan(make_config(facts.image.version), facts)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> str:
    return json.dumps(yaml.load(text, Loader=_LOADER))  # noqa: S506 (a safe loader)


def document(result: Plan) -> Dict[str, Any]:
    """prometheus.yml as data (a fresh copy: callers may change it)."""
    return dict(json.loads(_parsed(result.prometheus_yml)))


def files(result: Plan) -> Dict[str, str]:
    """Every file of every ConfigMap the spec makes, as ``<volume>/<name>``."""
    found = {f"cfg/{k}": v for k, v in config_map_files(result.pod_spec, "cfg").items()}
    found.update({f"targets/{k}": v for k, v in config_map_files(result.pod_spec, "targets").items()})
    for name, data in (result.pod_spec.get("configMaps") or {}).items():
        found.update({f"{name}/{k}": str(v) for k, v in (data or {}).items()})
    return found


def secrets(result: Plan) -> Dict[str, Dict[str, str]]:
    return {s["name"]: dict(s.get("stringData") or s.get("data") or {})
            for s in result.k8s_resources["kubernetesResources"]["secrets"]}


def scrape_secret(result: Plan) -> Dict[str, str]:
    [found] = [data for name, data in secrets(result).items() if name.endswith("scrape-secrets")]
    return found


def _referenced(job: Dict[str, Any]) -> List[str]:
    """The base names of the files a job points at: targets, CA, password/credentials."""
    text = json.dumps(job)
    names = [f.rsplit("/", 1)[1] for sd in job.get("file_sd_configs", []) for f in sd["files"]]
    for section, key in (("tls_config", "ca_file"), ("basic_auth", "password_file"),
                         ("authorization", "credentials_file")):
        if key in job.get(section, {}):
            names.append(job[section][key].rsplit("/", 1)[1])
    assert all(n in text for n in names)
    return names


def good_outputs(result: Plan) -> Dict[str, str]:
    """Everything the good relations put into ``result``, each part as text."""
    doc = document(result)
    out: Dict[str, str] = {}
    jobs = {j["job_name"]: j for j in doc["scrape_configs"]}
    all_files = files(result)
    secret = scrape_secret(result)
    for name in GOOD_JOB_NAMES:
        out[f"job {name}"] = json.dumps(jobs.get(name), sort_keys=True)
        for ref in _referenced(jobs.get(name) or {}):
            hits = {k: v for k, v in all_files.items() if k.rsplit("/", 1)[1] == ref}
            hits.update({f"secret/{ref}": secret[ref]} if ref in secret else {})
            assert hits, f"{name} points at {ref}, which is published nowhere"
            out.update({f"file {k}": v for k, v in hits.items()})
    for key, text in all_files.items():
        if "_api_metrics-endpoint_10" in key or "_agent_receive-remote-write_14" in key:
            out[f"rules {key}"] = text
    # The digest marker names the digest of all the files: it changes with any of them.
    out["rule_files"] = json.dumps([f for f in doc.get("rule_files") if not f.startswith("published-config-")])
    out["args"] = json.dumps(result.pod_spec["containers"][0]["args"])
    out["serviceAccount"] = json.dumps(result.pod_spec.get("serviceAccount"), sort_keys=True)
    for write in result.relation_writes:
        if write.relation_id in GOOD_IDS:
            out[f"write {write.endpoint}:{write.relation_id} app={write.app}"] = json.dumps(write.items)
    return out


def alertmanager_entries(result: Plan) -> List[str]:
    return [json.dumps(e, sort_keys=True) for e in document(result).get("alerting", {}).get("alertmanagers", [])]


def remote_writes(result: Plan) -> List[str]:
    return [json.dumps(e, sort_keys=True) for e in document(result).get("remote_write", [])]


def published_text(result: Plan) -> Dict[str, str]:
    """What reaches the pod other than the scrape Secret: every ConfigMap file, the pod spec
    (args, environment, everything) and every other k8s resource."""
    out = {f"file {k}": v for k, v in files(result).items()}
    spec = dict(result.pod_spec)
    spec.pop("configMaps", None)
    out["pod spec"] = json.dumps(spec, ensure_ascii=False)
    resources = json.loads(json.dumps(result.k8s_resources))
    resources["kubernetesResources"]["secrets"] = [s for s in resources["kubernetesResources"]["secrets"]
                                                   if not s["name"].endswith("scrape-secrets")]
    out["k8s resources"] = json.dumps(resources, ensure_ascii=False)
    return out
