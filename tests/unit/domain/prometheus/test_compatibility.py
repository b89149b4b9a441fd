"""Each version boundary, from both sides: 2.11.0 (oldest supported), 2.24.0 (TLS web config),
2.27.0 (external labels expand ``$VAR``, so ``$`` is escaped), 3.0.0 (console flags dropped,
Prometheus watches its own files)."""

import pytest
import yaml

from domain.errors import ConfigErrors, ResourceError
from domain.prometheus.compatibility import (
    AUTO_RELOAD_SINCE,
    EXPAND_EXTERNAL_LABELS_SINCE,
    OLDEST_SUPPORTED,
    PROMETHEUS_3,
    TLS_SINCE,
)
from tests.support.builders import make_plan
from tests.support.extract import cli_flag
from tests.support.tls import CERT_PEM, KEY_PEM


def test_the_boundaries_are_the_documented_releases():
    assert (OLDEST_SUPPORTED, TLS_SINCE, EXPAND_EXTERNAL_LABELS_SINCE, PROMETHEUS_3, AUTO_RELOAD_SINCE) == (
        (2, 11, 0), (2, 24, 0), (2, 27, 0), (3, 0, 0), (3, 0, 0))


@pytest.mark.parametrize("image", ["prom/prometheus:v2.10.0", "prom/prometheus:v2.10.9", "prom/prometheus:v2.9.2"])
def test_images_before_2_11_are_refused_naming_the_resource(image):
    with pytest.raises(ResourceError, match=r"prometheus-image: .* images from 2\.11\.0 on are supported"):
        make_plan(image)


@pytest.mark.parametrize("image", ["prom/prometheus:v2.11.0", "prom/prometheus:v2.11.2"])
def test_images_from_2_11_are_planned(image):
    assert cli_flag(make_plan(image).pod_spec, "--config.file") is not None


@pytest.mark.parametrize("image", ["prom/prometheus:v2.23.0", "prom/prometheus:v2.23.9", "prom/prometheus:v2.11.0"])
def test_tls_before_2_24_is_refused_as_an_option_error(image):
    with pytest.raises(ConfigErrors) as caught:
        make_plan(image, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    assert caught.value.options == ("ssl_cert",)
    assert "TLS needs a Prometheus image >= 2.24.0" in str(caught.value)


@pytest.mark.parametrize("image", ["prom/prometheus:v2.24.0", "prom/prometheus:v2.24.1"])
def test_tls_from_2_24_is_served(image):
    plan = make_plan(image, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)

    assert cli_flag(plan.pod_spec, "--web.config.file") == "/etc/prometheus/config/web-config.yml"


def test_without_tls_images_before_2_24_need_no_web_config():
    assert cli_flag(make_plan("prom/prometheus:v2.23.0").pod_spec, "--web.config.file") is None


@pytest.mark.parametrize("image, has_consoles", [
    ("prom/prometheus:v2.55.1", True),
    ("prom/prometheus:v2.55.99", True),
    ("prom/prometheus:v3.0.0", False),
    ("prom/prometheus:v3.0.1", False),
    ("prom/prometheus:latest", False),
])
def test_console_flags_only_before_3_0(image, has_consoles):
    spec = make_plan(image).pod_spec

    assert (cli_flag(spec, "--web.console.templates") is not None) is has_consoles
    assert (cli_flag(spec, "--web.console.libraries") is not None) is has_consoles


@pytest.mark.parametrize("image, written", [
    ("prom/prometheus:v2.26.9", "$5 a ${HOME}"),
    ("prom/prometheus:v2.27.0", "$$5 a $${HOME}"),
    ("prom/prometheus:v2.55.1", "$$5 a $${HOME}"),
    ("prom/prometheus:v3.0.0", "$$5 a $${HOME}"),
    ("prom/prometheus:v3.5.0", "$$5 a $${HOME}"),
])
def test_dollar_in_external_labels_is_escaped_where_prometheus_expands(image, written):
    plan = make_plan(image, external_labels='{"cost": "$5 a ${HOME}"}')

    assert yaml.safe_load(plan.prometheus_yml)["global"]["external_labels"]["cost"] == written
