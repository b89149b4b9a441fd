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
CA certificates of scrape jobs from relations sit in that volume too (read at reload), so the
digest covers them. The scrape jobs' target lists (file_sd) and credentials do not need it:
they sit in volumes of their own, which Prometheus reads by itself (file_sd watches its files;
credentials files are read at each scrape), so units coming and going change no digest and
need no reload.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Tuple

from domain.config.charm_config import CharmConfig
from domain.container import CHARM_RULES_FILE, PROMETHEUS_YML
from domain.facts import Facts
from domain.kubernetes.budget import CONFIG_MAP_LIMIT, SpecTooLarge, check_budget, config_map_holding
from domain.kubernetes.pod_spec import build_pod_spec, scrape_secret_name
from domain.kubernetes.rbac import with_pod_discovery
from domain.kubernetes.resources import build_k8s_resources, secret_feeders
from domain.prometheus.compatibility import check_image
from domain.prometheus.config_file import build_prometheus_config, mark_prometheus_yml
from domain.prometheus.files import ConfigFiles, build_config_files
from domain.prometheus.flags import remote_write_receiver_args
from domain.relations.data import BagWrite, DroppedBag
from domain.relations.endpoints import METRICS_ENDPOINT, RECEIVE_REMOTE_WRITE
from domain.relations.inputs import RelationInputs, read_inputs
from domain.relations.legacy_targets import needs_pod_discovery
from domain.relations.outputs import relation_writes
from domain.relations.scrape.rendered import RenderedScrape

SCRAPE_FEEDER = "metrics-endpoint"
RULES_MARGIN = 1024  # for the digest marker that prometheus.yml gains after the files are measured


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
    inputs = read_inputs(facts, config)
    if inputs.rule_files:
        inputs = _fitting_rules(inputs, facts, _room(config, version, inputs))
    legacy = inputs.legacy_alertmanagers
    scrape = _scrape(config, version, inputs)
    remote_write = inputs.remote_write_urls
    unmarked = build_config_files(config, version, inputs.alertmanagers, legacy, relation_jobs=scrape.jobs,
                                  relation_files=scrape.config_files + inputs.rule_files,
                                  remote_write_urls=remote_write)
    digest = unmarked.digest()
    marked_yml = mark_prometheus_yml(
        unmarked.get(PROMETHEUS_YML),
        build_prometheus_config(config, version, inputs.alertmanagers, legacy, relation_jobs=scrape.jobs,
                                remote_write_urls=remote_write), digest)
    files = ConfigFiles(tuple((name, marked_yml if name == PROMETHEUS_YML else content)
                              for name, content in unmarked.files))
    pod_spec = build_pod_spec(config, facts.image, facts.identity, files, ConfigFiles(scrape.target_files))
    if inputs.receives_remote_write:  # flags are the pod template's: the pods restart
        pod_spec["containers"][0]["args"] += remote_write_receiver_args(version)
    if needs_pod_discovery(legacy):
        pod_spec["serviceAccount"] = with_pod_discovery(pod_spec["serviceAccount"], facts.identity.app)
    k8s_resources = build_k8s_resources(config, facts.identity, files)
    k8s_resources["kubernetesResources"]["secrets"].append(
        {"name": scrape_secret_name(facts.identity), "type": "Opaque", "stringData": dict(scrape.secrets)})
    feeders = {**_feeders(config, files, scrape), **secret_feeders(facts.identity),
               **{name: "a relation's alert_rules" for name, _ in inputs.rule_files}}
    try:
        check_budget(pod_spec, k8s_resources, facts.identity.app, feeders)
    except SpecTooLarge as err:
        raise SpecTooLarge(_rules_share(inputs.rule_files, files) + str(err)) from None
    events, notes = _scrape_reports(inputs, scrape)
    return Plan(files=files, pod_spec=pod_spec, k8s_resources=k8s_resources, digest=digest,
                config_map=config_map_holding(pod_spec, facts.identity.app, PROMETHEUS_YML),
                relation_writes=relation_writes(config, facts, events), dropped=inputs.dropped + notes)


def _scrape(config: CharmConfig, version: Tuple[int, int, int], inputs: RelationInputs) -> RenderedScrape:
    """Scrape jobs of the metrics-endpoint relations. A relation whose files alone would not fit
    beside the charm's own in one ConfigMap is dropped alone (``render_relations``)."""
    if not inputs.scrape:
        return RenderedScrape()
    from domain.relations.scrape.render import render_relations  # with metrics-endpoint data only

    room = _room(config, version, inputs)
    reserved = tuple(job.job_name for job in build_prometheus_config(config, version).scrape_jobs)
    return render_relations(inputs.scrape, version, reserved, room)


