"""Hostile relations on every endpoint at once, beside good ones, through the real process
(./dispatch -> ops.main -> the charm, with the hook-tool doubles): the hook succeeds, the pod
spec keeps every good relation's data, the status names the data dropped, and no hostile
value reaches a file or the pod spec. The rows come from tests/unit/test_hostile_relations.py,
which proves the same of each row alone against the pure plan.
"""

import json
import subprocess

import pytest
import yaml

from tests.e2e.test_charm_process import make_sim
from tests.support.extract import config_map_files
from tests.support.hostile_relations import GOOD_JOB_NAMES, GOOD_SECRET, GOOD_SET, plan_for, scrape_secret
from tests.support.hostile_relations import document as plan_document
from tests.support.hostile_relations import files as plan_files
from tests.unit.test_hostile_relations import BASELINE, MARK, ROWS, SECRET

pytestmark = pytest.mark.e2e
PICKED = {  # (endpoint, row id): one row per endpoint, each from the application "evil"
    ("metrics-endpoint", "password_file"), ("alertmanager-dispatch", "url with user info"),
    ("alertmanager", "api_server"), ("send-remote-write", "API service, other cluster domain"),
    ("receive-remote-write", "rule calls query()"),
    ("grafana-source", "grafana-source: every key another endpoint reads"),
}
# The good relations whose data reaches the files; those on the endpoints the charm only
# writes to are left out here (each hook tool is a process: every relation costs time).
READ = ("metrics-endpoint", "alertmanager-dispatch", "alertmanager", "send-remote-write", "receive-remote-write")
HOSTILE = [row for row in ROWS if (row.endpoint, row.id) in PICKED]


def add(sim, found, app):
    units = [bag.owner.replace(found.remote_app, app, 1) for bag in found.units]
    return sim.add_relation(found.endpoint, app, units=units, app_data=dict(found.app.items),
                            unit_data={unit: dict(bag.items) for unit, bag in zip(units, found.units)})


def published(sim):
    spec, resources = sim.pod_spec()
    files = {**config_map_files(spec, "cfg"), **config_map_files(spec, "targets")}
    return spec, resources, files


def test_hostile_relations_on_every_endpoint_leave_the_good_ones_whole(tmp_path):
    """The hostile relations older than the good ones (lower ids: read first), the harder order."""
    assert len(HOSTILE) == len(PICKED)
    sim = make_sim(tmp_path)
    sim.set_leader(True)  # one hook in all: the relations exist before the charm first runs
    pairs = [(row.relation(0), "evil") for row in HOSTILE]
    good = [(found, found.remote_app) for found in GOOD_SET if found.endpoint in READ]
    ids = {}
    for found, app in pairs + good:
        ids[(found.endpoint, app)] = add(sim, found, app)

    result = sim.run_hook("config-changed")

    assert result.ok, str(result)
    spec, resources, files = published(sim)
    document = yaml.safe_load(files["prometheus.yml"])
    names = [job["job_name"] for job in document["scrape_configs"]]
    assert names[:3] == ["prometheus", *GOOD_JOB_NAMES]
    alone = {job["job_name"]: job for job in plan_document(BASELINE)["scrape_configs"]}
    for job in document["scrape_configs"][1:3]:  # as the pure plan renders them with the good set alone
        assert job == alone[job["job_name"]]
        target_file = job["file_sd_configs"][0]["files"][0].rsplit("/", 1)[1]
        assert files[target_file] == plan_files(BASELINE)[f"targets/{target_file}"]
    assert [entry["url"] for entry in document["remote_write"]] == [
        "http://mimir-0.mimir-endpoints.lma.svc.cluster.local:9009/api/v1/push"]
    assert len(document["alerting"]["alertmanagers"]) == 2
    assert any("_api_metrics-endpoint_" in name for name in files)
    assert any("_agent_receive-remote-write_" in name for name in files)
    secrets = resources["kubernetesResources"]["secrets"]
    text = json.dumps([spec, [s for s in secrets if not s["name"].endswith("scrape-secrets")]])
    assert MARK not in text and SECRET not in text and GOOD_SECRET not in text

    status, message = sim.unit_status()
    assert "ignored relation data: " in message and "more, see juju debug-log" in message, message
    assert SECRET not in message
    logged = "\n".join(sim.juju_log())
    for endpoint in READ:
        assert f"{endpoint}:{ids[(endpoint, 'evil')]}" in logged, endpoint
    event = json.loads(sim.relation_data(ids[("metrics-endpoint", "evil")], "prometheus")["event"])
    assert event["valid"] is False and "local files" in event["scrape_job_errors"]


KEPT = [row for row in ROWS if row.outcome == "kept"]


def test_the_good_set_beside_every_kept_row_loads_in_promtool(generation, tmp_path):
    """What the kept rows leave in the files, all at once beside the good set, as each
    generation's promtool reads it (the legacy Alertmanager left out: Debian's 2.42 build has
    no Kubernetes discovery in its alerting section)."""
    good = [found for found in GOOD_SET if found.endpoint != "alertmanager"]
    hostile = [row.relation(40 + n) for n, row in enumerate(KEPT) if row.endpoint != "alertmanager"]
    result = plan_for(good + hostile, generation.image)
    assert len(result.dropped) < len(hostile)  # most of the kept rows' data is in the files
    for volume, directory in (("cfg", "config"), ("targets", "scrape-targets")):
        (tmp_path / directory).mkdir()
        for key, text in plan_files(result).items():
            if key.startswith(volume + "/"):
                (tmp_path / directory / key.split("/", 1)[1]).write_text(text)
    (tmp_path / "scrape-secrets").mkdir()
    for name, text in scrape_secret(result).items():
        (tmp_path / "scrape-secrets" / name).write_text(text)

    checked = subprocess.run([generation.promtool, "check", "config", str(tmp_path / "config" / "prometheus.yml")],
                             capture_output=True, text=True, timeout=60)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "remote_write" in plan_document(result) and len(plan_document(result)["scrape_configs"]) > 3
