"""The shell, through ops' Harness: what the charm publishes and which status it sets."""

import pytest
import yaml
from ops import ActiveStatus, BlockedStatus, WaitingStatus
from ops.testing import Harness

from charm import PrometheusCharm
from domain.ports import PodState
from domain.reload import PROPAGATION_SECONDS, STUCK_PERIODS
from tests.support.builders import options_overflowing_the_config_map
from tests.support.extract import cli_flag, prometheus_yml
from tests.support.fakes import FakePods, ready_pod
from tests.support.harness import charm_harness
from tests.support.tls import CERT_PEM, KEY_PEM
from tests.support.tls_pairs import TlsPairs


@pytest.fixture
def harness():
    yield from charm_harness()



def spec(harness):
    published = harness.get_pod_spec()
    assert published is not None, "no pod spec was set"
    return published[0]


def test_leader_publishes_the_scrape_interval(harness):
    harness.set_leader(True)

    harness.update_config({"scrape-interval": "30s"})

    assert prometheus_yml(spec(harness))["global"]["scrape_interval"] == "30s"


def test_non_leader_publishes_nothing_and_reports_its_own_pod(harness):
    harness.set_leader(False)
    harness.charm.pods = FakePods([ready_pod(state=PodState.STARTING)])

    harness.update_config({"log-level": "debug"})
    harness.charm.on.update_status.emit()

    assert harness.get_pod_spec() is None
    assert isinstance(harness.charm.unit.status, WaitingStatus)
    assert "to be ready" in harness.charm.unit.status.message


def test_leader_publishes_then_waits_for_a_pod_that_is_not_ready(harness):
    harness.set_leader(True)
    harness.charm.pods = FakePods([ready_pod(state=PodState.STARTING)])

    harness.update_config({"log-level": "debug"})
    harness.charm.on.start.emit()

    assert harness.get_pod_spec() is not None
    assert isinstance(harness.charm.unit.status, WaitingStatus)
    assert "prometheus-0" in harness.charm.unit.status.message


def test_invalid_option_blocks_and_keeps_the_last_good_spec(harness):
    harness.set_leader(True)
    harness.update_config({"log-level": "debug"})
    good = spec(harness)

    harness.update_config({"log-level": "loud", "scrape-interval": "soon"})

    assert spec(harness) == good
    status = harness.charm.unit.status
    assert isinstance(status, BlockedStatus)
    assert "log-level" in status.message and "scrape-interval" in status.message


def test_a_certificate_and_key_that_are_no_pair_block_and_keep_the_last_good_spec(harness, tmp_path):
    other_key = TlsPairs(tmp_path)("ec-p256")[1]
    harness.set_leader(True)
    harness.update_config({"ssl_cert": CERT_PEM, "ssl_key": KEY_PEM})
    good = spec(harness)

    harness.update_config({"ssl_key": other_key})

    assert spec(harness) == good
    assert harness.charm.unit.status == BlockedStatus(
        "ssl_key: is not the private key of the certificate in ssl_cert")


def test_an_ingress_certificate_and_key_that_are_no_pair_block_and_keep_the_last_good_spec(harness, tmp_path):
    other_key = TlsPairs(tmp_path)("ec-p256")[1]
    harness.set_leader(True)
    harness.update_config({"ingress-hostname": "prometheus.example.com", "ingress-tls-cert": CERT_PEM,
                           "ingress-tls-key": KEY_PEM})
    good = spec(harness)

    harness.update_config({"ingress-tls-key": other_key})

    assert spec(harness) == good
    assert harness.charm.unit.status == BlockedStatus(
        "ingress-tls-key: is not the private key of the certificate in ingress-tls-cert")


def test_charm_recovers_by_itself_when_the_option_is_fixed(harness):
    harness.set_leader(True)
    harness.update_config({"log-level": "loud"})

    harness.update_config({"log-level": "warn"})
    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    assert cli_flag(spec(harness), "--log.level") == "warn"
    assert harness.charm.unit.status == ActiveStatus("")


def test_missing_image_resource_blocks_naming_it():
    h = Harness(PrometheusCharm)
    h.begin()
    h.charm.pods = FakePods()
    h.set_leader(True)

    h.update_config({"log-level": "info"})

    assert isinstance(h.charm.unit.status, BlockedStatus)
    assert h.charm.unit.status.message.startswith("prometheus-image: resource missing")
    h.cleanup()


