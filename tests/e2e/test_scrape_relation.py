"""metrics-endpoint relations through a real Prometheus of each generation.

Targets from relation data are scraped from loopback servers (units at 127.0.0.1, one port per
application) with the topology labels and the readable ``instance``; a unit that leaves takes
its target away through the file_sd list alone, without a reload. And the charm's acceptance
agrees with each generation's ``promtool check config``: every job fragment the charm accepts,
rendered with its target lists and CA files, passes promtool (Hypothesis-generated fragments,
bounded examples).
"""

import http.server
import json
import os
import random
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.relations.scrape.re2 import re2_refusal
from scripts.localrun.pod import LocalPod, materialise
from tests.support.scrape_relations import MODEL_UUID, metadata, plan_with, scrape_relation
from tests.support.tls import CERT_PEM

pytestmark = pytest.mark.e2e
METRICS = b"# TYPE relation_demo gauge\nrelation_demo 1\n"


class _Metrics(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(METRICS)))
        self.end_headers()
        self.wfile.write(METRICS)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def ports() -> Iterator[List[int]]:
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Metrics) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [int(server.server_address[1]) for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def relations(ports: List[int], api_units: int) -> list:
    def one(app: str, rid: int, port: int, units: int):
        return scrape_relation(app, rid, units=units, address="127.0.0.1",
                               jobs=[{"job_name": "m", "static_configs": [{"targets": [f"*:{port}"],
                                                                            "labels": {"tier": app}}]}])
    return [one("api", 1, ports[0], api_units), one("db", 2, ports[1], 1)]


def active(pod: LocalPod) -> List[Dict[str, Any]]:
    return [t for t in pod.api("/api/v1/targets")["activeTargets"] if t["labels"].get("juju_model") == "lma"]


def test_relation_targets_are_scraped_with_their_topology_and_a_leaving_unit_needs_no_reload(
        generation, ports, tmp_path):
    first = plan_with(relations(ports, 2), generation.image, scrape_interval="1s", scrape_timeout="1s")
    pod = LocalPod(first.pod_spec, first.k8s_resources, tmp_path, binary=generation.prometheus)
    try:
        targets = pod.wait_for("three healthy relation targets", lambda: len(
            [t for t in active(pod) if t["health"] == "up"]) == 3 and active(pod))
        by_unit = {t["labels"]["juju_unit"]: t["labels"] for t in targets}
        assert set(by_unit) == {"api/0", "api/1", "db/0"}
        assert by_unit["api/1"] == dict(
            by_unit["api/1"], juju_model="lma", juju_model_uuid=MODEL_UUID, juju_application="api",
            juju_charm="some-charm", tier="api", instance=f"lma_{MODEL_UUID}_api_api/1",
            job="juju_lma_12345678_api_prometheus_scrape_m")
        result = pod.query('relation_demo{juju_application="db"}')["result"]
        assert [r["metric"]["instance"] for r in result] == [f"lma_{MODEL_UUID}_db_db/0"]
        loaded = pod.api("/api/v1/status/runtimeinfo")["lastConfigTime"]

        second = plan_with(relations(ports, 1), generation.image, scrape_interval="1s", scrape_timeout="1s")
        assert second.digest == first.digest and second.prometheus_yml == first.prometheus_yml
        assert second.pod_spec["containers"] == first.pod_spec["containers"]  # the pod template stays
        materialise(second.pod_spec, second.k8s_resources, pod.root, pod.port)  # as kubelet delivers it

        pod.wait_for("api/1 to leave", lambda: {t["labels"]["juju_unit"] for t in active(pod)} == {"api/0", "db/0"})
        assert pod.api("/api/v1/status/runtimeinfo")["lastConfigTime"] == loaded
    finally:
        pod.stop()


# --- acceptance agrees with promtool ----------------------------------------------------------

_NAMES = st.sampled_from(["a", "tier", "le", "x_1", "_y", "1a", "é", "a.b", "juju_x", "__z", "a-b"])
_DURATIONS = st.sampled_from(["1s", "5s", "10s", "1m", "90s", "1h30m", "0s", "500ms", "1x", "", "10"])
_REGEX = st.text(alphabet="ab.*+?()[]|{}12,\\^$-dw:", max_size=10)
_RULE = st.fixed_dictionaries({}, optional={
    "action": st.sampled_from(["replace", "keep", "drop", "hashmod", "labelmap", "labeldrop", "Keep", "x"]),
    "source_labels": st.lists(_NAMES, max_size=2),
    "target_label": _NAMES,
    "regex": _REGEX,
    "replacement": st.sampled_from(["$1", "k_$1", "k_${1}", "x", "juju_$1", ""]),
    "modulus": st.integers(min_value=-1, max_value=3),
    "separator": st.sampled_from([";", "_", ""]),
})
_JOB = st.fixed_dictionaries({}, optional={
    "job_name": st.text(min_size=0, max_size=6),
    "metrics_path": st.sampled_from(["/metrics", "/a/b", "metrics", "/m?x", "/%41", ""]),
    "scheme": st.sampled_from(["http", "https", "HTTP", "ftp"]),
    "scrape_interval": _DURATIONS,
    "scrape_timeout": _DURATIONS,
    "sample_limit": st.one_of(st.integers(min_value=-2, max_value=2**64), st.booleans()),
    "label_limit": st.integers(min_value=-1, max_value=100),
    "params": st.dictionaries(st.sampled_from(["a", "b c", ""]), st.lists(st.sampled_from(["x", "", "y z"]),
                                                                          max_size=2), max_size=2),
    "static_configs": st.lists(st.fixed_dictionaries(
        {"targets": st.lists(st.sampled_from(["*:80", "127.0.0.1:9", "[::1]:9", "h:1", "h", "*:0", "a.b:65535"]),
                             max_size=3)},
        optional={"labels": st.dictionaries(_NAMES, st.sampled_from(["v", "", "ü", "a b"]), max_size=2)}),
        max_size=2),
    "relabel_configs": st.lists(_RULE, max_size=2),
    "metric_relabel_configs": st.lists(_RULE, max_size=1),
    "basic_auth": st.fixed_dictionaries({"username": st.sampled_from(["u", ""])},
                                        optional={"password": st.sampled_from(["p", ""])}),
    "authorization": st.fixed_dictionaries({"credentials": st.sampled_from(["c", ""])},
                                           optional={"type": st.sampled_from(["Bearer", "Basic", "X y"])}),
    "tls_config": st.fixed_dictionaries({}, optional={
        "ca_file": st.sampled_from([CERT_PEM, "x"]), "server_name": st.sampled_from(["a.b", "a b"]),
        "insecure_skip_verify": st.sampled_from([True, "yes"])}),
    "proxy_url": st.sampled_from(["http://proxy:3128", "https://p", "ftp://p", "http://p:99999"]),
})


def promtool_check(generation, plan, root: Path) -> subprocess.CompletedProcess:
    materialise(plan.pod_spec, plan.k8s_resources, root)
    return subprocess.run([generation.promtool, "check", "config", str(root / "etc/prometheus/config/prometheus.yml")],
                          capture_output=True, text=True, timeout=60, check=False)


def test_known_good_fragments_are_accepted_and_pass_promtool(generation, tmp_path):
    jobs = [{"job_name": "full", "metrics_path": "/x/metrics", "scheme": "https", "scrape_interval": "30s",
             "scrape_timeout": "5s", "sample_limit": 1000, "params": {"format": ["prometheus"]},
             "static_configs": [{"targets": ["*:9100", "db.example.com:9100"], "labels": {"tier": "api"}}],
             "relabel_configs": [{"source_labels": ["__address__"], "regex": "(.*):\\d+", "target_label": "host",
                                  "replacement": "$1"},
                                 {"action": "labelmap", "regex": "tier_(.+)", "replacement": "t_$1"},
                                 {"action": "hashmod", "source_labels": ["host"], "target_label": "__tmp_h",
                                  "modulus": 4},
                                 {"action": "labeldrop", "regex": "a|b"}],
             "metric_relabel_configs": [{"action": "drop", "source_labels": ["__name__"], "regex": "go_.*"}],
             "basic_auth": {"username": "u", "password": "p"},
             "tls_config": {"ca_file": CERT_PEM, "server_name": "api.example.com"},
             "proxy_url": "http://proxy.example.com:3128"},
            {"job_name": "bearer", "authorization": {"credentials": "token"}}]
    plan = plan_with([scrape_relation("api", 1, jobs=jobs, units=2)], generation.image)

    assert [d.reason for d in plan.dropped] == []
    assert len([j for j in yaml.safe_load(plan.prometheus_yml)["scrape_configs"] if "_api_" in j["job_name"]]) == 2
    done = promtool_check(generation, plan, tmp_path / "root")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_fragment_the_charm_accepts_passes_promtool(generation, tmp_path_factory):
    seen = {"accepted": 0, "refused": 0}

    # each example is one promtool run (about 0.25 s): the count is bounded here, whatever the profile
    @settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
              deadline=None)
    @given(st.lists(_JOB, min_size=1, max_size=8))
    def check(jobs: List[Dict[str, Any]]) -> None:
        relation = scrape_relation("app", 1, jobs=jobs, units=2)
        plan = plan_with([relation], generation.image)
        kept = [j for j in yaml.safe_load(plan.prometheus_yml)["scrape_configs"] if "_app_" in j["job_name"]]
        seen["accepted"] += len(kept)
        seen["refused"] += len(jobs) - len(kept)
        if not kept:
            return
        done = promtool_check(generation, plan, tmp_path_factory.mktemp("root"))
        assert done.returncode == 0, (json.dumps(jobs), done.stdout + done.stderr)

    check()
    assert seen["accepted"] > 0 and seen["refused"] > 0, seen


