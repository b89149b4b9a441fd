"""prometheus.yml: built from the typed config and the facts it needs, then rendered to text. Pure.

Every path inside prometheus.yml is relative: Prometheus resolves it against the
directory of the config file, so the same text works in the pod and in a local run.

prometheus.yml also carries the digest of the files published with it (``with_digest_marker``),
so that the charm can read back from a running Prometheus which publication it runs.

Replicas: every pod runs the same prometheus.yml, so the external label ``prometheus_replica``
takes its value from the pod's environment (``${POD_NAME}``, set from the pod's own name in
the pod spec), which Prometheus expands (3.x always, 2.x from 2.27 with the feature flag that
``domain.prometheus.flags`` passes). Alerts lose the label again (``alert_relabel_configs``,
action ``labeldrop``) so that Alertmanager sees the replicas' alerts as one and sends it once.
An operator who sets ``prometheus_replica`` in ``external-labels`` gets exactly that: their
value, kept on alerts.
"""

import dataclasses
import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import yaml

from domain.config.charm_config import CharmConfig
from domain.container import POD_NAME_ENV, REPLICA_LABEL, RULE_FILES_PATTERN
from domain.facts import AlertmanagerTarget
from domain.prometheus.alerting import AlertmanagerGroup, alerting_section, group_alertmanagers
from domain.prometheus.compatibility import expands_external_labels
from domain.prometheus.scrape_jobs import ScrapeJob, kubernetes_jobs, self_scrape_job
from domain.prometheus.yaml_text import to_yaml
from domain.relations.legacy_targets import LegacyAlertmanagers
from domain.values.duration import Duration
from domain.values.version import Version

