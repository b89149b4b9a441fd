"""Grafana panel JSON (dashboard schema 36, Grafana 9.0 and later) built from small specs. Pure.

A panel is described by a ``Panel`` (kind, title, queries, width, height); ``lay_out`` turns
sections of them into the dashboard's flat ``panels`` list: a row header per section, panels
placed left to right on Grafana's 24-column grid, a new line when the next one does not fit,
ids counted from 1.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple

Json = Dict[str, Any]

GRID_WIDTH = 24
# The variables the Grafana charm's library adds (see the package docstring), in its order.
TOPOLOGY_LABELS = ("juju_model", "juju_model_uuid", "juju_application", "juju_unit")
DATASOURCE_VARIABLE = "${prometheusds}"


def selector(metric: str, *matchers: str) -> str:
    """``metric{matchers..., juju_model=~"$juju_model", ...}``: every selector follows the dropdowns."""
    topology = tuple(f'{label}=~"${label}"' for label in TOPOLOGY_LABELS)
    return metric + "{" + ",".join(matchers + topology) + "}"


def datasource() -> Json:
    return {"type": "prometheus", "uid": DATASOURCE_VARIABLE}


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = "{{instance}}"


@dataclass(frozen=True)
class Panel:
    """One panel: ``kind`` is ``stat`` (last value) or ``timeseries``."""

    kind: str
    title: str
    description: str
    queries: Tuple[Query, ...]
    unit: str = "short"
    width: int = 8
    height: int = 8
    mappings: Tuple[Tuple[str, str, str], ...] = field(default=())  # (value, text, colour)

    def render(self, panel_id: int, x: int, y: int) -> Json:
        return {
            "id": panel_id,
            "type": self.kind,
            "title": self.title,
            "description": self.description,
            "datasource": datasource(),
            "gridPos": {"h": self.height, "w": self.width, "x": x, "y": y},
            "targets": [_target(query, chr(ord("A") + index), self.kind == "stat")
                        for index, query in enumerate(self.queries)],
            "fieldConfig": {"defaults": self._defaults(), "overrides": []},
            "options": _stat_options() if self.kind == "stat" else _timeseries_options(),
        }

    def _defaults(self) -> Json:
        defaults: Json = {
            "unit": self.unit,
            "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": None}]},
            "mappings": [],
        }
        if self.mappings:
            defaults["mappings"] = [{"type": "value", "options": {
                value: {"text": text, "color": colour, "index": index}
                for index, (value, text, colour) in enumerate(self.mappings)}}]
        if self.kind == "timeseries":
            defaults["custom"] = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
                                  "showPoints": "never", "spanNulls": False}
        return defaults


def _target(query: Query, ref_id: str, instant: bool) -> Json:
    return {"refId": ref_id, "datasource": datasource(), "editorMode": "code", "expr": query.expr,
            "legendFormat": query.legend, "instant": instant, "range": not instant}


def _stat_options() -> Json:
    return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "value", "graphMode": "none", "justifyMode": "auto",
            "orientation": "auto", "textMode": "auto"}


def _timeseries_options() -> Json:
    return {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "none"}}


def _row(panel_id: int, title: str, y: int) -> Json:
    return {"id": panel_id, "type": "row", "title": title, "collapsed": False, "panels": [],
            "gridPos": {"h": 1, "w": GRID_WIDTH, "x": 0, "y": y}}


def lay_out(sections: Sequence[Tuple[str, Sequence[Panel]]]) -> List[Json]:
    """The flat panel list: each section's row header, then its panels on the grid."""
    panels: List[Json] = []
    y = 0
    for title, section in sections:
        panels.append(_row(len(panels) + 1, title, y))
        y += 1
        x, line_height = 0, 0
        for panel in section:
            if not 0 < panel.width <= GRID_WIDTH:
                raise ValueError(f"panel {panel.title!r} is {panel.width} columns wide")
            if x + panel.width > GRID_WIDTH:
                y, x, line_height = y + line_height, 0, 0
            panels.append(panel.render(len(panels) + 1, x, y))
            x += panel.width
            line_height = max(line_height, panel.height)
        y += line_height
    return panels
