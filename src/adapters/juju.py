"""Reads facts from the Juju model (ops) and turns them into domain values.

Only this module and ``charm.py`` import ``ops``.
"""

import os
from typing import TYPE_CHECKING, Optional, Tuple

import yaml
from ops import Model, ModelError

from adapters.relations import read_relations
from domain.errors import ResourceError
from domain.facts import Facts, Identity
from domain.relations.data import Relation
from domain.relations.endpoints import METRICS_ENDPOINT, RECEIVE_REMOTE_WRITE
from domain.relations.rules_memo import RulesMemo
from domain.values.image import ImageDetails, parse_image_resource

if TYPE_CHECKING:
    from adapters.rules_cache import RulesCache

IMAGE_RESOURCE = "prometheus-image"
DEPLOY_HINT = "attach it: juju attach-resource prometheus prometheus-image=prom/prometheus:v2.53.0"
# Juju writes an oci-image resource as a small YAML mapping (registrypath, username, password);
# anything larger is not one, and is refused before a parser sees it.
MAX_RESOURCE_BYTES = 64 * 1024


class JujuFacts:
    """The facts the core needs, gathered from ``ops.Model``."""

    def __init__(self, model: Model) -> None:
        self._model = model
        self._rules_cache: Optional[RulesCache] = None

    def facts(self, namespace: str = "") -> Facts:
        model = self._model
        identity = Identity(app=model.app.name, model=model.name, model_uuid=model.uuid,
                            unit=model.unit.name, namespace=namespace)
        endpoints = sorted(model.relations.keys())
        # Kubernetes gives every pod, the operator's too, the API service's address
        # (KUBERNETES_SERVICE_HOST): scrape jobs may not proxy through it.
        api = os.environ.get("KUBERNETES_SERVICE_HOST", "")
        relations = read_relations(model, endpoints)
        return Facts(image=self.image(), identity=identity, relations=relations,
                     kubernetes_api_hosts=(api.lower(),) if api else (), judged=self._judgements(relations))

    def _judgements(self, relations: Tuple[Relation, ...]) -> RulesMemo:
        """Earlier judgements of relations' rules (``adapters.rules_cache``), read only when some
        relation may send rules and the charm runs under Juju; else an empty memo."""
        self._rules_cache = None
        if not any(relation.endpoint in (METRICS_ENDPOINT, RECEIVE_REMOTE_WRITE) for relation in relations):
            return RulesMemo()
        from adapters.rules_cache import RulesCache  # and its JSON file: with such relations only

        self._rules_cache = RulesCache.in_charm_dir()
        return self._rules_cache.load() if self._rules_cache is not None else RulesMemo()

    def keep_judgements(self, facts: Facts) -> None:
        """After a plan: saves the judgements it used for the next hook (never raises)."""
        if self._rules_cache is not None:
            self._rules_cache.save(facts.judged)

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
