"""The Prometheus version an image tag names. Pure.

A tag that names no version (``latest``, a digest, a custom build) is taken to be the
newest line.
"""

import re
from typing import Tuple

from domain.errors import ResourceError

Version = Tuple[int, int, int]
NEWEST: Version = (3, 99, 0)
# ASCII digits only: \d would take fullwidth ones, and int() reads them.
_TAG_VERSION = re.compile(r"v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?:[-+_].*)?", re.ASCII | re.DOTALL)
_MAX_DIGITS = 9  # a version part longer than this is no release's, and int() must not see 5000 digits


def image_version(image_path: str) -> Version:
    """The Prometheus version named by the image tag, e.g. ``prom/prometheus:v2.53.0``.

    Digests and version-less tags give ``NEWEST``. Tags such as ``2.45-22.04`` (Ubuntu
    rocks) are read as 2.45.0.
    """
    reference = image_path.partition("@")[0]
    if ":" not in reference:
        return NEWEST
    # The text after the last ":" is the tag, or for an untagged image behind a registry port
    # the port and path ("5000/prom/prometheus"), which never reads as a version.
    match = _TAG_VERSION.fullmatch(reference.rsplit(":", 1)[1])
    if match is None:
        return NEWEST
    if any(len(part or "") > _MAX_DIGITS for part in match.groups()):
        raise ResourceError("prometheus-image: the image tag's version has a number too long to be "
                            "a Prometheus release")
    return (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def format_version(version: Version) -> str:
    if version == NEWEST:
        return "latest"
    return ".".join(str(part) for part in version)
