"""k8s resources beside the pod spec: pod settings and the annotation that rolls pods."""

from tests.support.builders import make_plan


def test_pods_get_fsgroup_so_nobody_can_write_the_storage():
    plan = make_plan()

    assert plan.k8s_resources["kubernetesResources"]["pod"]["securityContext"] == {"fsGroup": 65534}


def test_enforce_pod_restart_annotates_pods_with_a_content_hash():
    first = make_plan(enforce_pod_restart=True, scrape_interval="1m")
    second = make_plan(enforce_pod_restart=True, scrape_interval="2m")

    a1 = first.k8s_resources["kubernetesResources"]["pod"]["annotations"]
    a2 = second.k8s_resources["kubernetesResources"]["pod"]["annotations"]
    assert a1 != a2
    again = make_plan(enforce_pod_restart=True, scrape_interval="1m")
    assert a1 == again.k8s_resources["kubernetesResources"]["pod"]["annotations"]


def test_without_enforce_pod_restart_pods_are_not_annotated():
    plan = make_plan()

    assert "annotations" not in plan.k8s_resources["kubernetesResources"]["pod"]
