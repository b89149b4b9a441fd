"""The ``grafana-dashboard`` application bag: what the leader writes for today's Grafana charm. Pure.

The format, and where each field comes from, is in this package's docstring. Same arguments,
same bytes: JSON with sorted keys, a fixed LZMA preset, and a UUID derived from the templates.
"""

import base64
import hashlib
import json
import lzma
import uuid
from typing import Any, Dict, Optional

from domain.grafana.dashboard import NAME, overview_dashboard

DASHBOARDS_KEY = "dashboards"
TEMPLATE_ID = f"file:{NAME}"
# Names this charm's UUIDs, so that they never equal another charm's (RFC 4122 name-based UUID).
_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "juju:grafana_dashboard:prometheus-pod-spec")


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def compress(text: str) -> str:
    """LZMA (xz container) then standard base64, what cosl's ``LZMABase64.decompress`` reads.

    ``LZMABase64.compress`` uses preset 6; preset 0 gives a stream as readable, about 8% larger
    here (2.9 KB instead of 2.6 KB before base64) for a seventeenth of the memory (under 1 MiB of
    peak RSS instead of 17 MiB, measured with this dashboard) and a sixth of the time, in every
    hook that builds the bag.
    """
    return base64.b64encode(lzma.compress(text.encode("utf-8"), preset=0)).decode("ascii")


def alt_uid(charm_name: str, template_id: str) -> str:
    """The library's ``CharmedDashboard._generate_alt_uid``: 16 hex digits."""
    return hashlib.shake_256(f"{charm_name}-{template_id}".encode()).hexdigest(8)


def dashboard_app_data(model: str, model_uuid: str, app: str, charm_name: str,
                       unit: Optional[str] = None) -> Dict[str, str]:
    """The application bag for every ``grafana-dashboard`` relation (the leader writes it).

    ``model``, ``model_uuid``, ``app``: Juju's names for this application; ``charm_name``: the
    ``name`` in metadata.yaml. ``unit`` adds the library's ``unit`` key to the topology; it
    changes nothing Grafana shows (the selectors match on ``juju_unit`` already), but it would
    change the bag whenever leadership moves: leave it out.
    """
    topology = {"model": model, "model_uuid": model_uuid, "application": app}
    if unit is not None:
        topology["unit"] = unit
    templates = {TEMPLATE_ID: {
        "charm": charm_name,
        "content": compress(_json(overview_dashboard(charm_name))),
        "juju_topology": topology,
        "inject_dropdowns": True,
        "dashboard_alt_uid": alt_uid(charm_name, TEMPLATE_ID),
    }}
    digest = str(uuid.uuid5(_UUID_NAMESPACE, _json(templates)))
    return {DASHBOARDS_KEY: _json({"templates": templates, "uuid": digest})}
