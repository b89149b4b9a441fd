"""The charm's verdict on one option value, where the value lands in Prometheus, and the outcome.

The charm judges each value alone: config.yaml's defaults with that one option set (plus a
``CONTEXT`` that keeps other options from being the ones refused), for an image of the
binary's own version. A refusal must be a ``ConfigErrors`` naming that option and no other;
anything else raised while parsing or planning is a crash.

A value the charm refuses is judged by the binary too where that is cheap and meaningful: the
raw value is put where the charm would have put it (``injected_*``). Values Juju cannot hand
over (a string for an ``int`` option ...) and options Prometheus never sees are not judged.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import yaml

from domain.config.parse import parse_config
from domain.errors import ConfigErrors
from domain.facts import AlertmanagerTarget, Facts
from domain.plan import Plan, plan
from scripts.localrun.generations import Generation
from tests.support.builders import CONFIG_YAML, default_options, make_facts
from tests.support.tls import CERT_PEM, KEY_PEM

# An Alertmanager, so that prometheus.yml has the alerting section alertmanager-timeout lands in.
ALERTMANAGER = AlertmanagerTarget("127.0.0.1", 9093)
# Other options set beside the one judged, so that a refusal names the option judged: a
# scrape-interval below the default scrape-timeout would be refused under scrape-timeout's name,
# a certificate without its key under ssl_key's.
CONTEXT: Dict[str, Dict[str, Any]] = {
    "scrape-interval": {"scrape-timeout": "1ms"},
    "ssl_cert": {"ssl_key": KEY_PEM},
    "ssl_key": {"ssl_cert": CERT_PEM},
    # the other ingress-* options are refused without a host; the pair is refused half set
    "ingress-class": {"ingress-hostname": "prometheus.example.com"},
    "ingress-path": {"ingress-hostname": "prometheus.example.com"},
    "ingress-tls-cert": {"ingress-hostname": "prometheus.example.com", "ingress-tls-key": KEY_PEM},
    "ingress-tls-key": {"ingress-hostname": "prometheus.example.com", "ingress-tls-cert": CERT_PEM},
}
FLAGS = {  # option -> the Prometheus flag it becomes (src/domain/prometheus/flags.py)
    "log-level": "--log.level",
    "web-max-connections": "--web.max-connections",
    "web-read-timeout": "--web.read-timeout",
    "web-external-url": "--web.external-url",
    "web-enable-admin-api": "--web.enable-admin-api",
    "web-page-title": "--web.page-title",
    "tsdb-retention-time": "--storage.tsdb.retention.time",
    "tsdb-retention-size": "--storage.tsdb.retention.size",
    "tsdb-wal-compression": "--storage.tsdb.wal-compression",
    "alertmanager-notification-queue-capacity": "--alertmanager.notification-queue-capacity",
}
IN_GLOBAL = {"scrape-interval": "scrape_interval", "scrape-timeout": "scrape_timeout",
             "evaluation-interval": "evaluation_interval", "external-labels": "external_labels"}
TLS_FILES = {"ssl_cert": "cert_file", "ssl_key": "key_file"}  # of web-config.yml's tls_server_config
CHARM_ONLY = frozenset({"enforce-pod-restart", "debug-at", "debug-port",  # Prometheus never sees them
                        "ingress-class", "ingress-tls-cert", "ingress-tls-key"})
JUJU_TYPES = {name: {"string": str, "int": int, "boolean": bool}[spec["type"]]
              for name, spec in CONFIG_YAML["options"].items()}


@dataclass(frozen=True)
class CharmVerdict:
    accepted: bool
    detail: str = ""  # the refusal, or what went wrong in a crash
    crashed: bool = False
    plan: Optional[Plan] = None


def facts(generation: Generation) -> Facts:
    return make_facts(generation.image, alertmanagers=(ALERTMANAGER,))


def raw_options(values: Dict[str, Any]) -> Dict[str, Any]:
    """Defaults, the context of every option in ``values``, then ``values`` themselves."""
    raw = default_options()
    for option in values:
        raw.update(CONTEXT.get(option, {}))
    raw.update(values)
    return raw


def charm_plan(values: Dict[str, Any], generation: Generation) -> Plan:
    return plan(parse_config(raw_options(values), generation.version), facts(generation))


def charm_verdict(option: str, value: Any, generation: Generation) -> CharmVerdict:
    try:
        return CharmVerdict(True, plan=charm_plan({option: value}, generation))
    except ConfigErrors as err:
        if set(err.options) != {option}:
            return CharmVerdict(False, f"refused under other names: {err}", crashed=True)
        return CharmVerdict(False, str(err))
    except Exception as err:  # any other exception is the finding
        return CharmVerdict(False, f"{type(err).__name__}: {str(err)[:300]}", crashed=True)


def deliverable(option: str, value: Any) -> Optional[str]:
    """Why Juju could never hand the charm ``value`` for ``option``, or None."""
    expected = JUJU_TYPES[option]
    if expected is str and (value is None or isinstance(value, str)):
        return None
    if type(value) is expected:
        return None
    return f"Juju hands {option} as {expected.__name__}, never {type(value).__name__}"


def injected_flag(option: str, value: Any) -> Optional[Tuple[str, str]]:
    """The argument the charm would have passed for a value it refuses, or None if it has none."""
    if option not in FLAGS or JUJU_TYPES[option] is bool:
        return None  # a boolean Juju hands over is always accepted
    return FLAGS[option], "" if value is None else str(value)


def injected_yml(default_yml: str, option: str, value: Any) -> Optional[str]:
    """The charm's default prometheus.yml with the raw value where the charm would put it."""
    document = yaml.safe_load(default_yml)
    value = "" if value is None else value  # Juju leaves an empty string option out
    if option == "external-labels":
        try:
            labels = json.loads(value or "{}")
        except ValueError:
            return None  # not JSON: there is nothing to put in prometheus.yml
        document["global"]["external_labels"] = labels
    elif option in IN_GLOBAL:
        document["global"][IN_GLOBAL[option]] = value
    elif option == "alertmanager-timeout":
        for entry in document["alerting"]["alertmanagers"]:
            entry["timeout"] = value
    else:
        return None
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def injected_pem(value: Optional[str]) -> str:
    """The file the charm would write for a PEM option: the text, or what its base64 decodes to."""
    found = (value or "").strip()
    if found and "-----BEGIN" not in found:
        try:
            return base64.b64decode(found, validate=True).decode("ascii")
        except (binascii.Error, ValueError):
            pass
    return found


def outcome(charm: CharmVerdict, binary: Optional[bool]) -> str:
    """``agree``, ``violation`` (charm accepts, binary refuses), ``policy`` (the reverse),
    ``unjudged`` (no binary verdict) or ``crash``."""
    if charm.crashed:
        return "crash"
    if binary is None:
        return "unjudged"
    if charm.accepted == binary:
        return "agree"
    return "violation" if charm.accepted else "policy"


def show(value: Any, limit: int = 100) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"
