"""Two replicas of the same spec are told apart by their pod's name, and their alerts are one.

Each generation runs two real Prometheus processes from one pod spec, each with the
``POD_NAME`` Kubernetes would set from the spec's ``envConfig`` (the pod's own name). Their
series carry different ``prometheus_replica`` external labels (the loaded configuration and
``/federate``), while the alerts they send, caught by a small Alertmanager stand-in on
loopback, carry the same labels without it, so that Alertmanager deduplicates them.
"""

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from domain.facts import AlertmanagerTarget
from scripts.localrun.pod import LocalPod
from tests.support.builders import make_plan

pytestmark = pytest.mark.e2e

# `for` lets discovery (a 5 s tick) find the Alertmanager before the first notification, which
# is not repeated for a minute (--rules.alert.resend-delay).
RULES = ("groups:\n- name: g\n  rules:\n  - alert: Always\n    expr: vector(1)\n    for: 6s\n"
         "    labels:\n      severity: page\n")
PODS = ("prometheus-0", "prometheus-1")


class Receiver(ThreadingHTTPServer):
    """Keeps every alert posted to it (Alertmanager's API v1 and v2 both take a JSON list)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.alerts: List[Dict[str, Any]] = []


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.alerts.extend(json.loads(body or b"[]"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def replicas(generation, tmp_path_factory) -> Iterator[Tuple[Receiver, List[LocalPod]]]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    plan = make_plan(generation.image, alert_rules=RULES, evaluation_interval="1s",
                     external_labels='{"cluster": "dc1"}',
                     alertmanagers=(AlertmanagerTarget("127.0.0.1", receiver.server_address[1]),))
    pods: List[LocalPod] = []
    try:
        for name in PODS:  # POD_NAME from the spec's envConfig: each pod's own name
            pods.append(LocalPod(plan.pod_spec, plan.k8s_resources, tmp_path_factory.mktemp(name),
                                 binary=generation.prometheus, start=False, pod_name=name))
            pods[-1].start()
        for pod in pods:
            pod.wait_ready()
        yield receiver, pods
    finally:
        for pod in pods:
            pod.stop()
        receiver.shutdown()
        receiver.server_close()


def test_each_replica_carries_its_own_pods_name(replicas):
    _, pods = replicas

    labels = [pod.loaded_config()["global"]["external_labels"] for pod in pods]

    assert labels == [{"cluster": "dc1", "prometheus_replica": name} for name in PODS]


def test_federated_series_tell_the_replicas_apart(replicas):
    _, pods = replicas
    query = "/federate?" + urllib.parse.urlencode({"match[]": 'ALERTS{alertname="Always"}'})

    texts = [pod.wait_for("a federated ALERTS series", lambda p=pod: p.get(query).decode()) for pod in pods]

    for name, text in zip(PODS, texts):
        assert f'prometheus_replica="{name}"' in text
        assert 'cluster="dc1"' in text


def test_alerts_reach_alertmanager_without_the_replica_label(replicas):
    receiver, pods = replicas
    senders = {f":{pod.port}/" for pod in pods}

    def from_both() -> bool:
        return {s for s in senders for a in list(receiver.alerts) if s in a.get("generatorURL", "")} == senders

    deadline = time.monotonic() + 20
    while not from_both() and time.monotonic() < deadline:
        time.sleep(0.2)

    assert from_both(), receiver.alerts
    label_sets = {json.dumps(a["labels"], sort_keys=True) for a in receiver.alerts}
    assert [json.loads(s) for s in label_sets] == [
        {"alertname": "Always", "severity": "page", "cluster": "dc1"}]  # one alert for Alertmanager
