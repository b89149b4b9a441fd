"""Which pods run the busybox config watcher: the official 2.x images; Prometheus 3 watches itself."""

import pytest

from domain.prometheus.compatibility import has_busybox_shell
from tests.support.builders import make_plan
from tests.support.extract import args, cli_flag, container


@pytest.mark.parametrize("image, official", [
    ("prom/prometheus:v2.53.0", True),
    ("prom/prometheus", True),
    ("docker.io/prom/prometheus:v2.42.0", True),
    ("quay.io/prometheus/prometheus:v2.53.0", True),
    ("quay.io/prometheus/prometheus@sha256:" + "a" * 64, True),
    ("registry.example.com:5000/prom/prometheus:v2.53.0", True),
    ("registry.example.com:5000/prom/prometheus", True),
    ("ubuntu/prometheus:2.45-22.04", False),
    ("bitnami/prometheus:2.53.0", False),
    ("example.com/prom/prometheus-fork:v2.53.0", False),
    ("example.com/notprom/prometheus:v2.53.0", False),
])
def test_official_images_are_recognised_whatever_the_registry(image, official):
    assert has_busybox_shell(image) is official


def test_a_2x_official_image_starts_prometheus_through_the_watcher_with_the_same_flags():
    plan = make_plan("prom/prometheus:v2.53.0", web_external_url="http://example.com/a'b")
    spec = container(plan.pod_spec)

    shell, flag, script, name = spec["command"]
    assert (shell, flag, name) == ("/bin/sh", "-c", "config-watch")
    assert script.rstrip().endswith('exec /bin/prometheus "$@"')
    assert """'/a'"'"'b/-/reload'""" in script  # the route prefix, quoted for the shell
    assert cli_flag(plan.pod_spec, "--config.file") == "/etc/prometheus/config/prometheus.yml"
    assert cli_flag(plan.pod_spec, "--config.auto-reload-interval") is None


@pytest.mark.parametrize("image", ["prom/prometheus:v3.0.0", "prom/prometheus:v3.5.0",
                                   "ubuntu/prometheus:3.5-24.04", "prom/prometheus:latest"])
def test_prometheus_3_watches_its_own_files_and_keeps_the_images_entrypoint(image):
    spec = make_plan(image).pod_spec

    assert "command" not in container(spec)
    assert cli_flag(spec, "--config.auto-reload-interval") == "3s"
    assert "--enable-feature=auto-reload-config" in args(spec)


def test_other_2x_images_keep_their_entrypoint_and_rely_on_the_leader():
    spec = make_plan("ubuntu/prometheus:2.45-22.04").pod_spec

    assert "command" not in container(spec)
    assert cli_flag(spec, "--config.auto-reload-interval") is None
