"""An alert rule (option ``alert-rules``) fires in a real Prometheus configured only by the
charm's files and the two Alertmanager relations' data, and reaches real Alertmanagers, whose
webhook receivers post it to a loopback recorder.

* ``alertmanager-dispatch``: one unit writes v1 (``url``), another v0 (``public_address`` and
  ``scheme``), each naming its own Alertmanager on 127.0.0.1.
* ``alertmanager`` (the 2020 charm's ``alerting_config``): on 3.x, the section exactly as that
  charm sends it (another namespace named), whose pod discovery Prometheus runs against a loopback
  Kubernetes API (tests/support/k8s_discovery_api.py) holding one pod labelled the old way
  (``juju-app``), one the new way (``app.kubernetes.io/name``), each declaring 9093/TCP and
  9094/TCP+UDP, and a pod of another namespace. On Debian's 2.42, built without Kubernetes
  discovery, a static target with ``api_version: v1`` (which Alertmanager 0.25 still serves)
  runs instead, and the discovery section is checked by structure and by promtool with its
  discovery blocks swapped for static targets.

What changes between the pod and this machine, and nothing else: each discovery block gets the
API server, CA and token that in-cluster configuration gives a pod, and the port rule's 9093
becomes the loopback ports the two Alertmanagers listen on (each pod's 9093 in the cluster).
"""

import copy
import json
import random
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml

from domain.facts import Facts, Identity
from domain.plan import Plan, plan
from domain.relations.data import Bag, Relation
from domain.relations.label_selector import parse
from domain.values.image import ImageDetails
from scripts.localrun.generations import Generation
from scripts.localrun.pod import LocalPod
from scripts.localrun.processes import ManagedProcess, free_port, wait_until_ready
from tests.support.builders import make_config
from tests.support.k8s_discovery_api import FakeKubernetesApi
from tests.support.k8s_requests import authorization_attributes
from tests.unit.domain.relations.test_label_selector import INVALID, VALID

pytestmark = pytest.mark.e2e

ALERT = "RelationsEndToEnd"
RULES = f"groups:\n- name: e2e\n  rules:\n  - alert: {ALERT}\n    expr: vector(1)\n    for: 6s\n"
AS_SENT = json.dumps({"alertmanagers": [{"kubernetes_sd_configs": [{
    "role": "pod", "namespaces": {"names": ["elsewhere"]},
    "selectors": [{"role": "pod", "label": "juju-app=am-legacy"}]}]}]})


class Webhooks:
    """A loopback HTTP server recording every POST: (path, JSON body)."""

    def __init__(self) -> None:
        self.posts: List[Tuple[str, Dict[str, Any]]] = []
        recorded = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                recorded.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def alerted(self, path: str) -> bool:
        return any(p == path and any(a["labels"].get("alertname") == ALERT for a in body["alerts"])
                   for p, body in list(self.posts))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def webhooks() -> Iterator[Webhooks]:
    hooks = Webhooks()
    yield hooks
    hooks.stop()


