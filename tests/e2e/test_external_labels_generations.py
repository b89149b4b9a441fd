"""External label values reach Prometheus exactly as the operator wrote them, on each generation.

Prometheus expands ``$VAR`` in external label values (3.x always, 2.x from 2.27 with
``--enable-feature=expand-external-labels``, which the charm passes for the replica label):
``$5`` would become ``""``. The charm escapes ``$`` as ``$$`` wherever Prometheus expands, so
the operator's text survives, while the charm's own ``${POD_NAME}`` expands to the pod's name.
"""

import json

import pytest

from scripts.localrun.pod import LocalPod
from tests.support.builders import make_plan

pytestmark = pytest.mark.e2e
VALUE = "$5 a ${HOME} ${POD_NAME}"


def test_dollar_in_an_external_label_survives_loading(generation, tmp_path):
    plan = make_plan(generation.image, external_labels=json.dumps({"cost": VALUE}))
    pod = LocalPod(plan.pod_spec, plan.k8s_resources, tmp_path, binary=generation.prometheus,
                   pod_name="prometheus-7")
    try:
        loaded = pod.loaded_config()
    finally:
        pod.stop()

    assert loaded["global"]["external_labels"] == {"cost": VALUE, "prometheus_replica": "prometheus-7"}
