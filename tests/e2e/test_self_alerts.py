"""The self-monitoring pack ``self-metrics-endpoint`` sends fires in a real Prometheus of each
generation, each alert because its condition was caused, and promtool of each generation loads it.

One Prometheus per generation plays both sides of the relation: it scrapes itself with the
labels a consumer gives our units (``juju_model``, ``juju_model_uuid``, ``juju_application``,
``juju_charm``, ``juju_unit``) and evaluates the ``alert_rules`` bag value exactly as written,
with every ``for`` cut to 1s (in this copy only) and evaluation every second. The conditions:

* a refused reload: a broken prometheus.yml, then ``POST /-/reload`` (``--web.enable-lifecycle``);
* a scrape going down: a job at a closed port, labelled as our unit;
* notifications failing, dropped and queued near capacity: one Alertmanager at a closed port,
  one that accepts connections and never answers (a listening socket nobody accepts on), a 10s
  send timeout (the queue stays full while a send waits), a queue of 4
  (``--alertmanager.notification-queue-capacity``) and alerts resent every second
  (``--rules.alert.resend-delay``);
* rule evaluation failing: a rule whose evaluation errors at run time (``up * on() up``: a
  many-to-many match once two ``up`` series exist);
* a slow group missing evaluations: a group every 100ms whose one selector, through a remote
  read limited to it by ``required_matchers``, waits 300ms for an answer, without using CPU;
* TSDB compaction, WAL corruption, head and WAL truncation failures cannot be caused in a healthy
  TSDB on a working disk: a loopback target, labelled as our unit, exposes those counters
  (growing on each scrape) so that the alert expressions are evaluated against them.

Prometheus hands discovered targets (scrape and Alertmanager) on only every 5s (discovery
manager's ``updatert``, prometheus/prometheus discovery/manager.go), so the first scrape comes
about 5s after start; every alert fires within about 5s after that.
"""

import json
import socket
import subprocess
import threading
import time
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml

from domain.facts import Identity
from domain.relations import self_metrics
from domain.relations.self_alerts import ALERTS
from scripts.localrun.generations import Generation
from scripts.localrun.processes import ManagedProcess, free_port, http_get, http_post, wait_until_ready

pytestmark = pytest.mark.e2e

IDENTITY = Identity("prometheus", "lma", "6f1c3b2a-9d4e-4c8b-a1f0-2e7d5b9c3a41", "prometheus/0")
TOPOLOGY = {"juju_model": "lma", "juju_model_uuid": IDENTITY.model_uuid, "juju_application": "prometheus",
            "juju_charm": "prometheus", "juju_unit": "prometheus/0"}
SYNTHETIC = ("prometheus_tsdb_compactions_failed_total", "prometheus_tsdb_wal_corruptions_total",
             "prometheus_tsdb_head_truncations_failed_total", "prometheus_tsdb_wal_truncations_failed_total")
SYNTHETIC_ALERTS = {"PrometheusTSDBCompactionsFailing", "PrometheusTSDBWALCorruptions",
                    "PrometheusTSDBHeadTruncationsFailing", "PrometheusTSDBWALTruncationsFailing"}
DEADLINE = 20.0
TEST_RULES = {"groups": [
    {"name": "fails_at_run_time", "rules": [{"record": "test:many_to_many", "expr": "up * on() up"}]},
    {"name": "slow", "interval": "100ms", "rules": [{"record": "test:slow", "expr": 'up{slow="yes"}'}]},
]}


class Loopback:
    """Synthetic TSDB failure counters on GET /metrics; a 300ms-late 500 on POST /read."""

    def __init__(self) -> None:
        scrapes = [0]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                scrapes[0] += 1
                body = "".join(f"# TYPE {name} counter\n{name} {scrapes[0]}\n" for name in SYNTHETIC).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(0.3)
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def pack_copy() -> Dict[str, Any]:
    """The ``alert_rules`` bag value as a rule file, ``for`` cut to 1s."""
    pack: Dict[str, Any] = json.loads(self_metrics.alert_rules(IDENTITY))
    for group in pack["groups"]:
        for rule in group["rules"]:
            rule["for"] = "1s"
    return pack


def prometheus_yml(port: int, closed: int, hanging: int, loopback: int) -> Dict[str, Any]:
    def job(name: str, target: int, labels: Dict[str, str] = TOPOLOGY) -> Dict[str, Any]:
        return {"job_name": name, "static_configs": [{"targets": [f"127.0.0.1:{target}"], "labels": labels}]}
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": ["pack.rules", "test.rules"],
        "alerting": {"alertmanagers": [{"timeout": "10s", "static_configs": [
            {"targets": [f"127.0.0.1:{closed}", f"127.0.0.1:{hanging}"]}]}]},
        "remote_read": [{"url": f"http://127.0.0.1:{loopback}/read", "read_recent": True,
                         "remote_timeout": "5s", "required_matchers": {"slow": "yes"}}],
        "scrape_configs": [job("prometheus", port), job("down", closed), job("synthetic-tsdb", loopback),
                           job("other-app-down", closed, {**TOPOLOGY, "juju_application": "grafana",
                                                           "juju_unit": "grafana/0"})],
    }


