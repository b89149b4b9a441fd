"""Every query of the Grafana dashboard runs on a real Prometheus of each generation, as Grafana sends it.

One Prometheus per installed generation (all started together, so that their first ~5 s before
the first scrape overlap) scrapes itself twice: once as job ``prometheus`` without Juju labels,
as the charm's self-scrape does, and once as ``juju-self`` with the Juju topology labels a
scrape relation adds. It evaluates one rule group and sends alerts to an Alertmanager address
where nothing listens, so the rule and notification series exist too. The dashboard comes out of
the application bag through the Grafana charm's library steps (``grafana_library``); its
variables are replaced as Grafana would: ``$__rate_interval`` = max(``$__interval`` + scrape
interval, 4 times the scrape interval) (Grafana's docs, "Prometheus template variables"), topology
dropdowns from their own ``label_values`` queries, "All" as ``.*``. Juju names hold no regex
metacharacters, so Grafana's escaping of the chosen values changes nothing here.
"""

import json
import re
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from domain.grafana.relation import dashboard_app_data
from scripts.localrun.generations import NAMES
from scripts.localrun.generations import generation as find_generation
from scripts.localrun.processes import ManagedProcess, free_port, http_get, wait_until_ready
from tests.unit.domain.grafana.grafana_library import TOPOLOGY_DROPDOWNS, read_app_bag

pytestmark = pytest.mark.e2e

SCRAPE, STEP, RANGE = 1, 2, 10  # seconds: scrape interval, query_range step ($__interval), range
RATE_INTERVAL = max(STEP + SCRAPE, 4 * SCRAPE)
BUILTINS = {"__rate_interval": f"{RATE_INTERVAL}s", "__interval": f"{STEP}s", "__range": f"{RANGE}s"}
TOPOLOGY = {"juju_model": "dash-model", "juju_model_uuid": "0b5e4a2c-1d7f-4e0a-9a3b-2c4d6e8f0a1b",
            "juju_application": "prometheus", "juju_unit": "prometheus/0"}
ALL = {name: ".*" for name in TOPOLOGY}
VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
# Series a fresh Prometheus of that generation does not export (added in 2.43, tsdb/wlog/wlog.go).
ABSENT = {("2", "prometheus_tsdb_wal_storage_size_bytes")}
RULES = {"groups": [{"name": "dashboard", "rules": [
    {"record": "dashboard:up:sum", "expr": "sum(up)"}, {"alert": "Always", "expr": "vector(1)"}]}]}


@dataclass
class Server:
    url: str
    process: ManagedProcess


def _start(binary: str, workdir: Path) -> Server:
    port = free_port()
    target = f"127.0.0.1:{port}"
    (workdir / "rules.yml").write_text(yaml.safe_dump(RULES))
    (workdir / "prometheus.yml").write_text(yaml.safe_dump({
        "global": {"scrape_interval": f"{SCRAPE}s", "evaluation_interval": f"{SCRAPE}s"},
        "rule_files": ["rules.yml"],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{free_port()}"]}]}]},
        "scrape_configs": [
            {"job_name": "prometheus", "static_configs": [{"targets": [target]}]},
            {"job_name": "juju-self", "static_configs": [{"targets": [target], "labels": TOPOLOGY}]},
        ],
    }))
    process = ManagedProcess([binary, f"--config.file={workdir / 'prometheus.yml'}",
                              f"--storage.tsdb.path={workdir / 'data'}", f"--web.listen-address={target}"],
                             workdir / "prometheus.log", cwd=workdir)
    server = Server(f"http://{target}", process)
    try:
        wait_until_ready(f"{server.url}/-/ready", process)
    except Exception:
        process.stop()
        raise
    return server


def _api(server: Server, path: str, **params: str) -> dict:
    url = f"{server.url}/api/v1/{path}?{urllib.parse.urlencode(params, doseq=True)}"
    try:
        return json.loads(http_get(url))
    except urllib.error.HTTPError as err:  # a bad query answers 400 with the error in the body
        return json.loads(err.read())


# Enough for every panel: two scrapes inside the rate window, rules evaluated, Alertmanager found.
WARM = [f'count_over_time(up{{job="{job}"}}[{RATE_INTERVAL}s]) >= 3' for job in ("prometheus", "juju-self")] + [
    'prometheus_rule_group_last_duration_seconds{job="juju-self"}',
    'prometheus_notifications_sent_total{job="juju-self"}',
]


