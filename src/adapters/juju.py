"""Reads facts from the Juju model (ops) and turns them into domain values.

Only this module and ``charm.py`` import ``ops``.
"""

import yaml
from ops import Model, ModelError

from domain.errors import ResourceError
from domain.facts import Facts, Identity
from domain.values.image import ImageDetails, parse_image_resource

IMAGE_RESOURCE = "prometheus-image"
DEPLOY_HINT = "attach it: juju attach-resource prometheus prometheus-image=prom/prometheus:v2.53.0"


class JujuFacts:
    """The facts the core needs, gathered from ``ops.Model``."""

    def __init__(self, model: Model) -> None:
        self._model = model

    def facts(self) -> Facts:
        return Facts(image=self.image(), identity=Identity(app=self._model.app.name, model=self._model.name))

    def image(self) -> ImageDetails:
        try:
            path = self._model.resources.fetch(IMAGE_RESOURCE)
        except (ModelError, NameError) as err:
            raise ResourceError(f"{IMAGE_RESOURCE}: resource missing; {DEPLOY_HINT}") from err
        try:
            data = yaml.safe_load(path.read_text())
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            raise ResourceError(f"{IMAGE_RESOURCE}: resource content is not YAML") from err
        return parse_image_resource(data)
