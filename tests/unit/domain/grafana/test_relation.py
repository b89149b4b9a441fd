"""The grafana-dashboard application bag: the library's format, the same bytes for the same input."""

import base64
import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from domain.grafana.dashboard import overview_dashboard
from domain.grafana.relation import dashboard_app_data
from tests.unit.domain.grafana.grafana_library import lzma_base64_decompress, read_app_bag

REPO = Path(__file__).resolve().parents[4]
MODEL_UUID = "0b5e4a2c-1d7f-4e0a-9a3b-2c4d6e8f0a1b"
# What the leader writes today; the report quotes this figure. Juju bounds no single value this
# small, but a bag is sent on every hook that changes it.
MAX_BAG_BYTES = 6 * 1024


def _bag(**changes):
    args = {"model": "lma", "model_uuid": MODEL_UUID, "app": "prometheus", "charm_name": "prometheus"}
    args.update(changes)
    return dashboard_app_data(**args)


def test_the_bag_holds_one_key_with_templates_and_a_uuid():
    bag = _bag()

    assert list(bag) == ["dashboards"]
    data = json.loads(bag["dashboards"])
    assert set(data) == {"templates", "uuid"}
    assert list(data["templates"]) == ["file:prometheus-overview"]
    assert uuid.UUID(data["uuid"]).version == 5


def test_the_template_carries_what_the_library_reads():
    [(template_id, template, _)] = read_app_bag(_bag(unit="prometheus/3"))

    assert template_id == "file:prometheus-overview"
    assert set(template) == {"charm", "content", "juju_topology", "inject_dropdowns", "dashboard_alt_uid"}
    assert template["charm"] == "prometheus"
    assert template["inject_dropdowns"] is True
    assert template["juju_topology"] == {"model": "lma", "model_uuid": MODEL_UUID,
                                         "application": "prometheus", "unit": "prometheus/3"}
    # CharmedDashboard._generate_alt_uid: shake_256("<charm>-<id>"), 8 bytes
    assert template["dashboard_alt_uid"] == hashlib.shake_256(
        b"prometheus-file:prometheus-overview").hexdigest(8)


def test_content_is_the_dashboard_compressed_the_library_way():
    template = json.loads(_bag()["dashboards"])["templates"]["file:prometheus-overview"]

    assert base64.b64decode(template["content"], validate=True).startswith(b"\xfd7zXZ\x00")  # an xz stream
    assert json.loads(lzma_base64_decompress(template["content"])) == overview_dashboard("prometheus")


def test_without_a_unit_the_topology_has_no_unit_and_leadership_changes_nothing():
    topology = json.loads(_bag()["dashboards"])["templates"]["file:prometheus-overview"]["juju_topology"]

    assert topology == {"model": "lma", "model_uuid": MODEL_UUID, "application": "prometheus"}
    assert _bag(unit="prometheus/0") != _bag(unit="prometheus/1")


def test_same_input_gives_the_same_bytes():
    assert _bag() == _bag()


def test_same_input_gives_the_same_bytes_in_another_interpreter_with_another_hash_seed():
    code = ("import sys; from domain.grafana.relation import dashboard_app_data as d; "
            f"sys.stdout.write(d('lma', '{MODEL_UUID}', 'prometheus', 'prometheus')['dashboards'])")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                       env={"PYTHONPATH": str(REPO / "src"), "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }

    assert outputs == {_bag()["dashboards"]}


def test_the_uuid_follows_the_templates():
    uuids = {json.loads(bag["dashboards"])["uuid"] for bag in (
        _bag(), _bag(model="other"), _bag(app="prom2"), _bag(charm_name="prometheus-k8s"), _bag(unit="p/0"))}

    assert len(uuids) == 5


def test_the_bag_is_small():
    size = len(_bag(unit="prometheus/0")["dashboards"].encode())

    assert size <= MAX_BAG_BYTES, size


names = st.text(min_size=1, max_size=60)


@given(model=names, model_uuid=names, app=names, charm_name=names)
def test_any_names_round_trip_and_leave_the_dashboard_untouched(model, model_uuid, app, charm_name):
    bag = dashboard_app_data(model, model_uuid, app, charm_name)

    assert bag["dashboards"].isascii()
    [(_, template, read)] = read_app_bag(bag)
    assert template["charm"] == charm_name
    assert template["juju_topology"] == {"model": model, "model_uuid": model_uuid, "application": app}
    assert read["uid"] == overview_dashboard(charm_name)["uid"]
    assert read["panels"] == overview_dashboard(charm_name)["panels"]
