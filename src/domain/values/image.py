"""The Prometheus OCI image resource: where it comes from and the version its tag names. Pure."""

from dataclasses import dataclass, field

from domain.errors import ResourceError
from domain.values.text import forbidden_character
from domain.values.version import Version, image_version


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
    if forbidden_character(path) is not None:
        raise ResourceError("prometheus-image: registrypath contains control characters")
    username = data.get("username") or ""
    password = data.get("password") or ""
    return ImageDetails(path.strip(), str(username), str(password))
