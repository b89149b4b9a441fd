"""What today's Grafana charm does with a ``grafana-dashboard`` application bag, written for the tests.

From the behaviour documented and implemented in canonical/grafana-k8s-operator
``lib/charms/grafana_k8s/v0/grafana_dashboard.py`` (LIBAPI 0, LIBPATCH 46):
``GrafanaDashboardConsumer._render_dashboards_and_signal_changed`` reads ``dashboards``,
pops ``templates``, and for each template decompresses ``content`` (``cosl.LZMABase64``:
base64, then LZMA), fills a missing ``uid`` from ``dashboard_alt_uid``
(``_manage_dashboard_uid``), adds its template variables and points panel datasources at them
(``CharmedDashboard._convert_dashboard_fields`` / ``_replace_template_fields`` /
``_template_panels``). The cos-tool label injection is left out: this dashboard's selectors
already carry the matchers it would add.
"""

import base64
import json
import lzma
from typing import Any, Dict, List, Tuple

# The library's TOPOLOGY_TEMPLATE_DROPDOWNS: name, label_values() query (fields that matter here).
_PREVIOUS = {
    "juju_model": "up",
    "juju_model_uuid": 'up{juju_model=~"$juju_model"}',
    "juju_application": 'up{juju_model=~"$juju_model",juju_model_uuid=~"$juju_model_uuid"}',
    "juju_unit": 'up{juju_model=~"$juju_model",juju_model_uuid=~"$juju_model_uuid",'
                 'juju_application=~"$juju_application"}',
}


def _topology_dropdown(name: str) -> Dict[str, Any]:
    query = f"label_values({_PREVIOUS[name]},{name})"
    return {"allValue": ".*", "datasource": "${prometheusds}", "definition": query, "hide": 0,
            "includeAll": True, "multi": True, "name": name,
            "query": {"query": query, "refId": "StandardVariableQuery"}, "refresh": 1, "type": "query"}


TOPOLOGY_DROPDOWNS = [_topology_dropdown(name) for name in _PREVIOUS]
DATASOURCE_DROPDOWNS = [
    {"hide": 0, "includeAll": True, "multi": True, "name": "prometheusds", "options": [],
     "query": "prometheus", "refresh": 1, "type": "datasource"},
    {"hide": 0, "includeAll": True, "multi": True, "name": "lokids", "options": [],
     "query": "loki", "refresh": 1, "type": "datasource"},
]


def lzma_base64_decompress(text: str) -> str:
    return lzma.decompress(base64.b64decode(text.encode("utf-8"))).decode()


def _template_panels(panels: List[Dict[str, Any]]) -> None:
    """``_template_panels`` for a dashboard without templates of its own."""
    for panel in panels:
        source = panel.get("datasource")
        if not source:
            continue
        if isinstance(source, str):
            if "loki" in source:
                panel["datasource"] = "${lokids}"
            elif "grafana" not in source:
                panel["datasource"] = "${prometheusds}"
        elif isinstance(source, dict) and source.get("type") in ("loki", "prometheus"):
            source["uid"] = "${lokids}" if source["type"] == "loki" else "${prometheusds}"


def convert_dashboard_fields(content: str, inject_dropdowns: bool) -> Dict[str, Any]:
    dashboard = json.loads(content)
    dropdowns = (TOPOLOGY_DROPDOWNS + DATASOURCE_DROPDOWNS) if inject_dropdowns else DATASOURCE_DROPDOWNS
    if "__inputs" in dashboard or "templating" in dashboard:
        raise AssertionError("the double only follows the library for dashboards without templates")
    dashboard["templating"] = {"list": [dict(dropdown) for dropdown in dropdowns]}
    _template_panels(dashboard.get("panels", []))
    for row in dashboard.get("rows", []):
        _template_panels(row.get("panels", []))
    return dashboard


def read_app_bag(bag: Dict[str, str]) -> List[Tuple[str, Dict[str, Any], Dict[str, Any]]]:
    """(template id, template, dashboard as Grafana gets it) for each template in the bag."""
    data = json.loads(bag["dashboards"])
    templates = data.pop("templates")
    read = []
    for template_id, template in templates.items():
        dashboard = json.loads(lzma_base64_decompress(template["content"]))
        if not dashboard.get("uid") and "dashboard_alt_uid" in template:
            dashboard["uid"] = template["dashboard_alt_uid"]
        converted = convert_dashboard_fields(json.dumps(dashboard), template.get("inject_dropdowns", True))
        read.append((template_id, template, converted))
    return read
