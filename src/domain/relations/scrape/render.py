"""Scrape jobs of every ``metrics-endpoint`` relation, rendered for Prometheus. Pure.

Designed for size and change (thousands of targets, units coming and going):

* one prometheus.yml job per (relation, job), named ``juju_<model>_<uuid8>_<app>_prometheus_scrape
  [_<job>]`` (names still colliding get ``_<16 hex of the job's sha256>``; identical jobs in
  one relation are dropped);
* its targets in a ``file_sd_configs`` file (JSON target groups) of their own ConfigMap, which
  Prometheus re-reads by itself (discovery/file: fsnotify on the directory, and every 5
  minutes), so units joining and leaving change only that file: no reload, no new digest;
* the topology labels that every target of a job shares are set once, by relabel rules of the
  job (``juju_model``, ``juju_model_uuid``, ``juju_application``, ``juju_charm``), then
  ``instance`` = ``<model>_<uuid>_<app>_<unit>`` for targets of a unit; each target group
  carries only ``juju_unit``, the provider's static labels and a unit's path prefix
  (``__metrics_path__``). With ``honor_labels: true`` a target's own labels win over the
  target's labels, so the same topology labels are set again after the scrape
  (``metric_relabel_configs``): a provider cannot claim another application's series;
* CA certificates go to the configuration's ConfigMap (read at reload, like prometheus.yml),
  passwords and credentials to a Secret; the job points at them by relative paths.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple

from domain.container import SCRAPE_SECRETS_DIR, SCRAPE_TARGETS_DIR
from domain.prometheus.compatibility import needs_fallback_scrape_protocol
from domain.prometheus.scrape_jobs import FALLBACK_SCRAPE_PROTOCOL, ScrapeJob
from domain.relations.metrics_endpoint import ScrapeRelation
from domain.relations.scrape.job import CheckedJob
from domain.relations.scrape.rendered import RenderedScrape
from domain.relations.scrape.targets import StaticConfig
from domain.relations.scrape.topology import Unit
from domain.relations.topology import Topology
from domain.values.version import Version

_TARGETS_REL = "../" + SCRAPE_TARGETS_DIR.rsplit("/", 1)[1]
_SECRETS_REL = "../" + SCRAPE_SECRETS_DIR.rsplit("/", 1)[1]
_INSTANCE_SOURCES = ["juju_model", "juju_model_uuid", "juju_application", "juju_unit"]


@dataclass(frozen=True)
class RenderedJob:
    job: ScrapeJob
    targets: Tuple[str, str]  # (file name, JSON content)
    config_files: Tuple[Tuple[str, str], ...] = ()  # CA certificates
    secrets: Tuple[Tuple[str, str], ...] = ()


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=repr).encode()).hexdigest()[:16]


def base_name(relation: ScrapeRelation, job: CheckedJob) -> str:
    if relation.topology is None:
        return job.name or f"juju_{relation.remote_app}_prometheus_scrape"
    prefix = f"juju_{relation.topology.identifier}_prometheus_scrape"
    return f"{prefix}_{job.name}" if job.name else prefix


def _groups(job: CheckedJob, topology: Optional[Topology], units: Tuple[Unit, ...],
            path: str) -> List[Dict[str, Any]]:
    """file_sd target groups: per static_configs entry, one group per unit and one for the rest."""
    by_host: Dict[str, Unit] = {}
    for unit in units:
        by_host.setdefault(unit.address.lower(), unit)
        if unit.fqdn:
            by_host.setdefault(unit.fqdn.lower().rstrip("."), unit)
    groups: List[Dict[str, Any]] = []
    for entry in job.static_configs:
        labels = _entry_labels(entry, topology)
        per_unit: Dict[str, List[str]] = {}
        others: List[str] = []
        for host, port in entry.targets:
            if host == "*":
                for unit in units:
                    per_unit.setdefault(unit.name, []).append(_address(unit.address, port))
            elif host.strip("[]").lower().rstrip(".") in by_host:
                unit = by_host[host.strip("[]").lower().rstrip(".")]
                per_unit.setdefault(unit.name, []).append(f"{host}:{port}")
            else:
                others.append(f"{host}:{port}")
        unit_by_name = {unit.name: unit for unit in units}
        for name in sorted(per_unit):
            unit_labels = dict(labels)
            if topology is not None:
                unit_labels["juju_unit"] = name
            if unit_by_name[name].path:
                unit_labels["__metrics_path__"] = unit_by_name[name].path + path
            groups.append({"labels": unit_labels, "targets": sorted(set(per_unit[name]))})
        if others:
            groups.append({"labels": dict(labels), "targets": others})
    return groups


def _entry_labels(entry: StaticConfig, topology: Optional[Topology]) -> Dict[str, str]:
    """The provider's static labels; with a topology, ``juju_*`` ones give way to it."""
    if topology is None:
        return dict(entry.labels)
    return {name: value for name, value in entry.labels if not name.startswith("juju_")}


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _topology_rules(topology: Topology) -> List[Dict[str, Any]]:
    return [{"target_label": name, "replacement": value} for name, value in topology.labels]


