"""The charm under ops' Harness, as every shell test sets it up: an image resource, and fakes of
the pods, the clock and the fleet of Prometheus servers (which run what the leader published)."""

from typing import Iterator, Optional

from ops.testing import Harness

from charm import PrometheusCharm
from tests.support.extract import config_file
from tests.support.fakes import FakeClock, FakePods, FakePrometheusFleet

IMAGE = "prom/prometheus:v2.53.0"


def published_yml(harness: Harness) -> str:
    """prometheus.yml as last published by the leader, "" before any."""
    published = harness.get_pod_spec()
    return config_file(published[0], "prometheus.yml") or "" if published else ""


def charm_harness(image: str = IMAGE, model: Optional[str] = None, model_uuid: Optional[str] = None,
                  leader: Optional[bool] = None) -> Iterator[Harness]:
    """Yields a begun Harness (for a pytest fixture) and cleans it up after the test."""
    h = Harness(PrometheusCharm)
    if model is not None:
        h.set_model_name(model)
    if model_uuid is not None:
        h.set_model_uuid(model_uuid)
    h.add_oci_resource("prometheus-image", {"registrypath": image, "username": "", "password": ""})
    if leader is not None:
        h.set_leader(leader)
    h.begin()
    h.charm.pods = FakePods()
    h.charm.clock = FakeClock()
    # kubelet delivers the published prometheus.yml at once, unless a test freezes a pod's files
    h.charm.prometheus_api = FakePrometheusFleet(h.charm.clock, lambda: published_yml(h))
    yield h
    h.cleanup()
