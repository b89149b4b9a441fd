"""``metrics-endpoint`` (requires, ``prometheus_scrape``): what each provider asks to be scraped. Pure.

Read per relation with at least one remote unit: the application bag's ``scrape_metadata``
(the provider's topology, checked against the relation: ``scrape.topology``), ``scrape_jobs``
(a JSON list of job fragments, each checked alone: ``scrape.job``) and ``alert_rules`` (handed
on as raw text with the relation's topology: another module scopes and checks the rules), and
each unit's bag (address, name, path prefix, FQDN). Every size and nesting depth is bounded
before parsing; a job, a unit or the metadata that cannot be used is dropped alone with its
reason, which the leader reports back in the ``event`` key of its own application bag.
"""

import json
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from domain.errors import InvalidValue
from domain.relations.data import DroppedBag, Relation
from domain.relations.scrape.bounded_json import bounded_loads
from domain.relations.scrape.job import CheckedJob, check_job
from domain.relations.scrape.topology import Unit, read_topology, read_units
from domain.relations.topology import Topology
from domain.values.duration import Duration
from domain.values.text import excerpt
from domain.values.version import Version

MAX_SCRAPE_JOBS_BYTES = 256 * 1024
MAX_JOBS = 100
MAX_ALERT_RULES_BYTES = 1024 * 1024
MAX_EVENT_PART = 24 * 1024  # each of the two reports; the event stays well under 64 KiB


@dataclass(frozen=True)
class ScrapeRelation:
    """One relation's usable data, and what was dropped from it (for the log, status and event)."""

    relation: str  # endpoint:id
    relation_id: int
    remote_app: str
    topology: Optional[Topology]  # None: an aggregator's finished jobs, used with their own labels
    jobs: Tuple[CheckedJob, ...]
    units: Tuple[Unit, ...]
    alert_rules: str = ""  # raw text, for the rules module, scoped by ``topology`` or ``remote_app``
    errors: Tuple[str, ...] = ()  # about the relation, its metadata or units
    job_errors: Tuple[str, ...] = ()  # one per job dropped


def read(relation: Relation, version: Version, interval: Duration, timeout: Duration,
         api_hosts: Tuple[str, ...] = ()) -> Optional[ScrapeRelation]:
    """None for a relation without remote units (nothing to scrape yet). ``api_hosts``: the
    Kubernetes API service's addresses, which no job may use as its proxy."""
    if not relation.units:
        return None
    errors: List[str] = []
    app = relation.app
    remote = relation.remote_app or ""
    if app.unreadable:
        return ScrapeRelation(relation.key, relation.relation_id, remote, None, (), (),
                              errors=(f"application bag: {app.unreadable}",))
    try:
        topology = read_topology(relation)
    except InvalidValue as error:
        return ScrapeRelation(relation.key, relation.relation_id, remote, None, (), (),
                              errors=(f"{error}; none of this relation's jobs are used",))
    units, refused = read_units(relation)
    errors += [f"unit {owner}: {reason}" for owner, reason in refused]
    jobs, job_errors = _jobs(app.get("scrape_jobs"), version, interval, timeout, api_hosts)
    rules = app.get("alert_rules")
    if len(rules) > MAX_ALERT_RULES_BYTES:
        errors.append(f"alert_rules is more than {MAX_ALERT_RULES_BYTES} bytes; ignored")
        rules = ""
    return ScrapeRelation(relation.key, relation.relation_id, remote, topology, tuple(jobs), tuple(units),
                          rules, tuple(errors), tuple(job_errors))


def _jobs(raw: str, version: Version, interval: Duration, timeout: Duration,
          api_hosts: Tuple[str, ...]) -> Tuple[List[CheckedJob], List[str]]:
    if not raw:
        return [], []
    try:
        data = bounded_loads(raw, "scrape_jobs", MAX_SCRAPE_JOBS_BYTES)
    except InvalidValue as error:
        return [], [str(error)]
    if not isinstance(data, list):
        return [], ["scrape_jobs is not a JSON list"]
    if len(data) > MAX_JOBS:
        return [], [f"scrape_jobs has {len(data)} jobs, more than the {MAX_JOBS} accepted"]
    jobs: List[CheckedJob] = []
    errors: List[str] = []
    for number, job in enumerate(data, 1):
        name = job.get("job_name") if isinstance(job, dict) else None
        shown = f"job {number}" + (f" ({excerpt(name)})" if isinstance(name, str) else "")
        try:
            checked = check_job(job, version, interval, timeout, api_hosts)
        except InvalidValue as error:
            errors.append(f"{shown}: {error}")
            continue
        if checked.ignored:
            errors.append(f"{shown}: ignored keys {', '.join(excerpt(k) for k in checked.ignored[:5])}")
        jobs.append(checked)
    return jobs, errors


def dropped(read_relation: ScrapeRelation, remote_app: str) -> List[DroppedBag]:
    """What the status and the log say about one relation."""
    owner = remote_app or "application"
    return [DroppedBag(read_relation.relation, owner, reason)
            for reason in read_relation.errors + read_relation.job_errors]


def _bounded(parts: Tuple[str, ...]) -> str:
    text = "; ".join(parts)
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= MAX_EVENT_PART:
        return text
    kept = encoded[:MAX_EVENT_PART].decode("utf-8", "ignore")
    return kept + f"... ({len(text) - len(kept)} more characters)"


def event(read_relation: ScrapeRelation, extra_errors: Tuple[str, ...] = ()) -> str:
    """The ``event`` value for the provider: whether all its data was used, and why not."""
    errors = read_relation.errors + extra_errors
    document: Any = {"valid": not (errors or read_relation.job_errors),
                     "errors": _bounded(errors), "scrape_job_errors": _bounded(read_relation.job_errors)}
    return json.dumps(document, sort_keys=True, ensure_ascii=False)
