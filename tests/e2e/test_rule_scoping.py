"""Scoped relation rules in a real Prometheus of each generation: a rule fires on its sender's
series only, and every rendered file loads.

One Prometheus per generation scrapes itself three times, as relation jobs would, with the
``juju_*`` labels of three applications: ``app-a`` and ``app-b`` in model ``lma``, and another
``app-a`` in model ``prod`` (same application name, other model). The files scoped for A and for
B (two relations) are loaded from ``juju_*.rules`` as the charm loads them. A's rules fire on
A's series only, even the one that claims B's labels; B's on B's; the rule aimed at B is not
loaded at all. ``promtool check rules`` accepts every rendered file (these, the hostile table's,
and generated expressions); Prometheus 3's own parser (``/api/v1/parse_query``) finds the
three matchers on every selector of UTF-8 and generated expressions.
"""

import json
import os
import subprocess
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from domain.relations.rules_scope import ScopedRules, scope_rules
from domain.relations.topology import Topology
from domain.rules.features import Gate
from domain.rules.promql import check_expr
from domain.rules.tokens import Invalid
from scripts.localrun.processes import ManagedProcess, free_port, http_get, wait_until_ready
from tests.support.promql_strategies import TOPOLOGY, VECTORS
from tests.unit.test_hostile_rules import CASES

pytestmark = pytest.mark.e2e
# Batches of 30 generated expressions per generation (~0.6 s each); SCOPING_BATCHES=n for a longer search.
BATCHES = int(os.environ.get("SCOPING_BATCHES", "4"))
SEEN: Dict[str, int] = {}  # selectors Prometheus 3's parser checked, per test (for long runs: pytest -s)
UUID, OTHER_UUID = "1234abcd-0000-4000-8000-000000000000", "99999999-0000-4000-8000-000000000000"
A = Topology("lma", UUID, "app-a", "a-k8s")
B = Topology("lma", UUID, "app-b")
A_ELSEWHERE = Topology("prod", OTHER_UUID, "app-a")
UTF8 = ['{"up"} == 1', '{"http.requests"}', '{"http.requests", "service.name"="x"} offset 5m',
        'sum by ("service.name") (rate({"a.b", job="x"}[5m]))', '{"juju_application"="app-a", "up"} or up',
        'max_over_time({"up"}[1h:1m] @ end())', "{'up', \"x.y\"!~`a{b}`,}"]


def sent_by_a(version) -> Dict[str, Any]:
    rules: List[Dict[str, Any]] = [
        {"alert": "TargetUp", "expr": "up == 1", "labels": {"severity": "info"}},
        {"alert": "ClaimsB", "expr": "up{%%juju_topology%%} > 0",
         "labels": {"juju_application": "app-b", "juju_model_uuid": OTHER_UUID, "juju_unit": "app-b/0"}},
        {"alert": "AimsAtB", "expr": 'up{juju_application="app-b"} > 0'},
        {"record": "scoped:up:count", "expr": "count(up)", "labels": {"juju_application": "app-b"}},
        {"alert": "Always", "expr": "vector(1)"},
    ]
    if version >= (3, 0, 0):
        rules.append({"alert": "Utf8Up", "expr": '{"up"} == 1'})
    return {"groups": [{"name": "lma_1234abcd_app-a_checks_rules", "interval": "1s", "rules": rules}]}


SENT_BY_B = {"groups": [{"name": "checks", "interval": "1s", "rules": [{"alert": "TargetUp", "expr": "up == 1"}]}]}