def _wait_warm(server: Server, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.process.check_alive()
        if all(_api(server, "query", query=q)["data"]["result"] for q in WARM):
            return
        time.sleep(0.25)
    raise AssertionError(f"Prometheus did not scrape itself within {timeout:.0f}s:\n{server.process.log()[-3000:]}")


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Dict[str, Server]:
    started: Dict[str, Server] = {}
    try:
        for name in NAMES:
            found = find_generation(name)
            if found is not None:
                started[name] = _start(found.prometheus, tmp_path_factory.mktemp(f"dashboard-prom{name}"))
        for server in started.values():
            _wait_warm(server)
        yield started
    finally:
        for server in started.values():
            server.process.stop()


@pytest.fixture(scope="module")
def exprs() -> List[str]:
    [(_, _, dashboard)] = read_app_bag(dashboard_app_data("dash-model", TOPOLOGY["juju_model_uuid"],
                                                          "prometheus", "prometheus"))
    return [t["expr"] for panel in dashboard["panels"] if panel["type"] != "row" for t in panel["targets"]]


def _interpolate(text: str, values: Dict[str, str]) -> str:
    known = {**BUILTINS, **values}
    return VARIABLE.sub(lambda m: known[m.group(1) or m.group(2)], text)


def _run(server: Server, expr: str, values: Dict[str, str]) -> Dict[str, list]:
    """Instant and range results of ``expr``; fails on an error, a warning or an info."""
    query = _interpolate(expr, values)
    now = time.time()
    answers = {
        "instant": _api(server, "query", query=query, time=f"{now:.3f}"),
        "range": _api(server, "query_range", query=query, start=f"{now - RANGE:.3f}", end=f"{now:.3f}",
                      step=str(STEP)),
    }
    for kind, answer in answers.items():
        assert answer["status"] == "success", f"{kind} {query}: {answer}"
        assert not answer.get("warnings") and not answer.get("infos"), f"{kind} {query}: {answer}"
    return {kind: answer["data"]["result"] for kind, answer in answers.items()}


def _absent(generation, expr: str) -> bool:
    return any(name == generation.name and metric in expr for name, metric in ABSENT)


def _dropdown_choices(server: Server) -> Dict[str, str]:
    """Each topology dropdown's values, queried in order as Grafana refreshes them; picks the one value."""
    chosen: Dict[str, str] = {}
    now = time.time()
    for dropdown in TOPOLOGY_DROPDOWNS:
        match, label = re.fullmatch(r"label_values\((.*),(\w+)\)", dropdown["query"]["query"]).groups()
        answer = _api(server, f"label/{label}/values", **{"match[]": _interpolate(match, {**ALL, **chosen})},
                      start=f"{now - RANGE:.3f}", end=f"{now:.3f}")
        assert answer["status"] == "success", answer
        assert answer["data"] == [TOPOLOGY[label]], (label, answer)
        chosen[label] = answer["data"][0]
    return chosen


def test_every_query_runs_and_shows_this_prometheus_with_all_selected(generation, servers, exprs):
    server = servers[generation.name]
    for expr in exprs:
        results = _run(server, expr, ALL)

        for kind, result in results.items():
            if _absent(generation, expr):
                assert result == [], f"{kind} {expr}: the exemption is stale, drop it"
            else:
                assert result, f"{kind} {expr} is empty on {generation}"
                jobs = {series["metric"].get("job") for series in result} - {None}
                assert jobs in (set(), {"prometheus", "juju-self"}), f"{expr}: {jobs}"


def test_the_topology_dropdowns_find_the_labelled_scrape(generation, servers):
    assert _dropdown_choices(servers[generation.name]) == TOPOLOGY


def test_with_the_dropdowns_set_every_query_shows_only_that_unit(generation, servers, exprs):
    server = servers[generation.name]
    chosen = _dropdown_choices(server)
    for expr in exprs:
        for kind, result in _run(server, expr, chosen).items():
            assert bool(result) != _absent(generation, expr), f"{kind} {expr} on {generation}: {result}"
            assert {series["metric"].get("job") for series in result} <= {"juju-self", None}, expr


def test_another_model_leaves_every_panel_empty(generation, servers, exprs):
    server = servers[generation.name]
    for expr in exprs:
        results = _run(server, expr, {**ALL, "juju_model": "another-model"})

        assert results == {"instant": [], "range": []}, expr
