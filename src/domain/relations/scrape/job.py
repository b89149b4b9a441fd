"""One scrape job fragment from relation data, checked field by field. Pure.

Only the library's allow-list of keys is kept (canonical/prometheus-k8s-operator
lib/charms/prometheus_k8s/v0/prometheus_scrape.py ``ALLOWED_KEYS``); other keys are dropped
and reported. A job that asks Prometheus to read a local file (any ``*_file`` key but
``tls_config``'s PEM texts) or to discover targets (``*_sd_configs``) is refused whole: either
could make Prometheus send what the pod holds (its service-account token) to a target of the
provider's choosing. Values are checked as Prometheus loads them (prometheus/prometheus
config/config.go ``ScrapeConfig.Validate``; prometheus/common config/http_config.go
``HTTPClientConfig.Validate``), conservatively.
"""

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from domain.errors import InvalidValue
from domain.prometheus.compatibility import AUTHORIZATION_SINCE, SCRAPE_LABEL_LIMITS_SINCE
from domain.relations.scrape.relabel import check_rules
from domain.relations.scrape.targets import StaticConfig, check_static_configs
from domain.relations.scrape.tls import check_proxy_url, check_tls_config
from domain.values.duration import Duration
from domain.values.text import excerpt, forbidden_character
from domain.values.version import Version, format_version

ALLOWED_KEYS = ("job_name", "metrics_path", "static_configs", "scrape_interval", "scrape_timeout",
                "scheme", "params", "relabel_configs", "metric_relabel_configs", "sample_limit",
                "label_limit", "label_name_length_limit", "label_value_length_limit", "basic_auth",
                "authorization", "tls_config", "proxy_url")
_LIMITS = ("sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit")
MAX_JOB_NAME = 128
MAX_TEXT = 1024
MAX_LIMIT = 2**63 - 1
_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*", re.ASCII)
_AUTH_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,31}")


@dataclass(frozen=True)
class CheckedJob:
    """A job that passed every check. ``fields`` are ready for prometheus.yml but for the files:
    ``files`` are (slot, content) to be written and pointed at (``ca``: CA certificates, public;
    ``password``, ``credentials``: secrets)."""

    name: str  # as the provider named it ("" when unnamed)
    fields: Tuple[Tuple[str, Any], ...]
    static_configs: Tuple[StaticConfig, ...]
    files: Tuple[Tuple[str, str], ...] = ()
    ignored: Tuple[str, ...] = ()  # keys dropped by the allow-list


