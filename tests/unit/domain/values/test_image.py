"""The image resource and the version its tag names."""

import pytest

from domain.errors import ResourceError
from domain.values.image import ImageDetails, parse_image_resource
from domain.values.version import NEWEST, format_version, image_version


@pytest.mark.parametrize("path, version", [
    ("prom/prometheus:v2.53.0", (2, 53, 0)),
    ("prom/prometheus:v2.18.1", (2, 18, 1)),
    ("prom/prometheus:v3.0.1", (3, 0, 1)),
    ("quay.io/prometheus/prometheus:v3.5.0-rc.0", (3, 5, 0)),
    ("ubuntu/prometheus:2.45-22.04_stable", (2, 45, 0)),
    ("registry.example.com:5000/prom/prometheus:v2.48.1", (2, 48, 1)),
    ("registry.example.com:5000/prom/prometheus", NEWEST),
    ("prom/prometheus:latest", NEWEST),
    ("prom/prometheus@sha256:0123abcd", NEWEST),
    ("prom/prometheus:v2.53.0@sha256:0123abcd", (2, 53, 0)),
])
def test_version_is_read_from_the_tag(path, version):
    assert image_version(path) == version


def test_resource_content_becomes_image_details_without_showing_the_password():
    details = parse_image_resource(
        {"registrypath": "registry.example.com/prom:v2.53.0", "username": "me", "password": "s3cret"}
    )

    assert details == ImageDetails("registry.example.com/prom:v2.53.0", "me", "s3cret")
    assert "s3cret" not in repr(details)


@pytest.mark.parametrize("data", [None, "prom/prometheus", {"username": "x"}, {"registrypath": " "},
                                  {"registrypath": "prom/prometheus\n:v2"}])
def test_unusable_resource_content_is_refused(data):
    with pytest.raises(ResourceError) as caught:
        parse_image_resource(data)

    assert str(caught.value).startswith("prometheus-image: ")


def test_versions_print_plainly():
    assert format_version((2, 53, 0)) == "2.53.0"
    assert format_version(NEWEST) == "latest"


@pytest.mark.parametrize("credentials", [{}, {"username": None, "password": None},
                                         {"username": "", "password": ""}])
def test_a_public_image_has_empty_credentials(credentials):
    details = parse_image_resource({"registrypath": "prom/prometheus:v2.53.0", **credentials})

    assert (details.username, details.password) == ("", "")
