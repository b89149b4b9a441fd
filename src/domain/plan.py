"""The plan: everything the shell applies for one set of options and facts, from one call. Pure.

Today: the files Prometheus reads, the pod spec, the k8s resources and the digest that
says when the files changed. Relation data the charm publishes belongs here too.
"""

from dataclasses import dataclass
from typing import Any, Dict

from domain.config.charm_config import CharmConfig
from domain.container import PROMETHEUS_YML
from domain.facts import Facts
from domain.kubernetes.pod_spec import build_pod_spec
from domain.kubernetes.resources import build_k8s_resources
from domain.prometheus.compatibility import check_image
from domain.prometheus.files import ConfigFiles, build_config_files


@dataclass(frozen=True)
class Plan:
    files: ConfigFiles
    pod_spec: Dict[str, Any]
    k8s_resources: Dict[str, Any]
    digest: str  # changes exactly when what Prometheus reads from files changes

    @property
    def prometheus_yml(self) -> str:
        return self.files.get(PROMETHEUS_YML)


def plan(config: CharmConfig, facts: Facts) -> Plan:
    """Refuses an unsupported image (``ResourceError``); options were checked for it by ``parse_config``."""
    check_image(facts.image)
    files = build_config_files(config, facts.image.version, facts.alertmanagers)
    return Plan(
        files=files,
        pod_spec=build_pod_spec(config, facts.image, facts.identity, files),
        k8s_resources=build_k8s_resources(config, facts.identity, files),
        digest=files.digest(),
    )
