"""The Prometheus OCI image resource: where it comes from and the version its tag names. Pure.

Every field goes into the pod spec (``imageDetails``), so each must come through to Juju as
the same text: no control characters, a bounded size, and nothing that Juju's YAML parser
would read as a boolean or a number (``domain.kubernetes.spec_yaml``), which would fail every
hook. The message names the field, never its value.
"""

from dataclasses import dataclass, field
from typing import Dict

from domain.errors import ResourceError
from domain.kubernetes.spec_yaml import reaches_juju_as_string
from domain.values.text import forbidden_character
from domain.values.version import Version, image_version

RESOURCE = "prometheus-image"
# Far above any registry path or token, and small beside the 1 MiB of the Kubernetes Secret
# Juju makes of the credentials.
MAX_FIELD_LENGTH = 16384


@dataclass(frozen=True)
class ImageDetails:
    """Where the image comes from; credentials are never shown by repr()."""

    image_path: str
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def version(self) -> Version:
        return image_version(self.image_path)


def _field(data: Dict[object, object], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ResourceError(f"{RESOURCE}: {name} is not text; quote it in the resource file")
    if forbidden_character(value) is not None:
        raise ResourceError(f"{RESOURCE}: {name} contains control characters")
    if len(value) > MAX_FIELD_LENGTH:
        raise ResourceError(f"{RESOURCE}: {name} is longer than {MAX_FIELD_LENGTH} characters")
    if value and not reaches_juju_as_string(value):
        raise ResourceError(
            f"{RESOURCE}: Juju would read the {name} as a boolean or a number (like y, n, 0o17, "
            "1e+5) and refuse the pod spec; choose another"
        )
    return value


def parse_image_resource(data: object) -> ImageDetails:
    """Turn the resource's content (``registrypath``, ``username``, ``password``) into a value."""
    if not isinstance(data, dict):
        raise ResourceError(f"{RESOURCE}: resource content is not a mapping")
    path = data.get("registrypath")
    if not isinstance(path, str) or not path.strip():
        raise ResourceError(f"{RESOURCE}: resource has no registrypath")
    if forbidden_character(path) is not None:
        raise ResourceError(f"{RESOURCE}: registrypath contains control characters")
    return ImageDetails(_field({"registrypath": path.strip()}, "registrypath"),
                        _field(data, "username"), _field(data, "password"))
