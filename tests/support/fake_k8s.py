"""Test-side names of scripts/localrun/fake_k8s.py, the loopback Kubernetes API of the pod listing.

New code imports ``scripts.localrun.fake_k8s`` directly; these names stay for tests written against them.
"""

from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object, write_kubeconfig

__all__ = ["FakeKubernetesApi", "pod_object", "write_kubeconfig"]
