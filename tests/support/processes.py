"""Test-side names of scripts/localrun: processes on loopback and the Prometheus client.

New code imports ``scripts.localrun`` directly; these names stay for tests written against them.
"""

from scripts.localrun.client import PrometheusClient
from scripts.localrun.pod import path_prometheus as prometheus_binary
from scripts.localrun.processes import ManagedProcess, free_port, http_get, http_post, wait_until_ready
from scripts.localrun.server import PrometheusServer

__all__ = ["ManagedProcess", "PrometheusClient", "PrometheusServer", "free_port", "http_get", "http_post",
           "prometheus_binary", "wait_until_ready"]