def promtool_accepts(generation, paths: List[Path]) -> None:
    done = subprocess.run([generation.promtool, "check", "rules", *map(str, paths)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def api(port: int, path: str, **query: str) -> Any:
    url = f"http://127.0.0.1:{port}/api/v1/{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
    return json.loads(http_get(url))["data"]


def job(name: str, port: int, topology: Topology) -> Dict[str, Any]:
    labels = dict(topology.matchers, juju_unit=f"{topology.application}/0")
    return {"job_name": name, "static_configs": [{"targets": [f"127.0.0.1:{port}"], "labels": labels}]}


@pytest.fixture(scope="module")
def running(generation, tmp_path_factory) -> Iterator[Dict[str, Any]]:
    """One Prometheus of ``generation`` with A's and B's files, once both rule groups ran."""
    directory = tmp_path_factory.mktemp(f"scoping{generation.name}")
    (directory / "rules").mkdir()
    files = {"a": scope_rules(json.dumps(sent_by_a(generation.version)), A, generation.version, "metrics-endpoint", 4),
             "b": scope_rules(json.dumps(SENT_BY_B), B, generation.version, "metrics-endpoint", 5)}
    for scoped in files.values():
        (directory / "rules" / scoped.file_name).write_text(scoped.text)
    port = free_port()
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
              "rule_files": [str(directory / "rules" / "juju_*.rules")],
              "scrape_configs": [job("a", port, A), job("b", port, B), job("c", port, A_ELSEWHERE)]}
    (directory / "prometheus.yml").write_text(json.dumps(config))
    process = ManagedProcess([generation.prometheus, f"--config.file={directory / 'prometheus.yml'}",
                              f"--storage.tsdb.path={directory / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
                             directory / "prometheus.log", cwd=directory)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/-/ready", process)
        deadline, started = time.monotonic() + 30, None
        while time.monotonic() < deadline:  # all three targets scraped, then both groups evaluated after that
            process.check_alive()
            if started is None and len(api(port, "query", query="up == 1")["result"]) == 3:
                started = time.time()
            groups = api(port, "rules")["groups"]
            if started is not None and len(groups) == 2 and all(_seconds(g["lastEvaluation"]) > started + 0.5
                                                                  for g in groups):
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"rules not evaluated in time:\n{process.log()[-3000:]}")
        yield {"port": port, "files": files, "directory": directory, "generation": generation}
    finally:
        process.stop()


def _seconds(stamp: str) -> float:
    """An RFC 3339 time from the API (nanoseconds cut to microseconds) as epoch seconds."""
    head, _, fraction = stamp.rstrip("Z").partition(".")
    moment = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return moment.timestamp() + float("0." + (fraction or "0"))


def alerts(port: int) -> Dict[str, List[Dict[str, str]]]:
    found: Dict[str, List[Dict[str, str]]] = {}
    for alert in api(port, "alerts")["alerts"]:
        found.setdefault(alert["labels"]["alertname"], []).append(alert["labels"])
    return found


def test_a_rule_fires_on_its_senders_series_only(running):
    fired = alerts(running["port"])

    assert sorted((a["job"], a["juju_application"], a["juju_model"]) for a in fired["TargetUp"]) == [
        ("a", "app-a", "lma"), ("b", "app-b", "lma")]
    assert [(a["job"], a["juju_application"], a["juju_model_uuid"], a["juju_unit"]) for a in fired["ClaimsB"]] == [
        ("a", "app-a", UUID, "app-a/0")]  # its claimed labels rewritten; juju_unit is the series' own
    assert [a["juju_application"] for a in fired["Always"]] == ["app-a"]
    assert "AimsAtB" not in fired
    if running["generation"].version >= (3, 0, 0):
        assert [a["job"] for a in fired["Utf8Up"]] == ["a"]
    recorded = api(running["port"], "query", query="scoped:up:count")["result"]
    assert [(r["metric"]["juju_application"], r["value"][1]) for r in recorded] == [("app-a", "1")]


def test_only_the_rules_aimed_elsewhere_are_dropped_and_every_group_loads(running):
    files = running["files"]
    loaded = {g["name"]: [r["name"] for r in g["rules"]] for g in api(running["port"], "rules")["groups"]}

    assert [str(d) for d in files["a"].dropped] == [
        "alert_rules group 'lma_1234abcd_app-a_checks_rules' rule 3 (alert 'AimsAtB'): 'expr' matches "
        "juju_application=\"app-b\", outside this relation's own juju_application \"app-a\""]
    assert files["b"].dropped == ()
    assert loaded["lma_1234abcd_app-b_checks"] == ["TargetUp"]
    assert "AimsAtB" not in loaded["lma_1234abcd_app-a_checks_rules"]
    promtool_accepts(running["generation"], sorted((running["directory"] / "rules").iterdir()))


def test_promtool_accepts_every_file_the_hostile_table_keeps(generation, tmp_path):
    paths = []
    for number, (_, payload, *_) in enumerate(CASES):
        scoped = scope_rules(payload, A, generation.version, "metrics-endpoint", number)
        if scoped.text:
            paths.append(tmp_path / scoped.file_name)
            paths[-1].write_text(scoped.text)
    assert len(paths) >= 20
    promtool_accepts(generation, paths)


def selectors(node: Any) -> Iterator[Dict[str, Any]]:
    """Every vector and matrix selector of Prometheus 3's parse_query tree."""
    if isinstance(node, dict):
        if node.get("type") in ("vectorSelector", "matrixSelector"):
            yield node
        for value in node.values():
            yield from selectors(value)
    elif isinstance(node, list):
        for item in node:
            yield from selectors(item)


def check_scoped_by_prometheus(running, expressions: List[str], topology: Topology = A) -> int:
    """Scope ``expressions`` as one relation file; promtool must accept it, and on 3.x every
    selector must carry the matchers as Prometheus' own parser reads it. Returns the selectors seen."""
    rules = [{"record": f"r{n}", "expr": expr} for n, expr in enumerate(expressions)]
    scoped: ScopedRules = scope_rules(json.dumps({"groups": [{"name": "g", "rules": rules}]}), topology,
                                      running["generation"].version, "metrics-endpoint", 1)
    assert scoped.dropped == ()
    path = running["directory"] / "batch.rules"
    path.write_text(scoped.text)
    promtool_accepts(running["generation"], [path])
    seen = 0
    if running["generation"].version >= (3, 0, 0):
        for rule in scoped.rule_file.groups[0].rules:
            for selector in selectors(api(running["port"], "parse_query", query=rule.expr)):
                matchers = {(m["name"], m["type"], m["value"]) for m in selector["matchers"]}
                assert {(name, "=", value) for name, value in topology.matchers} <= matchers, rule.expr
                seen += 1
    SEEN["rules"] = SEEN.get("rules", 0) + len(expressions)
    SEEN["selectors"] = SEEN.get("selectors", 0) + seen
    return seen


def test_utf8_selectors_are_scoped_on_3x(running):
    if running["generation"].version < (3, 0, 0):
        pytest.skip("quoted UTF-8 names need Prometheus 3")

    assert check_scoped_by_prometheus(running, UTF8) == 8


@settings(max_examples=BATCHES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])
@given(st.lists(VECTORS, min_size=30, max_size=30))
def test_generated_expressions_are_scoped_as_both_generations_read_them(running, expressions):
    generated = Topology(*(value for _, value in TOPOLOGY))  # the one the strategies' matchers name
    version = running["generation"].version
    check_scoped_by_prometheus(running, [e for e in expressions if accepted(e, version)], generated)


def accepted(expr: str, version) -> bool:
    """Whether the charm's checker takes ``expr`` (it refuses a few that Prometheus reads)."""
    try:
        check_expr(expr, Gate(version))
    except Invalid:
        return False
    return True
