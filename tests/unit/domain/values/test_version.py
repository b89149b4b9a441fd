"""Versions read from image tags, and their order at the boundaries the charm uses."""

import pytest

from domain.errors import ResourceError
from domain.values.version import NEWEST, format_version, image_version


@pytest.mark.parametrize("older, newer", [
    ("prom/prometheus:v2.10.0", "prom/prometheus:v2.11.0"),
    ("prom/prometheus:v2.23.1", "prom/prometheus:v2.24.0"),
    ("prom/prometheus:v2.55.1", "prom/prometheus:v3.0.0"),
    ("prom/prometheus:v2.9.0", "prom/prometheus:v2.10.0"),  # numerically, not as text
    ("prom/prometheus:v3.5.0", "prom/prometheus:latest"),
])
def test_versions_order_numerically(older, newer):
    assert image_version(older) < image_version(newer)


def test_newest_prints_as_latest():
    assert format_version(NEWEST) == "latest"
    assert format_version((3, 0, 0)) == "3.0.0"


@pytest.mark.parametrize("path, version", [
    ("localhost:5000/prometheus:v2.24.0", (2, 24, 0)),
    ("localhost:5000/prometheus", NEWEST),
    ("10.0.0.1:5000/team/prometheus:2.11.0", (2, 11, 0)),
    ("10.0.0.1:5000/team/prometheus:v3.0.0@sha256:0123abcd", (3, 0, 0)),
])
def test_a_registry_port_is_not_taken_for_the_tag(path, version):
    assert image_version(path) == version


@pytest.mark.parametrize("tag", ["v\uff12.\uff14\uff12.0", "v\u0662.42.0", "v2.42.0\n"])
def test_a_tag_with_other_digits_names_no_version(tag):
    assert image_version(f"prom/prometheus:{tag}") == NEWEST


@pytest.mark.parametrize("tag", ["v" + "9" * 5000 + ".1.0", "v2.1234567890.0", "2.0.9999999999-rc"])
def test_a_version_with_a_number_too_long_for_a_release_is_refused(tag):
    # int() refuses more than 4300 digits with a plain ValueError; the charm says what is wrong
    with pytest.raises(ResourceError, match="prometheus-image: the image tag's version has a number too long"):
        image_version(f"prom/prometheus:{tag}")


def test_nine_digits_still_make_a_version():
    assert image_version("prom/prometheus:v2.123456789.0") == (2, 123456789, 0)


def test_rock_tags_with_a_suffix_still_name_their_version():
    assert image_version("ubuntu/prometheus:2.45-22.04_beta") == (2, 45, 0)
