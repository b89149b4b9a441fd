"""The plan: everything the shell applies for one set of options and facts, from one call. Pure.

The files Prometheus reads, the pod spec, the k8s resources, the digest of the files and the
ConfigMap that carries them, what the charm writes in its relation bags and the relation data
it had to ignore.

prometheus.yml carries the digest of the files published with it (a marker that the running
Prometheus reports back through its API; ``domain.prometheus.config_file``). The digest covers
every file of the publication as it would be without the marker: prometheus.yml, the rule
file and web-config.yml. They all sit in one ``files`` volume, i.e. one ConfigMap, and kubelet
swaps a ConfigMap volume's files all at once (it writes a new directory, then switches the
``..data`` symlink; kubernetes/kubernetes pkg/volume/util/atomic_writer.go). A reload reads
prometheus.yml first and the rule files after it (cmd/prometheus/main.go: ``reloadConfig``
loads the file, then its ``rules`` reloader globs and reads them), so a Prometheus reporting
a digest read rule files at least as new as that publication: the marker vouches for the rule
file too. That holds while the files share one volume; ``test_plan`` checks that they do.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Dict, Tuple

from domain.config.charm_config import CharmConfig
from domain.container import CHARM_RULES_FILE, PROMETHEUS_YML
from domain.facts import Facts
from domain.kubernetes.budget import check_budget, config_map_holding
from domain.kubernetes.pod_spec import build_pod_spec
from domain.kubernetes.rbac import with_pod_discovery
from domain.kubernetes.resources import build_k8s_resources, secret_feeders
from domain.prometheus.compatibility import check_image
from domain.prometheus.config_file import build_prometheus_config, mark_prometheus_yml
from domain.prometheus.files import ConfigFiles, build_config_files
from domain.relations.data import BagWrite, DroppedBag
from domain.relations.inputs import read_inputs
from domain.relations.legacy_alerting import needs_pod_discovery
from domain.relations.outputs import relation_writes


@dataclass(frozen=True)
class Plan:
    files: ConfigFiles  # as published: prometheus.yml carries ``digest``
    pod_spec: Dict[str, Any]
    k8s_resources: Dict[str, Any]
    digest: str  # of the files without the marker; changes exactly when what Prometheus reads changes
    config_map: str  # the ConfigMap Juju makes for the files (kubectl describe configmap ...)
    relation_writes: Tuple[BagWrite, ...] = ()  # what this unit writes in its own bags
    dropped: Tuple[DroppedBag, ...] = ()  # relation data read and ignored, with the reason

    @property
    def spec_digest(self) -> str:
        """Of the pod spec and k8s resources as published: changes exactly when they do."""
        text = json.dumps([self.pod_spec, self.k8s_resources], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def prometheus_yml(self) -> str:
        return self.files.get(PROMETHEUS_YML)


def plan(config: CharmConfig, facts: Facts) -> Plan:
    """Refuses an unsupported image (``ResourceError``) and a spec Kubernetes would not store
    (``SpecTooLarge``); options were checked for the image by ``parse_config``."""
    check_image(facts.image)
    version = facts.image.version
    inputs = read_inputs(facts)
    legacy = inputs.legacy_alertmanagers
    unmarked = build_config_files(config, version, inputs.alertmanagers, legacy)
    digest = unmarked.digest()
    marked_yml = mark_prometheus_yml(unmarked.get(PROMETHEUS_YML),
                                     build_prometheus_config(config, version, inputs.alertmanagers, legacy),
                                     digest)
    files = ConfigFiles(tuple((name, marked_yml if name == PROMETHEUS_YML else content)
                              for name, content in unmarked.files))
    pod_spec = build_pod_spec(config, facts.image, facts.identity, files)
    if needs_pod_discovery(legacy):
        pod_spec["serviceAccount"] = with_pod_discovery(pod_spec["serviceAccount"], facts.identity.app)
    k8s_resources = build_k8s_resources(config, facts.identity, files)
    feeders = {**_feeders(config, files), **secret_feeders(facts.identity)}
    check_budget(pod_spec, k8s_resources, facts.identity.app, feeders)
    return Plan(files=files, pod_spec=pod_spec, k8s_resources=k8s_resources, digest=digest,
                config_map=config_map_holding(pod_spec, facts.identity.app, PROMETHEUS_YML),
                relation_writes=relation_writes(config, facts), dropped=inputs.dropped)


def _feeders(config: CharmConfig, files: ConfigFiles) -> Dict[str, str]:
    """The option behind each file or Secret key that can grow large, for the budget's message."""
    feeders = {CHARM_RULES_FILE: "alert-rules"}
    labels = sum(len(name.encode()) + len(value.encode()) for name, value in config.external_labels)
    if labels * 2 >= len(files.get(PROMETHEUS_YML).encode()):
        feeders[PROMETHEUS_YML] = "external-labels"  # most of prometheus.yml
    return feeders