def _room(config: CharmConfig, version: Tuple[int, int, int], inputs: RelationInputs) -> int:
    """What one relation's files may take: the ConfigMap less the charm's own files and 1 KiB."""
    own = build_config_files(config, version, inputs.alertmanagers, inputs.legacy_alertmanagers)
    return CONFIG_MAP_LIMIT - sum(len(content.encode()) for _, content in own.files) - 1024


def _fitting_rules(inputs: RelationInputs, facts: Facts, room: int) -> RelationInputs:
    """``inputs`` without the rule file of a relation whose rules alone would not fit beside the
    charm's own files in one ConfigMap: that relation's rules are dropped alone, with the reason
    (in the relation's ``event`` for metrics-endpoint), and the others are kept."""
    kept: List[Tuple[str, str]] = []
    reasons: List[Tuple[int, str]] = []
    notes: List[DroppedBag] = []
    for name, text in inputs.rule_files:
        size = len(text.encode("utf-8", "surrogatepass"))
        owner = None if size <= room else next(  # looked up for the few too large: a scan of all relations
            (r for r in facts.relations if r.endpoint in (METRICS_ENDPOINT, RECEIVE_REMOTE_WRITE)
             and name.endswith(f"_{r.endpoint}_{r.relation_id}.rules")), None)
        if owner is None:
            kept.append((name, text))
            continue
        reason = (f"alert_rules: its rule file would take {size} bytes, more than the {room} one relation "
                  "may; none of its rules are used")
        notes.append(DroppedBag(owner.key, owner.remote_app or owner.app.owner or "?", reason))
        if owner.endpoint == METRICS_ENDPOINT:
            reasons.append((owner.relation_id, reason))
    if not notes:
        return inputs
    return replace(inputs, rule_files=tuple(kept), rule_reasons=inputs.rule_reasons + tuple(reasons),
                   dropped=inputs.dropped + tuple(notes))


def _rules_share(rule_files: Tuple[Tuple[str, str], ...], files: ConfigFiles) -> str:
    """When relations' rule files are part of an overflow: how much they take, and how much of
    the configuration ConfigMap must go; "" when they are not."""
    if not rule_files:
        return ""
    total = sum(len(content.encode("utf-8", "surrogatepass")) for _, content in files.files)
    over = total - CONFIG_MAP_LIMIT
    if over <= 0:
        return ""
    rules = sum(len(text.encode("utf-8", "surrogatepass")) for _, text in rule_files)
    return (f"the alert rules of {len(rule_files)} relations take {rules} bytes of the configuration "
            f"ConfigMap, which would be {total} bytes, {over} more than the {CONFIG_MAP_LIMIT} Kubernetes "
            "stores: remove some relations or their rules; ")


def _scrape_reports(inputs: RelationInputs,
                    scrape: RenderedScrape) -> Tuple[Dict[int, str], Tuple[DroppedBag, ...]]:
    """The ``event`` for each metrics-endpoint relation, and the renderer's notes as dropped data."""
    if not inputs.scrape:
        return {}, ()
    from domain.relations import metrics_endpoint  # loaded already by read_inputs

    events: Dict[int, str] = {}
    notes: List[DroppedBag] = []
    for relation in inputs.scrape:
        extra = tuple(note for rid, note in scrape.notes if rid == relation.relation_id)
        rules = tuple(note for rid, note in inputs.rule_reasons if rid == relation.relation_id)
        events[relation.relation_id] = metrics_endpoint.event(relation, extra + rules)
        notes += [DroppedBag(relation.relation, relation.remote_app, note) for note in extra]
    return events, tuple(notes)


def _feeders(config: CharmConfig, files: ConfigFiles, scrape: RenderedScrape) -> Dict[str, str]:
    """The option behind each file or Secret key that can grow large, for the budget's message."""
    feeders = {CHARM_RULES_FILE: "alert-rules"}
    for name, _ in scrape.target_files + scrape.config_files + scrape.secrets:
        feeders[name] = SCRAPE_FEEDER
    labels = sum(len(name.encode()) + len(value.encode()) for name, value in config.external_labels)
    if labels * 2 >= len(files.get(PROMETHEUS_YML).encode()):
        feeders[PROMETHEUS_YML] = "external-labels"  # most of prometheus.yml
    return feeders
