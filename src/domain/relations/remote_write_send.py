"""``send-remote-write`` (requires, ``prometheus_remote_write``): where Prometheus copies its samples. Pure.

Each unit of a remote-write receiver (Mimir, Thanos receive, VictoriaMetrics, another
Prometheus) writes ``remote_write`` = JSON ``{"url": "http://<address>:<port>/api/v1/write"}``
in its own bag (canonical/prometheus-k8s-operator lib/charms/prometheus_k8s/v1/
prometheus_remote_write.py: ``PrometheusRemoteWriteProvider`` sets it, the consumer's
``endpoints`` reads it). Every distinct URL becomes one ``remote_write`` entry of prometheus.yml.

A unit that wrote nothing yet is skipped; a bag whose value is too large, not JSON, not an
object with a string ``url``, or whose URL is refused, is dropped alone. URLs are held to the
rules ``alertmanager_dispatch`` applies to Alertmanager URLs (http/https, a DNS name or IP
address, a port in range, a plain path; no credentials, query, fragment, escapes or control
characters; no unspecified, multicast or link-local address, where cloud metadata services
answer), and the Kubernetes API service's names are refused too: a related charm must not make
Prometheus post every sample it holds to the cluster's API server.
"""

import json
import re
from dataclasses import dataclass
from typing import List, Tuple, Union

from domain.facts import AlertmanagerTarget
from domain.relations.alertmanager_dispatch import MAX_URL_BYTES, check_url, shown_url
from domain.relations.data import Bag, DroppedBag, Relation, oversized

KEY = "remote_write"
# The JSON around a URL: {"url": "..."} with room for spaces and escapes.
MAX_BAG_VALUE_BYTES = 2 * MAX_URL_BYTES
# The API server's Service, as pods reach it: `kubernetes` (in namespace `default`),
# `kubernetes.default`, `kubernetes.default.svc` and its fully qualified names
# (kubernetes/kubernetes pkg/controlplane: the `kubernetes` Service of namespace `default`).
_KUBERNETES_API = re.compile(r"kubernetes(\.default(\.svc(\..*)?)?)?\.?", re.IGNORECASE)


@dataclass(frozen=True)
class SendInput:
    urls: Tuple[str, ...]  # distinct, in the order the units are read
    dropped: Tuple[DroppedBag, ...]


def read(relation: Relation) -> SendInput:
    urls: List[str] = []
    dropped: List[DroppedBag] = []
    for bag in relation.units:
        url, reason = _url(bag)
        if reason:
            dropped.append(DroppedBag(relation.key, bag.owner, reason))
        elif url and url not in urls:
            urls.append(url)
    return SendInput(tuple(urls), tuple(dropped))


def _url(bag: Bag) -> Tuple[str, str]:
    """The unit's URL and ``""``, or ``""`` and why its data is unusable; both ``""`` when it
    wrote none."""
    if bag.unreadable:
        return "", bag.unreadable
    value = bag.get(KEY)
    if not value:
        return "", ""
    too_big = oversized(value, KEY, MAX_BAG_VALUE_BYTES)
    if too_big:
        return "", too_big
    try:
        document = json.loads(value)
    except (ValueError, RecursionError):  # deep nesting: '[[[[...' fits in the bound
        return "", f"{KEY} {shown_url(value)} is not JSON"
    url = document.get("url") if isinstance(document, dict) else None
    if not isinstance(url, str) or not url:
        return "", f"{KEY} {shown_url(value)} is not an object with a string 'url'"
    return checked_url(url)


def checked_url(url: str) -> Tuple[str, str]:
    """``url`` as Prometheus will be given it and ``""``, or ``""`` and why it is refused."""
    found: Union[AlertmanagerTarget, str] = check_url(url, f"{KEY} url", "a remote-write URL")
    if isinstance(found, str):
        return "", found
    if _KUBERNETES_API.fullmatch(found.host):
        return "", f"{KEY} url {shown_url(url)} names the Kubernetes API service"
    # The path as sent (a trailing '/' can matter to the receiver); the port always written.
    path = url.split("://", 1)[1].partition("/")[2]
    return f"{found.scheme}://{found.host}:{found.port}/{path}", ""