def firing_alerts(base: str) -> List[Dict[str, Any]]:
    alerts: List[Dict[str, Any]] = json.loads(http_get(f"{base}/api/v1/alerts"))["data"]["alerts"]
    return [alert for alert in alerts if alert["state"] == "firing"]


@pytest.fixture(scope="module")
def fired(generation: Generation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Run one Prometheus until every alert of the pack fires (or the deadline): what fired, when."""
    directory = tmp_path_factory.mktemp(f"self-alerts-{generation.name}")
    port, closed = free_port(), free_port()
    hanging = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(64)  # connections complete in the kernel; nobody ever reads or answers
    loopback = Loopback()
    (directory / "pack.rules").write_text(yaml.safe_dump(pack_copy(), sort_keys=False))
    (directory / "test.rules").write_text(yaml.safe_dump(TEST_RULES, sort_keys=False))
    config = directory / "prometheus.yml"
    config.write_text(yaml.safe_dump(prometheus_yml(port, closed, hanging.getsockname()[1], loopback.port)))
    started = time.monotonic()
    proc = ManagedProcess([generation.prometheus, f"--config.file={config}",
                           f"--storage.tsdb.path={directory / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
                           "--web.enable-lifecycle", "--alertmanager.notification-queue-capacity=4",
                           "--rules.alert.resend-delay=1s"], directory / "prometheus.log", cwd=directory)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{base}/-/ready", proc)
        ready = time.monotonic() - started
        config.write_text("scrape_configs: [ {\n")  # a YAML error: the reload must be refused
        with pytest.raises(urllib.error.HTTPError):
            http_post(f"{base}/-/reload")
        wanted = {alert.name for alert in ALERTS}
        first: Dict[str, float] = {}
        alerts: List[Dict[str, Any]] = []
        while time.monotonic() - started < DEADLINE and not wanted <= set(first):
            time.sleep(0.25)
            proc.check_alive()
            alerts = firing_alerts(base)
            for alert in alerts:
                first.setdefault(alert["labels"]["alertname"], round(time.monotonic() - started, 1))
        yield {"alerts": alerts, "first": first, "ready": round(ready, 1), "log": proc.log()}
    finally:
        # Closed first: its pending connections are reset, so that a Prometheus draining its queue
        # on shutdown (3.x does by default) is not held by the Alertmanager that never answers.
        hanging.close()
        proc.stop()
        loopback.close()


def test_every_alert_of_the_pack_fires_with_our_labels(fired: Dict[str, Any], generation: Generation) -> None:
    first = fired["first"]
    missing = sorted({alert.name for alert in ALERTS} - set(first))
    assert not missing, f"never fired: {missing}; fired (s after start): {first}\n{fired['log'][-3000:]}"
    print(f"\nprom{generation.name}: ready {fired['ready']}s, first firing (s after start): {first}")
    by_name: Dict[str, List[Dict[str, str]]] = {}
    for alert in fired["alerts"]:
        by_name.setdefault(alert["labels"]["alertname"], []).append(alert["labels"])
    severities = {alert.name: alert.severity for alert in ALERTS}
    for name, label_sets in by_name.items():
        if name not in severities:
            continue
        for labels in label_sets:
            for key in ("juju_model", "juju_model_uuid", "juju_application", "juju_charm"):
                assert labels[key] == TOPOLOGY[key], (name, labels)
            assert labels["severity"] == severities[name]
    for name in SYNTHETIC_ALERTS & set(by_name):  # fired on the synthetic counters, not on a real failure
        assert all(labels["job"] == "synthetic-tsdb" for labels in by_name[name])


def test_other_applications_series_do_not_fire_the_pack(fired: Dict[str, Any]) -> None:
    # ``other-app-down`` is down too, but its series are grafana's: the scoped pack ignores them.
    downs = [alert["labels"] for alert in fired["alerts"] if alert["labels"]["alertname"] == "PrometheusDown"]
    assert downs and all(labels["job"] == "down" for labels in downs)


def test_promtool_of_each_generation_loads_the_pack(generation: Generation, tmp_path: Path) -> None:
    path = tmp_path / "pack.rules"
    path.write_text(yaml.safe_dump(json.loads(self_metrics.alert_rules(IDENTITY)), sort_keys=False))
    done = subprocess.run([generation.promtool, "check", "rules", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(ALERTS)} rules found" in done.stdout