@pytest.fixture
def start_alertmanagers(tmp_path: Path, generation: Generation, webhooks: Webhooks):
    if generation.alertmanager is None:
        pytest.skip("prometheus-alertmanager is not installed (scripts/setup installs it)")
    started: List[ManagedProcess] = []

    def start(*names: str) -> Dict[str, int]:
        ports = {name: free_port() for name in names}
        for name, port in ports.items():
            config = tmp_path / f"am-{name}.yml"
            config.write_text(yaml.safe_dump({
                "route": {"receiver": "hook", "group_wait": "0s", "group_interval": "1s",
                          "repeat_interval": "1h"},
                "receivers": [{"name": "hook", "webhook_configs": [{"url": f"{webhooks.url}/{name}"}]}]}))
            started.append(ManagedProcess(
                [generation.alertmanager, f"--config.file={config}", f"--storage.path={tmp_path / name}",
                 f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
                tmp_path / f"am-{name}.log"))
        for process, port in zip(started, ports.values()):
            wait_until_ready(f"http://127.0.0.1:{port}/-/ready", process)
        return ports

    yield start
    for process in started:
        process.stop()


def facts_for(generation: Generation, *relations: Relation) -> Facts:
    return Facts(image=ImageDetails(generation.image), identity=Identity("prometheus", "lma"),
                 relations=relations)


def unit_bags(app: str, *bags: Dict[str, str]) -> Tuple[Bag, ...]:
    return tuple(Bag.of(f"{app}/{i}", data) for i, data in enumerate(bags))


def dispatch_relation(ports: Dict[str, int]) -> Relation:
    return Relation("alertmanager-dispatch", 1, "alertmanager", Bag("alertmanager"), unit_bags(
        "alertmanager", {"url": f"http://127.0.0.1:{ports['v1']}"},
        {"public_address": f"127.0.0.1:{ports['v0']}", "scheme": "http"}))


def legacy_relation(alerting_config: str) -> Relation:
    return Relation("alertmanager", 2, "am-legacy", Bag("am-legacy"),
                    unit_bags("am-legacy", {"alerting_config": alerting_config}))


def charm_plan(generation: Generation, *relations: Relation) -> Plan:
    facts = facts_for(generation, *relations)
    result = plan(make_config(facts.image.version, evaluation_interval="1s", alert_rules=RULES), facts)
    assert result.dropped == ()
    return result


def prometheus_yml_of(spec: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The mapping holding prometheus.yml in the spec (its ConfigMap's data), and the file read."""
    volume = next(v for v in spec["containers"][0]["volumeConfig"] if v["name"] == "cfg")
    data = spec["configMaps"][volume["configMap"]["name"]]
    return data, yaml.safe_load(data["prometheus.yml"])


def in_this_machine(spec: Dict[str, Any], api: FakeKubernetesApi, account: Path, ports: List[int]) -> Dict[str, Any]:
    """The pod spec with what the cluster gives a pod swapped for its loopback stand-ins (above)."""
    spec = copy.deepcopy(spec)
    entry, document = prometheus_yml_of(spec)
    for alertmanager in document["alerting"]["alertmanagers"]:
        for sd in alertmanager.get("kubernetes_sd_configs", []):
            sd.update(api_server=api.url, tls_config={"ca_file": str(account / "ca.crt")},
                      authorization={"credentials_file": str(account / "token")})
        for rule in alertmanager.get("relabel_configs", []):
            assert rule["regex"] == "TCP;9093"
            rule["regex"] = "TCP;(" + "|".join(map(str, ports)) + ")"
    entry["prometheus.yml"] = yaml.safe_dump(document)
    return spec


def alertmanager_pod(name: str, namespace: str, labels: Dict[str, str], web_port: int) -> Dict[str, Any]:
    ports = [{"name": "web", "containerPort": web_port, "protocol": "TCP"},
             {"name": "mesh-tcp", "containerPort": 9094, "protocol": "TCP"},
             {"name": "mesh-udp", "containerPort": 9094, "protocol": "UDP"}]
    return {"metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {"nodeName": "node-1", "containers": [{"name": "alertmanager", "ports": ports}]},
            "status": {"phase": "Running", "podIP": "127.0.0.1", "hostIP": "127.0.0.1",
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def wait_for(what: str, check, pod: LocalPod, timeout: float = 40.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{pod.process.log()[-3000:] if pod.process else ''}")


def active_urls(pod: LocalPod) -> List[str]:
    return sorted(a["url"] for a in pod.api("/api/v1/alertmanagers")["activeAlertmanagers"])


def test_an_alert_reaches_alertmanager_through_both_relations(generation, start_alertmanagers, webhooks, tmp_path):
    started = time.monotonic()
    if generation.has_kubernetes_sd:
        ports = start_alertmanagers("v1", "v0", "legacy-old", "legacy-new")
        legacy = legacy_relation(AS_SENT)
    else:
        ports = start_alertmanagers("v1", "v0", "legacy-static")
        legacy = legacy_relation(json.dumps({"alertmanagers": [{
            "static_configs": [{"targets": [f"127.0.0.1:{ports['legacy-static']}"]}], "api_version": "v1"}]}))
    result = charm_plan(generation, dispatch_relation(ports), legacy)
    spec = result.pod_spec
    with FakeKubernetesApi() as api:
        if generation.has_kubernetes_sd:
            api.put("pods", alertmanager_pod("am-legacy-0", "lma", {"juju-app": "am-legacy"}, ports["legacy-old"]))
            api.put("pods", alertmanager_pod("am-legacy-1", "lma", {"app.kubernetes.io/name": "am-legacy"},
                                             ports["legacy-new"]))
            api.put("pods", alertmanager_pod("decoy-0", "elsewhere", {"juju-app": "am-legacy"}, 1))
            api.put("pods", alertmanager_pod("other-0", "lma", {"juju-app": "other"}, 2))
            account = api.write_service_account(tmp_path / "serviceaccount")
            spec = in_this_machine(spec, api, account, [ports["legacy-old"], ports["legacy-new"]])
        pod = LocalPod(spec, result.k8s_resources, tmp_path / "pod", binary=generation.prometheus)
        try:
            for name in ports:
                wait_for(f"the alert at the {name} Alertmanager's webhook", lambda n=name: webhooks.alerted(f"/{n}"),
                         pod)
            urls = active_urls(pod)
            dropped = [a["url"] for a in pod.api("/api/v1/alertmanagers")["droppedAlertmanagers"]]
        finally:
            pod.stop()
        requests = list(api.requests)
    # each Alertmanager once, found by both selectors or not; the peering port dropped
    assert urls == sorted(f"http://127.0.0.1:{port}/api/v{1 if name == 'legacy-static' else 2}/alerts"
                          for name, port in ports.items())
    if generation.has_kubernetes_sd:
        assert any(":9094/" in url for url in dropped)
        # all it asked is what the Role grants: list and watch pods, in the model's namespace
        assert {authorization_attributes(r) for r in requests} <= {("list", "pods"), ("watch", "pods")}
        pod_paths = [r.path for r in requests]
        assert pod_paths and all(path.startswith("/api/v1/namespaces/lma/pods?") for path in pod_paths)
        assert any("labelSelector=juju-app%3Dam-legacy" in path for path in pod_paths)
        assert any("labelSelector=app.kubernetes.io%2Fname%3Dam-legacy" in path for path in pod_paths)
    print(f"{generation}: alerts delivered to {len(ports)} Alertmanagers in {time.monotonic() - started:.1f}s")


def test_the_discovery_section_as_rendered_loads_in_promtool(generation, tmp_path):
    result = charm_plan(generation, legacy_relation(AS_SENT))
    _, document = prometheus_yml_of(result.pod_spec)
    (entry,) = document["alerting"]["alertmanagers"]
    assert entry["kubernetes_sd_configs"] == [
        {"role": "pod", "namespaces": {"names": ["lma"]}, "selectors": [{"role": "pod", "label": label}]}
        for label in ("juju-app=am-legacy", "app.kubernetes.io/name=am-legacy")]
    assert entry["relabel_configs"] == [{
        "source_labels": ["__meta_kubernetes_pod_container_port_protocol",
                          "__meta_kubernetes_pod_container_port_number"],
        "regex": "TCP;9093", "action": "keep"}]
    assert set(entry) == {"scheme", "path_prefix", "timeout", "kubernetes_sd_configs", "relabel_configs"}
    if not generation.has_kubernetes_sd:  # Debian's 2.42: judge the rest with static targets
        entry["static_configs"] = [{"targets": ["127.0.0.1:9093"]}]
        del entry["kubernetes_sd_configs"]
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name, content in result.files.files:
        (config_dir / name).write_text(content)
    (config_dir / "prometheus.yml").write_text(yaml.safe_dump(document))
    done = subprocess.run([generation.promtool, "check", "config", str(config_dir / "prometheus.yml")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_label_selectors_are_judged_as_prometheus_judges_them(generation, tmp_path):
    """Our reading of Kubernetes' selector grammar against Prometheus' own (labels.Parse), on the
    named cases and 200 drawn from the grammar's characters, in one promtool run."""
    if not generation.has_kubernetes_sd:
        pytest.skip("Debian's 2.42 has no Kubernetes discovery to judge selectors")
    draw = random.Random(20260101)  # noqa: S311 (test data, drawn the same every run)
    alphabet = "ab=!(),<> \tin/.-_19"
    cases = [*VALID, *INVALID, *("".join(draw.choice(alphabet) for _ in range(draw.randint(0, 14)))
                                 for _ in range(200))]
    files = []
    for i, label in enumerate(cases):
        path = tmp_path / f"s{i}.yml"
        path.write_text(json.dumps({"alerting": {"alertmanagers": [{"kubernetes_sd_configs": [
            {"role": "pod", "selectors": [{"role": "pod", "label": label}]}]}]}}))
        files.append(path)
    done = subprocess.run([generation.promtool, "check", "config", *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=False)
    output = done.stdout + done.stderr
    policy = {"a=b\x00,c"}  # Go's lexer stops at NUL; we refuse control characters
    disagree = [label for path, label in zip(files, cases)
                if (f"SUCCESS: {path} " in output or f"SUCCESS: {path}\n" in output)
                != (not isinstance(parse(label), str)) and label not in policy]
    assert disagree == []
    assert sum(f"SUCCESS: {path}" in output for path in files) > len(VALID)  # both answers occur


def test_hostile_bags_through_the_charm_process_are_dropped_alone(tmp_path):
    """./dispatch -> ops -> the charm, with Juju's hook tools doubled: one relation hook with a
    bag of each relation that no reader may crash on, beside good ones."""
    from scripts.localrun.fake_k8s import FakeKubernetesApi as PodsApi
    from scripts.localrun.juju_sim import JujuSim

    pods_api = PodsApi()
    try:
        sim = JujuSim(Path(__file__).resolve().parents[2], tmp_path / "juju",
                      extra_env={"KUBECONFIG": str(pods_api.write_kubeconfig(tmp_path / "kubeconfig"))})
        sim.attach_image("prom/prometheus:v3.5.0")
        sim.set_leader(True)
        sim.add_relation("alertmanager-dispatch", "am", ["am/0", "am/1"], unit_data={
            "am/0": {"url": "http://am-0:9093/\x00\ud800" + "x" * 100_000}, "am/1": {"url": "http://am-1:9093"}})
        legacy_id = sim.add_relation("alertmanager", "am-legacy", ["am-legacy/0", "am-legacy/1"], unit_data={
            "am-legacy/0": {"alerting_config": "[" * 16_000 + "]" * 300},
            "am-legacy/1": {"alerting_config": AS_SENT}})

        result = sim.run_hook("alertmanager-relation-changed", relation_id=legacy_id)
    finally:
        pods_api.stop()

    assert result.ok, str(result)
    status, message = sim.unit_status()
    assert status == "waiting"
    assert "ignored relation data: alertmanager:1 am-legacy/0: alerting_config: nests deeper" in message
    assert "(and 1 more, see juju debug-log)" in message
    assert any("alertmanager-dispatch:0 am/0: url is" in line for line in sim.juju_log())
    spec, _ = sim.pod_spec()
    _, document = prometheus_yml_of(spec)
    entries = document["alerting"]["alertmanagers"]
    assert entries[0]["static_configs"] == [{"targets": ["am-1:9093"]}]
    assert entries[1]["kubernetes_sd_configs"][0]["namespaces"] == {"names": ["lma"]}
    assert spec["serviceAccount"]["roles"][1]["name"] == "prometheus-alertmanager-discovery"