def render_job(relation: ScrapeRelation, job: CheckedJob, name: str, version: Version) -> RenderedJob:
    key = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    fields = dict(job.fields)
    path = str(fields.get("metrics_path", "/metrics"))
    secrets: List[Tuple[str, str]] = []
    config_files: List[Tuple[str, str]] = []
    for slot, content in job.files:
        if slot == "ca":
            config_files.append((f"scrape-{key}-ca.crt", content))
            fields["tls_config"] = dict(fields.get("tls_config", {}), ca_file=config_files[-1][0])
        else:
            secrets.append((f"{key}-{slot}", content))
            section = "basic_auth" if slot == "password" else "authorization"
            fields[section] = dict(fields[section], **{f"{slot}_file": f"{_SECRETS_REL}/{key}-{slot}"})
    document: Dict[str, Any] = {"honor_labels": True}
    document.update(fields)
    if needs_fallback_scrape_protocol(version):
        document["fallback_scrape_protocol"] = FALLBACK_SCRAPE_PROTOCOL
    target_file = f"{key}.json"
    document["file_sd_configs"] = [{"files": [f"{_TARGETS_REL}/{target_file}"]}]
    topology = relation.topology
    if topology is not None:
        document["relabel_configs"] = _topology_rules(topology) + [
            {"source_labels": _INSTANCE_SOURCES, "separator": "_", "regex": "(.+_.+_.+_.+)",
             "target_label": "instance"}] + list(fields.get("relabel_configs", []))
        document["metric_relabel_configs"] = list(fields.get("metric_relabel_configs", [])) + \
            _topology_rules(Topology(topology.model, topology.model_uuid, topology.application))
    groups = _groups(job, topology, relation.units, path)
    content = json.dumps(groups, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return RenderedJob(ScrapeJob(name, tuple(document.items())), (target_file, content),
                       tuple(config_files), tuple(secrets))


def render_relations(relations: Tuple[ScrapeRelation, ...], version: Version,
                     reserved: Tuple[str, ...], max_relation_bytes: int) -> RenderedScrape:
    """Every relation's jobs, with unique names (a name already taken gets a suffix: an
    aggregator's, never a job of a relation with a topology); a relation whose files alone exceed
    ``max_relation_bytes`` is dropped whole, with a note."""
    taken: Set[str] = set(reserved)
    jobs: List[ScrapeJob] = []
    config_files: List[Tuple[str, str]] = []
    targets: List[Tuple[str, str]] = []
    secrets: List[Tuple[str, str]] = []
    notes: List[Tuple[int, str]] = []
    # Relations with a topology first: their names cannot collide with each other's (the
    # application is in them), so an aggregator's bare job names never take one of theirs.
    for relation in sorted(relations, key=lambda r: (r.topology is None, r.relation_id)):
        seen: Set[str] = set()
        rendered: List[RenderedJob] = []
        names = set(taken)
        for job in relation.jobs:
            identity = _digest([job.fields, job.static_configs, job.files, job.name])
            if identity in seen:
                notes.append((relation.relation_id, f"job {job.name or '(unnamed)'} is a duplicate; dropped"))
                continue
            seen.add(identity)
            name = base_name(relation, job)
            if name in names:  # identical jobs of two relations share a digest: then a number
                name = base = f"{name}_{identity}"
                number = 1
                while name in names:
                    number += 1
                    name = f"{base}_{number}"
            names.add(name)
            rendered.append(render_job(relation, job, name, version))
        size = sum(_size(r) for r in rendered)
        if size > max_relation_bytes:
            notes.append((relation.relation_id, f"its jobs and targets would take {size} bytes, more than the "
                                                f"{max_relation_bytes} one relation may; none are used"))
            continue
        taken = names
        for item in rendered:
            jobs.append(item.job)
            targets.append(item.targets)
            config_files += item.config_files
            secrets += item.secrets
    return RenderedScrape(tuple(jobs), tuple(config_files), tuple(targets), tuple(secrets), tuple(notes))


def _size(item: RenderedJob) -> int:
    parts = [json.dumps(item.job.as_dict()), item.targets[1]] + [c for _, c in item.config_files + item.secrets]
    return sum(len(p.encode("utf-8", "surrogatepass")) for p in parts)
