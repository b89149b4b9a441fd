"""Reads facts from the Juju model (ops) and turns them into domain values.

Only this module and ``charm.py`` import ``ops``.
"""

import yaml
from ops import Model, ModelError

from adapters.relations import read_relations
from domain.errors import ResourceError
from domain.facts import Facts, Identity
from domain.values.image import ImageDetails, parse_image_resource

IMAGE_RESOURCE = "prometheus-image"
DEPLOY_HINT = "attach it: juju attach-resource prometheus prometheus-image=prom/prometheus:v2.53.0"
# Juju writes an oci-image resource as a small YAML mapping (registrypath, username, password);
# anything larger is not one, and is refused before a parser sees it.
MAX_RESOURCE_BYTES = 64 * 1024


class JujuFacts:
    """The facts the core needs, gathered from ``ops.Model``."""

    def __init__(self, model: Model) -> None:
        self._model = model

    def facts(self, namespace: str = "") -> Facts:
        model = self._model
        identity = Identity(app=model.app.name, model=model.name, model_uuid=model.uuid,
                            unit=model.unit.name, namespace=namespace)
        endpoints = sorted(model.relations.keys())
        return Facts(image=self.image(), identity=identity, relations=read_relations(model, endpoints))

    def image(self) -> ImageDetails:
        try:
            path = self._model.resources.fetch(IMAGE_RESOURCE)
        except (ModelError, NameError) as err:
            raise ResourceError(f"{IMAGE_RESOURCE}: resource missing; {DEPLOY_HINT}") from err
        try:
            with path.open("rb") as resource:
                raw = resource.read(MAX_RESOURCE_BYTES + 1)
        except OSError as err:
            raise ResourceError(f"{IMAGE_RESOURCE}: resource cannot be read") from err
        if len(raw) > MAX_RESOURCE_BYTES:
            raise ResourceError(f"{IMAGE_RESOURCE}: resource content is larger than "
                                f"{MAX_RESOURCE_BYTES} bytes; an image resource is a short mapping")
        try:
            # safe_load is the pure-Python loader: its recursion on deep nesting is Python's, so bounded and
            # caught here (libyaml's C composer would recurse on the C stack).
            data = yaml.safe_load(raw.decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as err:
            raise ResourceError(f"{IMAGE_RESOURCE}: resource content is not YAML") from err
        return parse_image_resource(data)
