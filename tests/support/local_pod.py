"""Former home of the pod runner, now scripts/localrun/pod.py.

Only the names tests/e2e/test_charm_process.py still imports from here remain; new code imports
``scripts.localrun.pod`` directly.
"""

from scripts.localrun.pod import LocalPod, materialise

__all__ = ["LocalPod", "materialise"]
