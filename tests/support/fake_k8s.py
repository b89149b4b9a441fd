"""Former home of the loopback Kubernetes API, now scripts/localrun/fake_k8s.py.

Only the names tests/e2e/test_charm_process.py still imports from here remain; new code imports
``scripts.localrun.fake_k8s`` directly.
"""

from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object

__all__ = ["FakeKubernetesApi", "pod_object"]
