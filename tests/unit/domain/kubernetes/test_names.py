"""Every Kubernetes name Juju derives from the spec is valid for any application name Juju can run.

Juju names the ConfigMap of a ``files`` volume, and the pod's volume, ``<app>-<volume>-config``:
a DNS label of at most 63 characters. Juju itself bounds application names nowhere; its own
objects do: the pods of the StatefulSet ``<app>`` carry the label ``controller-revision-hash:
<app>-<hash of up to 10>``, so no pod starts for a name over 52 characters. The charm's names
must not fail before that (tests/support/juju_names.py computes the names as Juju does).
"""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.plan import plan
from tests.support.builders import make_config, make_facts
from tests.support.juju_names import (
    application_config_map_name,
    juju_own_names,
    longest_app_name_juju_can_run,
    longest_app_name_with_operator,
    names_from_spec,
)
from tests.support.k8s_validation import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_valid_label_value,
    is_valid_path_segment_name,
)
from tests.support.tls import CERT_PEM, KEY_PEM

# juju/names application.go ApplicationSnippet: the grammar of an application name
APPLICATION_NAME = r"\A[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*\Z"
LONG_MODEL = "m" * 63  # a namespace is a DNS label: the longest model name Kubernetes takes
OPTIONS = [{}, {"monitor_k8s": True, "ssl_cert": CERT_PEM, "ssl_key": KEY_PEM,
               "ingress_hostname": "prometheus.example.com"}]


def declared_names(app, model="lma", **options):
    facts = make_facts(app=app, model=model)
    facts = replace(facts, image=replace(facts.image, username="me", password="s3cret"))
    result = plan(make_config(facts.image.version, **options), facts)
    return names_from_spec(app, model, result.pod_spec, result.k8s_resources)


def test_juju_runs_workloads_of_application_names_up_to_52_characters_and_operators_up_to_43():
    # the limits come from Kubernetes' rules for Juju's own objects, not from Juju
    assert longest_app_name_juju_can_run() == 52
    assert longest_app_name_with_operator() == 43
    workload = [n for n in juju_own_names("a" * 53) if not n.what.startswith("operator")]
    assert [n.what for n in workload if n.problems()] == ["pod label controller-revision-hash"]


@pytest.mark.parametrize("length", [50, longest_app_name_juju_can_run()])
@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("model", ["lma", LONG_MODEL])
def test_every_name_from_the_spec_is_valid_for_long_application_names(length, options, model):
    app = "p" * length

    names = declared_names(app, model, **options)

    assert {n.what for n in names} >= {"ConfigMap of volume cfg", "pod volume cfg", "pod volume tls",
                                       "Secret", "ServiceAccount", "ClusterRole", "image-pull Secret"}
    assert ("Ingress" in {n.what for n in names}) == ("ingress_hostname" in options)
    assert [(n.what, n.name, n.problems()) for n in names if n.problems()] == []


@given(st.from_regex(APPLICATION_NAME).filter(lambda name: len(name) <= 52))
def test_every_name_from_the_spec_is_valid_for_any_name_juju_can_run(app):
    assert [(n.what, n.name) for n in declared_names(app, monitor_k8s=True) if n.problems()] == []


def test_the_former_volume_name_failed_above_38_characters():
    # "prometheus-config" made the ConfigMap volume <app>-prometheus-config-config
    assert is_dns1123_label(application_config_map_name("p" * 38, "prometheus-config")) == []
    assert is_dns1123_label(application_config_map_name("p" * 39, "prometheus-config")) != []
    assert is_dns1123_label(application_config_map_name("p" * 50, "prometheus-config")) != []


def test_names_are_per_application_so_two_applications_share_nothing():
    one, two = (declared_names(app, monitor_k8s=True) for app in ("prometheus", "prom-two"))
    shared = {n.what: n.name for n in one}.items() & {n.what: n.name for n in two}.items()

    assert {what for what, _ in shared} == {"container", "pod volume tls"}


@pytest.mark.parametrize("rule, good, bad", [
    (is_dns1123_label, ["a", "0a", "a-0", "a" * 63], ["", "A", "-a", "a-", "a.b", "a_b", "a" * 64]),
    (is_dns1123_subdomain, ["a.b", "a-b.c0", "a" * 63 + "." + "b" * 189], ["a..b", ".a", "a.", "A", "a" * 254]),
    (is_dns1035_label, ["a", "a-0", "a" * 63], ["0a", "a-", "a.b", "a" * 64]),
    (is_valid_label_value, ["", "A.b_c-0", "a" * 63], ["-a", "a_", "a b", "a" * 64]),
    (is_valid_path_segment_name, ["a", "a.b", "a" * 300], [".", "..", "a/b", "a%b"]),
])
def test_kubernetes_name_rules(rule, good, bad):
    assert [name for name in good if rule(name)] == []
    assert [name for name in bad if not rule(name)] == []