# --- relabel regexes: the charm's RE2 subset against Go's regexp ------------------------------

RE2_ORACLE = Path(__file__).resolve().parents[1] / "support" / "re2_oracle"
_REGEX_ALPHABET = "ab.*+?()[]|{}12,\\^$-dwsbPpQE:<>=!é "
REGEX_CASES = ["a.*", "(a|b)+", "a**", "a{1001}", "[a-z]+", "[z-a]", "(?=a)", "\\1", "(?P<n>x)", "(?i)abc",
               "a{2,3}?", "(a{1000}){2}", "[^]]", "]", "a|", "", "()", "[]a]", "\\Qa\\E", "\\pL", "a{,2}",
               "x{2}{3}", "(?:a)", "(?<n>a)", "[[:alpha:]]", "\\z", "a\\", "(", ")", "[a-\\d]", "[\\d-z]"]


def test_every_relabel_regex_the_charm_accepts_compiles_in_go(tmp_path):
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go is not installed (scripts/setup installs golang-go)")
    env = dict(os.environ, GO111MODULE="off", GOFLAGS="", GOCACHE=str(tmp_path / "gocache"))
    subprocess.run([go, "build", "-o", str(tmp_path / "oracle"), "main.go"], cwd=RE2_ORACLE, env=env,
                   check=True, capture_output=True, timeout=300)
    rng = random.Random(20261129)  # noqa: S311 (test data, seeded)
    regexes = REGEX_CASES + ["".join(rng.choice(_REGEX_ALPHABET) for _ in range(rng.randint(1, 12)))
                             for _ in range(5000)]
    done = subprocess.run([str(tmp_path / "oracle")], input="\n".join(json.dumps(r) for r in regexes) + "\n",
                          capture_output=True, text=True, timeout=60, check=True)
    go_ok = dict(zip(regexes, (line == "ok" for line in done.stdout.splitlines())))

    accepted = [r for r in regexes if re2_refusal(r) is None]
    assert [r for r in accepted if not go_ok[r]] == []
    assert len(accepted) > 500  # the subset is not empty talk: it takes a good share of what Go takes
    assert {r for r in REGEX_CASES if re2_refusal(r) is None} >= {"a.*", "(a|b)+", "[a-z]+", "(?P<n>x)", "(?i)abc"}


