"""The Prometheus OCI image and the version its tag names. Pure: no I/O.

The version decides the few flags that differ between Prometheus releases; a tag that
names no version (``latest``, a digest, a custom build) is taken to be the newest line.
"""

import re
from dataclasses import dataclass, field
from typing import Tuple

from domain.errors import ResourceError

Version = Tuple[int, int, int]
NEWEST: Version = (3, 99, 0)
_TAG_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+_].*)?$")


@dataclass(frozen=True)
class ImageDetails:
    """Where the image comes from; credentials are never shown by repr()."""

    image_path: str
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def version(self) -> Version:
        return image_version(self.image_path)


def parse_image_resource(data: object) -> ImageDetails:
    """Turn the resource's content (``registrypath``, ``username``, ``password``) into a value."""
    if not isinstance(data, dict):
        raise ResourceError("prometheus-image: resource content is not a mapping")
    path = data.get("registrypath")
    if not isinstance(path, str) or not path.strip():
        raise ResourceError("prometheus-image: resource has no registrypath")
    if any(ord(c) < 32 or c == "\x7f" for c in path):
        raise ResourceError("prometheus-image: registrypath contains control characters")
    username = data.get("username") or ""
    password = data.get("password") or ""
    return ImageDetails(path.strip(), str(username), str(password))


def image_version(image_path: str) -> Version:
    """The Prometheus version named by the image tag, e.g. ``prom/prometheus:v2.53.0``.

    Digests and version-less tags give ``NEWEST``. Tags such as ``2.45-22.04`` (Ubuntu
    rocks) are read as 2.45.0.
    """
    reference = image_path.split("@", 1)[0]
    last = reference.rsplit("/", 1)[-1]
    if ":" not in last:
        return NEWEST
    match = _TAG_VERSION.match(last.rsplit(":", 1)[1])
    if match is None:
        return NEWEST
    return (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def format_version(version: Version) -> str:
    if version == NEWEST:
        return "latest"
    return ".".join(str(part) for part in version)
