"""External label values reach Prometheus exactly as the operator wrote them, on each generation.

Prometheus 3.0 expands ``$VAR`` in external label values (``$5`` would become ``""``); the
charm escapes ``$`` as ``$$`` for images from 3.0.0 on and writes it literally before.
"""

import json
import urllib.request

import pytest
import yaml

from scripts.localrun.processes import ManagedProcess, free_port, wait_until_ready
from tests.support.builders import make_plan

pytestmark = pytest.mark.e2e
VALUE = "$5 a ${HOME}"


def test_dollar_in_an_external_label_survives_loading(generation, tmp_path):
    plan = make_plan(generation.image, external_labels=json.dumps({"cost": VALUE}))
    config = tmp_path / "prometheus.yml"
    config.write_text(plan.prometheus_yml)
    port = free_port()
    process = ManagedProcess([generation.prometheus, f"--config.file={config}",
                              f"--storage.tsdb.path={tmp_path / 'data'}",
                              f"--web.listen-address=127.0.0.1:{port}"], tmp_path / "prometheus.log", cwd=tmp_path)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/-/ready", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/status/config", timeout=5) as answer:
            loaded = yaml.safe_load(json.loads(answer.read())["data"]["yaml"])
    finally:
        process.stop()

    assert loaded["global"]["external_labels"] == {"cost": VALUE}