# The digest marker is a `rule_files` entry: a glob that names the digest and matches no file.
# * Prometheus accepts at most one `*`, in the last path element, in a rule_files entry
#   (prometheus/prometheus config/config.go: patRulePath) and loads whatever files each glob
#   matches, none here, without an error (cmd/prometheus/main.go: the rule reloader's
#   filepath.Glob). promtool refuses an entry without `*` that names no existing file
#   (cmd/promtool/main.go: checkConfig), hence the `*`.
# * It matches nothing: the config directory is the ConfigMap volume, whose entries are its
#   keys, and a ConfigMap key cannot contain `/` (Kubernetes' IsConfigMapKey), so the
#   directory the glob names never exists. tests/e2e/test_digest_marker.py runs it through
#   promtool and prometheus of both generations.
# * Prometheus reports it back: /api/v1/status/config renders the loaded configuration, with
#   rule_files joined to the config file's directory (config/config.go: Config.SetDirectory).
DIGEST_MARKER_PREFIX = "published-config-"
_MARKER = re.compile(r"(?:^|/)" + re.escape(DIGEST_MARKER_PREFIX) + r"([0-9a-f]{64})/\*$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class PrometheusConfig:
    scrape_interval: Duration
    scrape_timeout: Duration
    evaluation_interval: Duration
    external_labels: Tuple[Tuple[str, str], ...]
    alertmanager_timeout: Duration
    alertmanagers: Tuple[AlertmanagerGroup, ...]
    rule_files: Tuple[str, ...]
    scrape_jobs: Tuple[ScrapeJob, ...]
    legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = ()  # the `alertmanager` relation's
    relation_jobs: Tuple[ScrapeJob, ...] = ()  # rendered apart: see ``render_prometheus_yml``
    remote_write_urls: Tuple[str, ...] = ()  # the `send-remote-write` relations' receivers
    alert_drop_labels: Tuple[str, ...] = ()  # external labels that alerts leave behind


def _escape_label_value(value: str, version: Version) -> str:
    # Prometheus expands $VAR in external label values (3.x; 2.x as the charm runs it from
    # 2.27 on, domain.prometheus.flags); before, it keeps them literally.
    return value.replace("$", "$$") if expands_external_labels(version) else value


def _replica_label(config: CharmConfig, version: Version) -> Tuple[Tuple[str, str], ...]:
    """The pod's own name as an external label, unless Prometheus cannot expand it or the
    operator names the label themselves."""
    if not expands_external_labels(version) or any(n == REPLICA_LABEL for n, _ in config.external_labels):
        return ()
    return ((REPLICA_LABEL, "${" + POD_NAME_ENV + "}"),)


def build_prometheus_config(config: CharmConfig, version: Version,
                            alertmanagers: Tuple[AlertmanagerTarget, ...] = (),
                            legacy_alertmanagers: Tuple[LegacyAlertmanagers, ...] = (),
                            relation_jobs: Tuple[ScrapeJob, ...] = (),
                            remote_write_urls: Tuple[str, ...] = ()) -> PrometheusConfig:
    """``relation_jobs``: scrape jobs from relations, already checked and uniquely named."""
    jobs = (self_scrape_job(config),) + (kubernetes_jobs(version) if config.monitor_k8s else ())
    replica = _replica_label(config, version)
    return PrometheusConfig(
        scrape_interval=config.scrape_interval,
        scrape_timeout=config.scrape_timeout,
        evaluation_interval=config.evaluation_interval,
        external_labels=tuple(
            (name, _escape_label_value(value, version)) for name, value in config.external_labels
        ) + replica,
        alertmanager_timeout=config.alertmanager_timeout,
        alertmanagers=group_alertmanagers(alertmanagers),
        rule_files=(RULE_FILES_PATTERN,),
        scrape_jobs=jobs,
        legacy_alertmanagers=legacy_alertmanagers,
        relation_jobs=relation_jobs,
        remote_write_urls=remote_write_urls,
        alert_drop_labels=tuple(name for name, _ in replica),
    )


def _as_document(config: PrometheusConfig) -> Dict[str, Any]:
    global_: Dict[str, Any] = {
        "scrape_interval": str(config.scrape_interval),
        "scrape_timeout": str(config.scrape_timeout),
        "evaluation_interval": str(config.evaluation_interval),
    }
    if config.external_labels:
        global_["external_labels"] = dict(config.external_labels)
    document: Dict[str, Any] = {"global": global_}
    if config.alertmanagers or config.legacy_alertmanagers:
        document["alerting"] = alerting_section(config.alertmanagers, config.alertmanager_timeout,
                                                config.legacy_alertmanagers)
        if config.alert_drop_labels:
            document["alerting"]["alert_relabel_configs"] = [
                {"action": "labeldrop", "regex": name} for name in config.alert_drop_labels]
    document["rule_files"] = list(config.rule_files)
    if config.remote_write_urls:
        document["remote_write"] = _remote_write(config.remote_write_urls)
    # Last: render_prometheus_yml appends the relations' jobs to the text, i.e. to this list.
    document["scrape_configs"] = [job.as_dict() for job in config.scrape_jobs]
    return document


def _remote_write(urls: Tuple[str, ...]) -> List[Dict[str, Any]]:
    """One entry per receiver, with Prometheus' defaults otherwise (queue, retries); the URL
    only, so nothing a related charm sends reaches the file but a checked URL."""
    return [{"url": url} for url in urls]


def digest_marker(digest: str) -> str:
    """The rule_files entry that names ``digest`` (64 lowercase hex digits)."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError(f"not a sha256 hex digest: {digest!r}")
    return f"{DIGEST_MARKER_PREFIX}{digest}/*"


def with_digest_marker(config: PrometheusConfig, digest: str) -> PrometheusConfig:
    """The same configuration, carrying the digest of the files it is published with."""
    return dataclasses.replace(config, rule_files=config.rule_files + (digest_marker(digest),))


def mark_prometheus_yml(text: str, config: PrometheusConfig, digest: str) -> str:
    """``render_prometheus_yml(with_digest_marker(config, digest))``, from the text already
    rendered for ``config``: its top-level rule_files block gains the marker as a last item (a
    plain scalar: it holds only letters, digits, ``-``, ``/`` and ``*``). One rendering instead
    of two, which counts for a prometheus.yml with tens of thousands of labels."""
    block = _rule_files_block(config.rule_files)
    if text.count(block) != 1:
        raise ValueError("not a prometheus.yml rendered for this configuration: no rule_files block")
    return text.replace(block, f"{block}- {digest_marker(digest)}\n")


@functools.lru_cache(maxsize=8)
def _rule_files_block(rule_files: Tuple[str, ...]) -> str:
    return "\n" + to_yaml({"rule_files": list(rule_files)})


def digest_in_running_config(text: str) -> Optional[str]:
    """The digest a running Prometheus's configuration carries (its /api/v1/status/config YAML).

    None when it carries none (a configuration published before the marker, or not by the
    charm) or when the text is not a YAML mapping.
    """
    try:
        document = yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError:
        return None
    rule_files = document.get("rule_files") if isinstance(document, dict) else None
    for entry in rule_files if isinstance(rule_files, list) else ():
        match = _MARKER.search(entry) if isinstance(entry, str) else None
        if match:
            return match.group(1)
    return None


def render_prometheus_yml(config: PrometheusConfig) -> str:
    """Deterministic YAML text: the same config always gives the same bytes.

    Scrape jobs from relations (thousands of them, each with nested rules) are written as
    JSON flow mappings, one line each, at the end of ``scrape_configs`` (the document's last
    key): YAML reads JSON text as the same mapping, and ``json`` writes it about twenty times
    faster than PyYAML's representer. Non-ASCII text stays as it is (``\\uXXXX`` escapes of
    surrogate pairs are not YAML), and every value was checked free of control characters.
    """
    text = to_yaml(_as_document(config))
    if not config.relation_jobs:
        return text
    lines = [f"- {json.dumps(job.as_dict(), ensure_ascii=False, separators=(',', ':'))}\n"
             for job in config.relation_jobs]
    return text + "".join(lines)
