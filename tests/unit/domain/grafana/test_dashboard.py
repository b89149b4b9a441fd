"""The overview dashboard as the Grafana charm's library hands it to Grafana: one valid dashboard."""

import re

import pytest

from domain.grafana.dashboard import SCHEMA_VERSION, overview_dashboard
from domain.grafana.panels import GRID_WIDTH, TOPOLOGY_LABELS, Panel, Query, lay_out
from domain.grafana.relation import dashboard_app_data
from tests.unit.domain.grafana.grafana_library import read_app_bag

# Variables Grafana defines itself (grafana/grafana docs "Global variables").
GRAFANA_BUILTINS = {"__rate_interval", "__interval", "__range"}
VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
SELECTOR = re.compile(r"[a-zA-Z_:][\w:]*\{([^}]*)\}")


@pytest.fixture(scope="module")
def dashboard():
    bag = dashboard_app_data("lma", "0b5e4a2c-1d7f-4e0a-9a3b-2c4d6e8f0a1b", "prometheus", "prometheus")
    [(_, _, read)] = read_app_bag(bag)
    return read


def _leaves(dashboard):
    return [panel for panel in dashboard["panels"] if panel["type"] != "row"]


def _exprs(dashboard):
    return [target["expr"] for panel in _leaves(dashboard) for target in panel["targets"]]


def test_grafana_gets_the_dashboard_with_its_own_uid_title_and_charm_tag(dashboard):
    assert re.fullmatch(r"[0-9a-f]{40}", dashboard["uid"])
    assert dashboard["uid"] == overview_dashboard("prometheus")["uid"] != overview_dashboard("other")["uid"]
    assert dashboard["title"] == "Prometheus overview (prometheus charm)"
    assert "charm: prometheus" in dashboard["tags"]
    assert dashboard["schemaVersion"] == SCHEMA_VERSION == 36


def test_panel_ids_are_unique_positive_integers(dashboard):
    ids = [panel["id"] for panel in dashboard["panels"]]

    assert all(isinstance(i, int) and i > 0 for i in ids)
    assert len(ids) == len(set(ids))


def test_panels_sit_on_the_grid_without_overlapping(dashboard):
    taken = {}
    for panel in dashboard["panels"]:
        pos = panel["gridPos"]
        assert set(pos) == {"h", "w", "x", "y"} and all(isinstance(v, int) for v in pos.values())
        assert pos["h"] >= 1 and pos["y"] >= 0 and pos["x"] >= 0 and pos["w"] >= 1
        assert pos["x"] + pos["w"] <= GRID_WIDTH
        if panel["type"] == "row":
            assert (pos["x"], pos["w"], pos["h"]) == (0, GRID_WIDTH, 1)
        columns, lines = range(pos["x"], pos["x"] + pos["w"]), range(pos["y"], pos["y"] + pos["h"])
        for cell in ((x, y) for x in columns for y in lines):
            assert cell not in taken, f"{panel['title']!r} overlaps {taken[cell]!r} at {cell}"
            taken[cell] = panel["title"]


def test_rows_come_in_order_each_above_its_panels(dashboard):
    rows = [panel for panel in dashboard["panels"] if panel["type"] == "row"]

    assert [row["title"] for row in rows] == ["Health", "Ingestion and scraping", "Rule evaluation",
                                              "Storage (TSDB)", "Configuration reloads", "Alert notifications"]
    ys = [panel["gridPos"]["y"] for panel in dashboard["panels"]]
    assert ys == sorted(ys)


def test_every_panel_and_target_queries_the_related_prometheus_datasource(dashboard):
    for panel in _leaves(dashboard):
        assert panel["type"] in ("stat", "timeseries")
        assert panel["datasource"] == {"type": "prometheus", "uid": "${prometheusds}"}
        assert panel["targets"], panel["title"]
        assert all(target["datasource"] == panel["datasource"] for target in panel["targets"])
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids))


def test_the_library_adds_the_topology_and_datasource_variables_once_each(dashboard):
    names = [variable["name"] for variable in dashboard["templating"]["list"]]

    assert names == [*TOPOLOGY_LABELS, "prometheusds", "lokids"]


def test_every_variable_a_panel_uses_is_defined(dashboard):
    defined = {variable["name"] for variable in dashboard["templating"]["list"]} | GRAFANA_BUILTINS
    for panel in _leaves(dashboard):
        texts = [panel["title"], panel["datasource"]["uid"]]
        texts += [target[key] for target in panel["targets"] for key in ("expr", "legendFormat")]
        used = {a or b for text in texts for a, b in VARIABLE.findall(text)}
        assert used <= defined, f"{panel['title']!r} uses {sorted(used - defined)}"


def test_every_selector_follows_all_four_topology_dropdowns(dashboard):
    selectors = [inner for expr in _exprs(dashboard) for inner in SELECTOR.findall(expr)]

    assert len(selectors) >= len(_exprs(dashboard))
    for inner in selectors:
        for label in TOPOLOGY_LABELS:
            assert f'{label}=~"${label}"' in inner


def test_rates_use_grafanas_rate_interval(dashboard):
    ranges = [r for expr in _exprs(dashboard) for r in re.findall(r"\[([^\]]*)\]", expr)]

    assert ranges and set(ranges) <= {"$__rate_interval", "$__range"}


def test_a_panel_wider_than_the_grid_is_refused():
    with pytest.raises(ValueError, match="25 columns"):
        lay_out([("row", [Panel("stat", "too wide", "", (Query("up"),), width=25)])])


def test_a_panel_that_does_not_fit_starts_a_new_line():
    panels = lay_out([("row", [Panel("stat", "a", "", (Query("up"),), width=16, height=3),
                                Panel("stat", "b", "", (Query("up"),), width=16, height=2)])])

    assert [p["gridPos"] for p in panels] == [{"h": 1, "w": 24, "x": 0, "y": 0},
                                              {"h": 3, "w": 16, "x": 0, "y": 1},
                                              {"h": 2, "w": 16, "x": 0, "y": 4}]
    assert [p["id"] for p in panels] == [1, 2, 3]
