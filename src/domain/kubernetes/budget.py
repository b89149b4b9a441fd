"""The size budget of what the charm publishes: each ConfigMap, each Secret, the whole spec. Pure.

Kubernetes refuses an object over its size limits only when Juju applies the spec, after the
hook has ended, and that refusal never reaches the charm: Prometheus keeps its old files. So
the core measures what it is about to publish and refuses it itself (``SpecTooLarge``, which
blocks the unit); the shell then does not call ``pod-spec-set`` and the last good spec stays.

The limits, from the sources:

* ConfigMap. Juju makes one ConfigMap per ``files`` volume of the spec, named
  ``<app>-<volume>-config``, with one key per file path and the file's content as its value
  (juju/juju caas/kubernetes/provider: ``fileSetToVolume``, ``filesetConfigMap``,
  ``applicationConfigMapName``). Kubernetes' ``ValidateConfigMap`` adds up ``len(value)`` of
  every ``data`` and ``binaryData`` value, i.e. their UTF-8 bytes, keys and metadata not
  counted, and refuses the object when the sum is over ``MaxSecretSize``, 1 MiB
  (kubernetes/kubernetes pkg/apis/core/validation/validation.go, pkg/apis/core/types.go).
  Exactly 1 MiB is accepted.
* Secret. ``ValidateSecret`` counts the same way over ``data``, against the same constant;
  ``stringData`` has been merged into ``data`` before validation (a key in both: stringData's).
* The whole spec. No single object holds all of it, but the StatefulSet Juju makes holds the
  pod template (image, flags, probes), and so do its Pods and ControllerRevisions. etcd
  refuses any write over ``--max-request-bytes``, 1.5 MiB by default (etcd-io/etcd
  server/embed/config.go: ``DefaultMaxRequestBytes``; "etcdserver: request is too large").
  Juju keeps the spec as one string in its database (juju/juju state/podspec.go), where
  MongoDB's 16 MiB per document never binds first. The charm counts the spec as Juju receives
  it, pod spec and k8s resources together, as compact JSON in UTF-8 (the form Juju decodes it
  into and close to the bytes Kubernetes stores), and allows 1.5 MiB less 64 KiB, left for what
  Juju and Kubernetes add to each object (names, labels, annotations, managed fields, a pod's
  status). Counting all of it, not the template alone, is one simple bound that costs real
  configurations nothing: the files, the one large part, are held to 1 MiB by the ConfigMap
  rule above.

Volumes are read from the built spec (every ``volumeConfig`` entry with ``files``, in every
container), so the budget follows whatever volumes the spec declares.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Sequence, Tuple

from domain.config.options import BY_NAME
from domain.errors import DomainError

CONFIG_MAP_LIMIT = 1024 * 1024  # Kubernetes' MaxSecretSize, for ConfigMaps
SECRET_LIMIT = 1024 * 1024  # Kubernetes' MaxSecretSize
ETCD_REQUEST_LIMIT = 1024 * 1024 * 3 // 2  # etcd's default --max-request-bytes
SPEC_MARGIN = 64 * 1024  # what Juju and Kubernetes add to each object
SPEC_LIMIT = ETCD_REQUEST_LIMIT - SPEC_MARGIN
LARGEST_SHOWN = 3


class SpecTooLarge(DomainError):
    """What the charm would publish exceeds what Kubernetes or etcd store; the operator must act."""


@dataclass(frozen=True)
class Part:
    """One contributor to a size: what it is (an option where one feeds it) and its bytes."""

    label: str
    size: int


def config_map_name(app: str, volume: str) -> str:
    """The ConfigMap Juju makes for a ``files`` volume (applicationConfigMapName)."""
    return f"{app}-{volume}-config"


def files_volumes(pod_spec: Mapping[str, Any]) -> Iterator[Tuple[str, Sequence[Mapping[str, Any]]]]:
    """(volume name, file entries) of every volume of the spec that Juju turns into a ConfigMap."""
    for container in pod_spec.get("containers") or ():
        for volume in container.get("volumeConfig") or ():
            if volume.get("files"):
                yield str(volume["name"]), volume["files"]


def config_map_holding(pod_spec: Mapping[str, Any], app: str, path: str) -> str:
    """The name of the ConfigMap that holds the file ``path``."""
    for volume, files in files_volumes(pod_spec):
        if any(entry["path"] == path for entry in files):
            return config_map_name(app, volume)
    raise KeyError(f"no files volume holds {path}")


def check_budget(pod_spec: Mapping[str, Any], k8s_resources: Mapping[str, Any], app: str,
                 feeders: Mapping[str, str]) -> None:
    """Raise ``SpecTooLarge`` naming every object over its limit, its size and largest parts.

    ``feeders`` names the option behind a file or Secret key (``{"charm-alert-rules.rules":
    "alert-rules"}``; a Secret's key as ``"<secret>/<key>"``), so the message can say what to shrink.
    """
    problems: List[str] = []
    for volume, files in files_volumes(pod_spec):
        parts = [Part(_fed(feeders, str(f["path"])), _size(str(f["content"]))) for f in files]
        problems += _over(f"ConfigMap {config_map_name(app, volume)}", parts, CONFIG_MAP_LIMIT,
                          "Kubernetes stores at most")
    for secret in _secrets(k8s_resources):
        parts = _secret_parts(secret, feeders)
        problems += _over(f"Secret {secret.get('name', '')}", parts, SECRET_LIMIT,
                          "Kubernetes stores at most")
    problems += _over("the pod spec", _spec_parts(pod_spec, k8s_resources, feeders), SPEC_LIMIT,
                      "etcd's request limit leaves room for", total=spec_size(pod_spec, k8s_resources))
    if problems:
        raise SpecTooLarge("; ".join(problems))


def spec_size(pod_spec: Mapping[str, Any], k8s_resources: Mapping[str, Any]) -> int:
    """The spec's size as the budget counts it: both parts as compact JSON, in UTF-8 bytes."""
    return _size(json.dumps([pod_spec, k8s_resources], ensure_ascii=False, separators=(",", ":")))


def _over(what: str, parts: Sequence[Part], limit: int, stores: str, total: int = -1) -> List[str]:
    size = sum(p.size for p in parts) if total < 0 else total
    if size <= limit:
        return []
    largest = sorted(parts, key=lambda p: -p.size)[:LARGEST_SHOWN]
    shown = ", ".join(f"{p.label} {_human(p.size)}" for p in largest)
    return [f"{what} would be {size} bytes; {stores} {limit}; largest: {shown}"]


def _spec_parts(pod_spec: Mapping[str, Any], k8s_resources: Mapping[str, Any],
                feeders: Mapping[str, str]) -> List[Part]:
    """The spec's large leaves: files, flags, Secret values and the image details."""
    parts = [Part(_fed(feeders, str(f["path"])), _size(str(f["content"])))
             for _, files in files_volumes(pod_spec) for f in files]
    for container in pod_spec.get("containers") or ():
        parts += [Part(_flag_label(str(arg)), _size(str(arg))) for arg in container.get("args") or ()]
        details = container.get("imageDetails") or {}
        parts.append(Part("prometheus-image", sum(_size(str(v)) for v in details.values() if v)))
    for secret in _secrets(k8s_resources):
        parts += _secret_parts(secret, feeders)
    return parts


def _secrets(k8s_resources: Mapping[str, Any]) -> List[Mapping[str, Any]]:
    return list((k8s_resources.get("kubernetesResources") or {}).get("secrets") or ())


def _secret_parts(secret: Mapping[str, Any], feeders: Mapping[str, str]) -> List[Part]:
    """A Secret's keys, each labelled with the option behind ``<secret>/<key>`` (two Secrets
    hold ``tls.crt``), or else behind the key alone."""
    name = str(secret.get("name", ""))
    return [Part(f"{feeders[f'{name}/{key}']} ({key})" if f"{name}/{key}" in feeders else _fed(feeders, key), size)
            for key, size in _secret_data(secret).items()]


def _secret_data(secret: Mapping[str, Any]) -> Dict[str, int]:
    """Bytes per key once Kubernetes has merged stringData into data (base64 decoded)."""
    sizes = {str(k): _decoded_size(str(v)) for k, v in (secret.get("data") or {}).items()}
    sizes.update({str(k): _size(str(v)) for k, v in (secret.get("stringData") or {}).items()})
    return sizes


def _decoded_size(value: str) -> int:
    try:
        return len(base64.b64decode(value))
    except (binascii.Error, ValueError):  # Kubernetes refuses it anyway; count it as it is
        return _size(value)


def _fed(feeders: Mapping[str, str], name: str) -> str:
    return f"{feeders[name]} ({name})" if name in feeders else name


def _flag_label(arg: str) -> str:
    """``--web.page-title=...`` -> ``web-page-title (--web.page-title)``: the option behind a flag."""
    flag = arg.split("=", 1)[0]
    option = flag.lstrip("-").replace(".", "-")
    return f"{option} ({flag})" if option in BY_NAME else flag


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MiB"
    if size >= 1024:
        return f"{size // 1024} KiB"
    return f"{size} bytes"