def test_unreachable_kubernetes_api_means_waiting(harness):
    harness.set_leader(True)
    harness.charm.pods = FakePods(unavailable=True)

    harness.update_config({"log-level": "info"})
    harness.charm.on.update_status.emit()

    assert isinstance(harness.charm.unit.status, WaitingStatus)
    assert "kubernetes api" in harness.charm.unit.status.message
    assert harness.get_pod_spec() is not None


def test_changed_config_is_reloaded_once_it_can_have_reached_the_pod(harness):
    harness.set_leader(True)
    server = harness.charm.prometheus_api.server()
    harness.update_config({"scrape-interval": "30s"})
    assert server.reloads == 0
    assert isinstance(harness.charm.unit.status, WaitingStatus)

    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    assert server.reloads == 1
    assert harness.charm.unit.status == ActiveStatus("")


def test_current_prometheus_is_not_reloaded_again(harness):
    harness.set_leader(True)
    server = harness.charm.prometheus_api.server()
    harness.update_config({"scrape-interval": "30s"})
    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    harness.charm.clock.advance(300)
    harness.charm.on.update_status.emit()

    assert server.reloads == 1


def test_options_that_only_change_flags_need_no_reload(harness):
    harness.set_leader(True)
    server = harness.charm.prometheus_api.server()
    harness.update_config({"scrape-interval": "30s"})
    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    harness.update_config({"log-level": "debug"})
    harness.charm.clock.advance(600)
    harness.charm.on.update_status.emit()

    assert server.reloads == 1


def test_prometheus_refusing_the_config_blocks_naming_the_pod(harness):
    harness.set_leader(True)
    harness.charm.prometheus_api.server().rejects_with = "bad rule"
    harness.update_config({"scrape-interval": "30s"})

    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    assert isinstance(harness.charm.unit.status, BlockedStatus)
    assert harness.charm.unit.status.message.startswith("prometheus-0: prometheus refused to reload")


def test_unreachable_prometheus_keeps_the_reload_pending(harness):
    harness.set_leader(True)
    harness.charm.prometheus_api.server().unreachable = True
    harness.update_config({"scrape-interval": "30s"})

    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    assert isinstance(harness.charm.unit.status, WaitingStatus)


def test_every_ready_pod_is_reloaded(harness):
    harness.set_leader(True)
    harness.charm.pods = FakePods([ready_pod("prometheus-0", "prometheus/0", address="10.1.0.5"),
                                   ready_pod("prometheus-1", "prometheus/1", address="10.1.0.6")])
    harness.update_config({"scrape-interval": "30s"})

    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    fleet = harness.charm.prometheus_api
    assert [fleet.server(a).reloads for a in ("10.1.0.5", "10.1.0.6")] == [1, 1]


def test_pod_started_after_the_publication_needs_no_reload(harness):
    harness.set_leader(True)
    server = harness.charm.prometheus_api.server()
    harness.update_config({"scrape-interval": "30s"})
    harness.charm.clock.advance(60)
    server.start()  # a new pod, with the published files

    harness.charm.clock.advance(PROPAGATION_SECONDS)
    harness.charm.on.update_status.emit()

    assert server.reloads == 0
    assert harness.charm.unit.status == ActiveStatus("")


def test_workload_version_comes_from_the_image_tag(harness):
    harness.set_leader(True)

    harness.update_config({"log-level": "info"})

    assert harness.get_workload_version() == "2.53.0"


def test_k8s_resources_go_beside_the_spec(harness):
    harness.set_leader(True)

    harness.update_config({"enforce-pod-restart": True})

    k8s = harness.get_pod_spec()[1]
    assert "prometheus.charm.juju.is/config-hash" in k8s["kubernetesResources"]["pod"]["annotations"]
    yaml.safe_dump(k8s)  # plain data, as pod-spec-set needs


def test_relation_events_reconcile(harness):
    harness.set_leader(True)

    harness.add_relation("metrics-endpoint", "api")

    assert harness.get_pod_spec() is not None


