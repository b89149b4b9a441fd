"""Test-side names of scripts/localrun/pod.py: a pod spec's Prometheus container as a local process.

New code imports ``scripts.localrun.pod`` directly; these names stay for tests written against them.
"""

from scripts.localrun.pod import LocalPod, flag_value, local_args, materialise, prometheus_container, under

__all__ = ["LocalPod", "flag_value", "local_args", "materialise", "prometheus_container", "under"]