# --- the charm as a process: hostile bags never crash a hook ---------------------------------

def test_hostile_bags_through_the_charm_process_leave_the_good_relation_working(tmp_path):
    from scripts.localrun.juju_sim import JujuSim
    from tests.support.extract import config_file

    sim = JujuSim(Path(__file__).resolve().parents[2], tmp_path / "juju", juju_version="3.6.1")
    sim.attach_image("prom/prometheus:v2.53.0")
    sim.set_leader(True)
    good = sim.add_relation("metrics-endpoint", "good", 1, app_data={
        "scrape_metadata": metadata("good"), "scrape_jobs": json.dumps([{"static_configs": [{"targets": ["*:9"]}]}])},
        unit_data={"good/0": {"prometheus_scrape_unit_address": "10.0.0.1"}})
    bad = sim.add_relation("metrics-endpoint", "bad", 1, app_data={
        "scrape_metadata": metadata("bad"), "scrape_jobs": "[" * 60_000, "alert_rules": "{" * 60_000},
        unit_data={"bad/0": {"prometheus_scrape_unit_address": "\u2028" * 1000}})

    result = sim.run_hook("metrics-endpoint-relation-changed", relation_id=bad)  # one hook reconciles all

    assert result.ok, str(result)

    spec, _ = sim.pod_spec()
    document = yaml.safe_load(config_file(spec, "prometheus.yml") or "")
    assert [j["job_name"] for j in document["scrape_configs"] if "juju_" in j["job_name"]] == [
        "juju_lma_12345678_good_prometheus_scrape"]
    report = json.loads(sim.relation_data(bad, "prometheus")["event"])
    assert report["valid"] is False and "nested" in report["scrape_job_errors"]
    assert json.loads(sim.relation_data(good, "prometheus")["event"])["valid"] is True