def test_a_spec_kubernetes_would_refuse_blocks_and_keeps_the_last_good_spec(harness):
    harness.set_leader(True)
    harness.update_config({"web-page-title": "Prometheus"})
    good = spec(harness)

    harness.update_config(options_overflowing_the_config_map())

    assert spec(harness) == good
    status = harness.charm.unit.status
    assert isinstance(status, BlockedStatus)
    assert status.message.startswith("ConfigMap prometheus-cfg-config would be 10")
    assert "largest: alert-rules (charm-alert-rules.rules) 1.0 MiB, external-labels (prometheus.yml)" in status.message


def published_digest(harness):
    return harness.charm.memory.published_digest


def test_a_prometheus_still_on_the_old_files_after_its_reload_is_not_active(harness):
    # Kubernetes refuses the update: the pod keeps its files, Prometheus reloads them fine.
    harness.set_leader(True)
    server = harness.charm.prometheus_api.server()
    server.start()
    harness.update_config({"log-level": "info"})
    harness.charm.on.update_status.emit()
    assert harness.charm.unit.status == ActiveStatus("")
    old = published_digest(harness)
    server.freeze()

    harness.update_config({"scrape-interval": "30s"})
    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()

    assert server.reloads == 1 and server.reload_success
    assert harness.charm.unit.status == WaitingStatus(
        f"pod prometheus-0 runs configuration {old[:8]}, published {published_digest(harness)[:8]}; "
        "waiting for Kubernetes to deliver it")

    harness.charm.clock.advance(STUCK_PERIODS * PROPAGATION_SECONDS)
    harness.charm.on.update_status.emit()

    status = harness.charm.unit.status
    assert isinstance(status, BlockedStatus)
    assert status.message.startswith("Kubernetes has not delivered the published configuration to pod "
                                     "prometheus-0 for 6 minutes; check the ConfigMap prometheus-")
    assert server.reloads == 2  # asked again each time, in case the files came

    server.frozen = None  # the update goes through at last
    harness.charm.on.update_status.emit()

    assert harness.charm.unit.status == ActiveStatus("")
    assert harness.charm.memory.undelivered_since == 0.0


def test_a_new_publication_restarts_the_wait_for_delivery(harness):
    harness.set_leader(True)
    server = harness.charm.prometheus_api.server()
    server.freeze()
    harness.update_config({"scrape-interval": "30s"})
    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()
    harness.charm.clock.advance(STUCK_PERIODS * PROPAGATION_SECONDS - PROPAGATION_SECONDS)

    harness.update_config({"scrape-interval": "20s"})

    assert harness.charm.memory.undelivered_since == 0.0
    harness.charm.on.update_status.emit()
    assert isinstance(harness.charm.unit.status, WaitingStatus)
    assert "loads it by itself" in harness.charm.unit.status.message


def test_hooks_that_do_not_need_the_pods_never_list_them(harness):
    harness.set_leader(True)
    harness.charm.pods = FakePods(unavailable=True)  # would say "kubernetes api" if asked
    rid = harness.add_relation("grafana-source", "grafana")
    harness.add_relation_unit(rid, "grafana/0")
    harness.update_config({"log-level": "info"})

    assert harness.charm.pods.calls == 0
    assert harness.get_pod_spec() is not None
    assert harness.charm.unit.status == WaitingStatus(
        "waiting for the pod; its state is read at the next start or update-status hook")


def test_after_a_config_change_the_leader_says_what_is_still_to_be_checked(harness):
    harness.set_leader(True)
    harness.charm.prometheus_api.server().start()
    harness.charm.on.update_status.emit()
    assert harness.charm.unit.status == ActiveStatus("")

    harness.update_config({"scrape-interval": "30s"})

    published = harness.charm.memory.published_digest
    assert harness.charm.unit.status == WaitingStatus(
        f"configuration {published[:8]} published; the pods load it, checked at the next update-status")
    harness.charm.clock.advance(PROPAGATION_SECONDS + 1)
    harness.charm.on.update_status.emit()
    assert harness.charm.unit.status == ActiveStatus("")


def test_the_spec_is_set_again_only_when_it_changes_or_at_pod_hooks(harness):
    harness.set_leader(True)
    harness.update_config({"log-level": "info"})
    calls = []
    original = harness.charm.model.pod.set_spec
    harness.charm.model.pod.set_spec = lambda *a, **k: (calls.append(1), original(*a, **k))

    harness.charm.on.config_changed.emit()
    assert calls == []
    harness.update_config({"log-level": "debug"})
    assert calls == [1]
    harness.charm.on.update_status.emit()
    assert calls == [1, 1]