def _forbidden_keys(value: Any, path: str = "") -> Optional[str]:
    """The first ``*_file`` or ``*_sd_configs`` key anywhere in ``value`` (tls_config's PEM keys
    are judged by ``check_tls_config``)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            name = str(key)
            where = f"{path}.{name}" if path else name
            if name.endswith("_sd_configs") or (name.endswith("_file") and not path.endswith("tls_config")):
                return where
            found = _forbidden_keys(inner, where)
            if found:
                return found
    elif isinstance(value, list):
        for inner in value:
            found = _forbidden_keys(inner, path)
            if found:
                return found
    return None


def _text(value: Any, what: str, limit: int = MAX_TEXT, secret: bool = False) -> str:
    """``secret``: the message does not quote the value (it reaches the status and the log)."""
    if not isinstance(value, str):
        raise InvalidValue(f"{what} is not text")
    if not value or len(value) > limit or forbidden_character(value):
        shown = "" if secret else f" {excerpt(value)}"
        raise InvalidValue(f"{what}{shown} is empty, longer than {limit} characters "
                           f"or holds control characters")
    return value


def _limit(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LIMIT:
        raise InvalidValue(f"{key} is not a non-negative integer")
    return int(value)


def check_job(job: Any, version: Version, global_interval: Duration,
              global_timeout: Duration, api_hosts: Tuple[str, ...] = ()) -> CheckedJob:
    """``InvalidValue`` with the reason when the job cannot be used as it is."""
    if not isinstance(job, dict):
        raise InvalidValue("a job is not a JSON object")
    forbidden = _forbidden_keys(job)
    if forbidden:
        raise InvalidValue(f"{excerpt(forbidden)}: jobs may not read local files or discover targets")
    ignored = tuple(sorted(str(k) for k in job if k not in ALLOWED_KEYS))
    name = _text(job["job_name"], "job_name", MAX_JOB_NAME) if "job_name" in job else ""
    fields: List[Tuple[str, Any]] = []
    files: List[Tuple[str, str]] = []
    scheme = job.get("scheme", "http")
    if scheme not in ("http", "https"):
        raise InvalidValue(f"scheme {excerpt(str(scheme))} is not http or https")
    if "scheme" in job:
        fields.append(("scheme", scheme))
    path = job.get("metrics_path", "/metrics")
    if not isinstance(path, str) or len(path) > MAX_TEXT or not _PATH.fullmatch(path):
        raise InvalidValue(f"metrics_path {excerpt(str(path))} is not a plain URL path starting with /")
    fields.append(("metrics_path", path))
    if "params" in job:
        fields.append(("params", _params(job["params"])))
    fields += _intervals(job, global_interval, global_timeout)
    for key in _LIMITS:
        if key in job:
            if key != "sample_limit" and version < SCRAPE_LABEL_LIMITS_SINCE:
                raise InvalidValue(f"{key} needs Prometheus >= {format_version(SCRAPE_LABEL_LIMITS_SINCE)}")
            fields.append((key, _limit(job[key], key)))
    auth, secrets = _auth(job, version)
    fields += auth
    files += secrets
    if "tls_config" in job:
        tls, pems = check_tls_config(job["tls_config"])
        fields.append(("tls_config", tls))
        files += pems
    if "proxy_url" in job:
        fields.append(("proxy_url", check_proxy_url(job["proxy_url"], api_hosts)))
    for key in ("relabel_configs", "metric_relabel_configs"):
        if key in job:
            fields.append((key, check_rules(job[key], key)))
    statics = check_static_configs(job.get("static_configs", [{"targets": ["*:80"]}]), version)
    return CheckedJob(name, tuple(fields), statics, tuple(files), ignored)


def _params(value: Any) -> Dict[str, List[str]]:
    if not isinstance(value, dict) or len(value) > 32:
        raise InvalidValue("params is not an object of at most 32 names")
    checked = {}
    for name, values in value.items():
        _text(name, "a params name", 256)
        if not isinstance(values, list) or len(values) > 32:
            raise InvalidValue(f"params {excerpt(name)} is not a list of at most 32 values")
        checked[name] = [_text(v, f"a value of params {excerpt(name)}") for v in values]
    return checked


def _intervals(job: Dict[str, Any], global_interval: Duration,
               global_timeout: Duration) -> List[Tuple[str, str]]:
    """Prometheus takes the job's interval or the global one, the job's timeout or the smaller
    of the global timeout and that interval, and refuses a timeout above the interval."""
    parsed: Dict[str, Duration] = {}
    for key in ("scrape_interval", "scrape_timeout"):
        if key in job:
            try:
                parsed[key] = Duration.parse(_text(job[key], key, 64))
            except InvalidValue as error:
                raise InvalidValue(f"{key}: {error}") from None
            if parsed[key].milliseconds == 0:
                raise InvalidValue(f"{key} is zero")
    interval = parsed.get("scrape_interval", global_interval)
    timeout = parsed.get("scrape_timeout", min(global_timeout, interval))
    if timeout > interval:
        raise InvalidValue(f"scrape_timeout {timeout} is longer than the scrape interval {interval}")
    return [(key, str(value)) for key, value in parsed.items()]


def _auth(job: Dict[str, Any], version: Version) -> Tuple[List[Tuple[str, Any]], List[Tuple[str, str]]]:
    """basic_auth or authorization without its secret, and the secret, which goes to a file
    (in a Kubernetes Secret) that the renderer points at."""
    if "basic_auth" in job and "authorization" in job:
        raise InvalidValue("basic_auth and authorization together (Prometheus takes one)")
    fields: List[Tuple[str, Any]] = []
    files: List[Tuple[str, str]] = []
    if "basic_auth" in job:
        auth = job["basic_auth"]
        if not isinstance(auth, dict) or set(auth) - {"username", "password"} or "username" not in auth:
            raise InvalidValue("basic_auth takes a username and a password, nothing else")
        fields.append(("basic_auth", {"username": _text(auth["username"], "basic_auth username", 256)}))
        if "password" in auth:
            files.append(("password", _text(auth["password"], "basic_auth password", secret=True)))
    if "authorization" in job:
        if version < AUTHORIZATION_SINCE:
            raise InvalidValue(f"authorization needs Prometheus >= {format_version(AUTHORIZATION_SINCE)}")
        auth = job["authorization"]
        if not isinstance(auth, dict) or set(auth) - {"type", "credentials"} or "credentials" not in auth:
            raise InvalidValue("authorization takes credentials and a type, nothing else")
        kind = auth.get("type", "Bearer")
        if not isinstance(kind, str) or not _AUTH_TYPE.fullmatch(kind) or kind.lower() == "basic":
            raise InvalidValue("authorization type is not a word such as Bearer (Basic belongs in basic_auth)")
        fields.append(("authorization", {"type": kind}))
        files.append(("credentials", _text(auth["credentials"], "authorization credentials", secret=True)))
    return fields, files
