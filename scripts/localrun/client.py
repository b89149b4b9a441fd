"""A small client of a running Prometheus' HTTP API, and Prometheus' duration syntax.

Reads only: status, flags, the loaded configuration, targets and instant queries.
"""

import json
import re
import ssl
import urllib.parse
from typing import Any, Dict, Optional

import yaml

from scripts.localrun.processes import http_get

_DURATION = re.compile(r"(\d+)(ms|y|w|d|h|m|s)")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


class PrometheusApiError(RuntimeError):
    """Prometheus answered, but not with ``"status": "success"``."""


def parse_duration(text: str) -> float:
    """Seconds of a Prometheus duration such as ``1m30s`` or ``500ms``.

    See https://prometheus.io/docs/prometheus/latest/configuration/configuration/#duration
    """
    text = text.strip()
    if not text or _DURATION.sub("", text):
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(number) * _UNITS[unit] for number, unit in _DURATION.findall(text))


class PrometheusClient:
    """Reads the HTTP API of the Prometheus at ``url`` (with ``context`` for https)."""

    def __init__(self, url: str, context: Optional[ssl.SSLContext] = None) -> None:
        self.url = url
        self.context = context

    def get(self, path: str, timeout: float = 5.0) -> bytes:
        return http_get(self.url + path, timeout=timeout, context=self.context)

    def api(self, path: str) -> Any:
        body = json.loads(self.get(path))
        if body.get("status") != "success":
            raise PrometheusApiError(f"{path}: {body}")
        return body["data"]

    def flags(self) -> Dict[str, str]:
        return dict(self.api("/api/v1/status/flags"))

    def query(self, expr: str) -> Any:
        return self.api("/api/v1/query?" + urllib.parse.urlencode({"query": expr}))

    def loaded_config(self) -> Dict[str, Any]:
        """The configuration Prometheus runs, as YAML it serves it."""
        return dict(yaml.safe_load(self.api("/api/v1/status/config")["yaml"]) or {})

    def version(self) -> str:
        return str(self.api("/api/v1/status/buildinfo")["version"])

    def longest_scrape_interval(self) -> float:
        """The longest scrape interval of the loaded configuration, in seconds."""
        loaded = self.loaded_config()
        default = (loaded.get("global") or {}).get("scrape_interval", "1m")
        intervals = [parse_duration(job.get("scrape_interval", default))
                     for job in loaded.get("scrape_configs") or []]
        return max(intervals or [parse_duration(default)])
