"""k8s resources beside the pod spec: pod settings and the annotation that rolls pods."""

from tests.support.builders import make_plan
from tests.support.tls import CERT_PEM, KEY_PEM, RENEWED_CERT_PEM


def annotations(**options):
    return make_plan(**options).k8s_resources["kubernetesResources"]["pod"].get("annotations")


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


def test_a_renewed_certificate_changes_the_annotation_so_pods_restart_with_it():
    first = annotations(enforce_pod_restart=True, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    renewed = annotations(enforce_pod_restart=True, ssl_cert=RENEWED_CERT_PEM, ssl_key=KEY_PEM)

    assert first != renewed
    assert first == annotations(enforce_pod_restart=True, ssl_cert=CERT_PEM, ssl_key=KEY_PEM)
    # turning TLS on changes web-config.yml and the certificate: pods restart too
    assert first != annotations(enforce_pod_restart=True)


def test_without_enforce_pod_restart_tls_does_not_annotate_pods_either():
    assert annotations(ssl_cert=CERT_PEM, ssl_key=KEY_PEM) is None
