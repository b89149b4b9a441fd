"""Whose data a relation carries: a Juju application's topology, and the labels and matchers
that name its series. Pure, and light: read by the scrape jobs and the rules of relations alike.

The names are Juju's: ``juju_model``, ``juju_model_uuid``, ``juju_application`` and, when known,
``juju_charm`` (cosl ``juju_topology.py``); jobs, rule groups and rule files carry the
identifier ``<model>_<first 8 characters of the model UUID>_<application>``.
"""

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from domain.rules.tokens import show

_APPLICATION = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*")
_MODEL = re.compile(r"[a-z0-9]+[a-z0-9-]*")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
Pairs = Tuple[Tuple[str, str], ...]


@dataclass(frozen=True)
class Topology:
    """A related application, its model and charm."""

    model: str
    model_uuid: str
    application: str
    charm: str = ""

    @property
    def identifier(self) -> str:
        return f"{self.model}_{self.model_uuid[:8]}_{self.application}"

    @property
    def matchers(self) -> Pairs:
        return (("juju_model", self.model), ("juju_model_uuid", self.model_uuid),
                ("juju_application", self.application))

    @property
    def labels(self) -> Pairs:
        return self.matchers + ((("juju_charm", self.charm),) if self.charm else ())

    def problem(self) -> Optional[str]:
        """Why these names cannot scope rules; None when they can."""
        for what, value, form in (("model", self.model, _MODEL), ("model_uuid", self.model_uuid, _UUID),
                                  ("application", self.application, _APPLICATION)):
            if not form.fullmatch(value):
                return f"the topology's {what} {show(repr(value))} is not a Juju {what.replace('_', ' ')}"
        if self.charm and not _APPLICATION.fullmatch(self.charm):
            return f"the topology's charm name {show(repr(self.charm))} is not a charm name"
        return None
