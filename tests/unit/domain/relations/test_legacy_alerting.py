"""alertmanager (the 2020 charmed-lma Alertmanager): alerting_config read, bounded, validated and
pinned to the model's namespace; a bad bag is dropped alone with the reason."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.relations.data import Bag, Relation
from domain.relations.legacy_alerting import (
    MAX_CONFIG_BYTES,
    LegacyAlertmanagers,
    needs_pod_discovery,
    read,
)
from domain.values.duration import Duration

PROM2, PROM3 = (2, 42, 0), (3, 5, 3)
AS_SENT = {"alertmanagers": [{"kubernetes_sd_configs": [{
    "role": "pod", "namespaces": {"names": ["lma"]},
    "selectors": [{"role": "pod", "label": "juju-app=alertmanager"}]}]}]}


def relation(*units, rid=4):
    bags = tuple(Bag.of(f"alertmanager/{i}", data) for i, data in enumerate(units))
    return Relation("alertmanager", rid, "alertmanager", Bag("alertmanager"), bags)


def bag(section):
    return {"alerting_config": section if isinstance(section, str) else json.dumps(section)}


def read_one(section, version=PROM3, namespace="mine"):
    found = read(relation(bag(section)), namespace, version)
    if found.dropped:
        assert not found.alertmanagers
        return found.dropped[0].reason
    return found.alertmanagers


def with_entry(**entry):
    return {"alertmanagers": [{"kubernetes_sd_configs": [{"role": "pod"}], **entry}]}


def with_sd(**sd_config):
    return {"alertmanagers": [{"kubernetes_sd_configs": [{"role": "pod", **sd_config}]}]}


def test_the_section_as_the_2020_charm_sends_it_is_pinned_and_rendered_for_both_label_schemes():
    assert read_one(AS_SENT, namespace="lma") == (LegacyAlertmanagers(
        "lma", ("juju-app=alertmanager", "app.kubernetes.io/name=alertmanager")),)


@pytest.mark.parametrize("namespaces", [{"names": ["kube-system"]}, {"names": []}, {},
                                        {"names": ["a", "b"], "own_namespace": False}, None])
def test_discovery_stays_in_the_models_namespace_whatever_the_data_names(namespaces):
    sd = {"role": "pod"} if namespaces is None else {"role": "pod", "namespaces": namespaces}
    found = read_one({"alertmanagers": [{"kubernetes_sd_configs": [sd]}]}, namespace="lma")
    assert [entry.namespace for entry in found] == ["lma"]
    assert found[0].selectors == ("",)  # no selector: every pod of the namespace, port rule after


def test_every_unit_sends_the_same_section_which_is_read_once():
    found = read(relation(bag(AS_SENT), bag(AS_SENT), {}), "lma", PROM3)
    assert len(found.alertmanagers) == 1 and found.dropped == ()


def test_a_bad_unit_bag_is_dropped_alone():
    found = read(relation(bag(AS_SENT), bag("{"), bag({"alertmanagers": [{"api_server": "x"}]})), "lma", PROM3)
    assert len(found.alertmanagers) == 1
    assert [d.owner for d in found.dropped] == ["alertmanager/1", "alertmanager/2"]
    assert all(d.relation == "alertmanager:4" and d.reason.startswith("alerting_config: ") for d in found.dropped)


def test_unreadable_bag():
    rel = Relation("alertmanager", 1, "am", Bag("am"), (Bag("am/0", (), unreadable="gone"),))
    assert read(rel, "lma", PROM3).dropped[0].reason == "alerting_config: gone"


def test_no_key_no_entry():
    found = read(relation({}, {"other": "x"}), "lma", PROM3)
    assert found.alertmanagers == () and found.dropped == ()


def test_entry_settings_are_kept():
    found = read_one({"alertmanagers": [{
        "static_configs": [{"targets": ["am-0.lma.svc:9093", "10.0.0.2:9093", "[::1]:9093"]}],
        "scheme": "https", "path_prefix": "/am/", "timeout": "3s", "api_version": "v2"}]})
    assert found == (LegacyAlertmanagers("mine", (), ("10.0.0.2:9093", "[::1]:9093", "am-0.lma.svc:9093"),
                                         "https", "/am", Duration.parse("3s"), "v2"),)


def test_api_version_by_generation():
    assert read_one(with_entry(api_version="v1"), PROM2)[0].api_version == "v1"
    assert "is not one of v2 (Prometheus 3.5.3)" in read_one(with_entry(api_version="v1"), PROM3)
    for bad in ("V2", "", "v3"):
        assert "is not one of" in read_one(with_entry(api_version=bad), PROM2)


def test_a_selector_without_the_legacy_key_is_rendered_once():
    found = read_one(with_sd(selectors=[{"role": "pod", "label": "app.kubernetes.io/name=am, tier in (x,y)"}]))
    assert found[0].selectors == ("app.kubernetes.io/name=am,tier in (x,y)",)


def test_every_requirement_on_the_legacy_key_is_renamed():
    found = read_one(with_sd(selectors=[{"role": "pod", "label": "juju-app in (a,b),!juju-app2,x"}]))
    assert found[0].selectors == ("juju-app in (a,b),!juju-app2,x", "app.kubernetes.io/name in (a,b),!juju-app2,x")


def test_pod_discovery_asks_for_the_role_static_targets_do_not():
    assert needs_pod_discovery(read_one(AS_SENT))
    assert not needs_pod_discovery(read_one({"alertmanagers": [{"static_configs": [{"targets": ["a:1"]}]}]}))


@pytest.mark.parametrize("section, reason", [
    ({"alertmanagers": [], "alert_relabel_configs": []}, "'alert_relabel_configs' is not accepted"),
    ({"alertmanagers": {}}, "alertmanagers is not a JSON list"),
    ([], "is not a JSON object"),
    ({"alertmanagers": [{}]}, "names no Alertmanager"),
    ({"alertmanagers": ["x"]}, "alertmanagers[0] is not a JSON object"),
    (with_entry(relabel_configs=[]), "'relabel_configs' is not accepted"),
    (with_entry(tls_config={"ca_file": "/etc/passwd"}), "'tls_config' is not accepted"),
    (with_entry(basic_auth={"password_file": "/x"}), "'basic_auth' is not accepted"),
    (with_entry(file_sd_configs=[{"files": ["/x"]}]), "'file_sd_configs' is not accepted"),
    (with_entry(alert_relabel_configs=[]), "'alert_relabel_configs' is not accepted"),
    (with_entry(proxy_url="http://x"), "'proxy_url' is not accepted"),
    (with_sd(api_server="https://evil"), "'api_server' is not accepted"),
    (with_sd(kubeconfig_file="/x"), "'kubeconfig_file' is not accepted"),
    (with_sd(bearer_token_file="/var/run/secrets/kubernetes.io/serviceaccount/token"), "'bearer_token_file'"),
    (with_sd(namespaces={"names": "lma"}), "namespaces.names is not a JSON list"),
    (with_sd(namespaces={"names": [1]}), "namespaces.names[0] is not a string"),
    (with_sd(namespaces={"own_namespace": "yes"}), "own_namespace is not true or false"),
    (with_sd(namespaces={"labels": {}}), "'labels' is not accepted"),
    ({"alertmanagers": [{"kubernetes_sd_configs": [{"role": "node"}]}]}, "only pod is read"),
    ({"alertmanagers": [{"kubernetes_sd_configs": [{"role": "Pod"}]}]}, "is not a Kubernetes SD role"),
    ({"alertmanagers": [{"kubernetes_sd_configs": [{}]}]}, "is not a Kubernetes SD role"),
    (with_sd(selectors=[{"role": "service", "label": "a=b"}]), "pod role supports only pod selectors"),
    (with_sd(selectors=[{"label": "a=b"}]), "pod role supports only pod selectors"),
    (with_sd(selectors=[{"role": "pod"}, {"role": "pod"}]), "duplicated selector role"),
    (with_sd(selectors=[{"role": "pod", "field": "spec.nodeName=x"}]), "field selectors are not read"),
    (with_sd(selectors=[{"role": "pod", "label": "a=b=c"}]), "label selector 'a=b=c' found '='"),
    (with_sd(selectors=[{"role": "pod", "label": 5}]), "label is not a string"),
    (with_sd(selectors=[{"role": "pod", "label": "a\x00,b"}]), "other than printable ASCII"),
    (with_sd(selectors=[{"role": "pod", "label": "a=\u2028\ud800"}]), "other than printable ASCII"),
    (with_entry(scheme="ftp"), "scheme 'ftp' is not http or https"),
    (with_entry(scheme="HTTP"), "is not http or https"),
    (with_entry(path_prefix="x"), "path_prefix 'x' is not a URL path"),
    (with_entry(path_prefix="/a/../b"), "is not a URL path"),
    (with_entry(path_prefix="/a?b"), "is not a URL path"),
    (with_entry(timeout="soon"), "timeout: 'soon' is not a duration"),
    (with_entry(timeout="0s"), "0 would time out"),
    (with_entry(timeout=10), "timeout is not a string"),
    (with_entry(timeout="9999999999y"), "longer than Prometheus can represent"),
    ({"alertmanagers": [{"static_configs": [{"targets": ["am"]}]}]}, "is not host:port"),
    ({"alertmanagers": [{"static_configs": [{"targets": ["am:9093/x"]}]}]}, "is not host:port"),
    ({"alertmanagers": [{"static_configs": [{"targets": ["169.254.169.254:80"]}]}]}, "is not host:port"),
    ({"alertmanagers": [{"static_configs": [{"targets": [9093]}]}]}, "targets[0] '9093' is not host:port"),
    ({"alertmanagers": [{"static_configs": [{"targets": ["a:1"], "labels": {"__scheme__": "x"}}]}]},
     "'labels' is not accepted"),
    ('{"alertmanagers": [], "alertmanagers": []}', "appears twice"),
    ('{"alertmanagers": [NaN]}', "NaN is not a JSON number"),
    ('{"alertmanagers": [1e99999]}', "alertmanagers[0] is not a JSON object"),
    ("[" * 5_000 + "]" * 5_000, "nests deeper than 8 levels"),
    ('{"a": "' + "[" * 100 + '"}', "'a' is not accepted"),  # brackets inside strings do not count
    ('{"a\\"[": "\\\\' + "[" * 100 + '"}', "is not accepted"),  # nor escaped quotes and backslashes
    ('{"a": "\\"' + "[" * 100 + '"}', "'a' is not accepted"),
    ("x" * (MAX_CONFIG_BYTES + 1), f"more than the {MAX_CONFIG_BYTES} accepted"),
    ({"alertmanagers": [{"static_configs": [{"targets": ["a:1"]}]}] * 17}, "more than the 16 accepted"),
], ids=lambda value: json.dumps(value)[:40])
def test_refused_with_the_reason(section, reason):
    found = read_one(section)
    assert isinstance(found, str), found
    assert reason in found, found


def test_the_size_is_measured_in_bytes_before_parsing():
    found = read_one('"' + "é" * (MAX_CONFIG_BYTES // 2 + 1) + '"')
    assert "bytes, more than" in found


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["alertmanagers", "kubernetes_sd_configs", "static_configs", "role", "selectors",
                         "label", "namespaces", "names", "targets", "scheme", "timeout", "x"]),
        children, max_size=4),
    max_leaves=20)


@given(json_values)
def test_any_json_is_read_or_refused_never_raises(value):
    found = read(relation(bag(value)), "lma", PROM3)
    assert all(d.reason.startswith("alerting_config: ") for d in found.dropped)
    assert all(entry.namespace == "lma" for entry in found.alertmanagers)


@given(st.text(max_size=200))
def test_any_text_is_read_or_refused_never_raises(text):
    read(relation({"alerting_config": text}), "lma", PROM2)


def test_bounds_are_inclusive():
    nested = '{"alertmanagers": [{"x": ' + "[" * 5 + "]" * 5 + "}]}"  # 8 levels: read on, refused for 'x'
    assert "'x' is not accepted" in read_one(nested)
    assert "nests deeper" in read_one(nested.replace("[" * 5, "[" * 6).replace("]" * 5, "]" * 6))
    sixteen = {"alertmanagers": [{"static_configs": [{"targets": [f"a{i}:1" for i in range(16)]}]}]}
    assert len(read_one(sixteen)[0].static_targets) == 16
    padded = json.dumps(AS_SENT)
    padded = padded[:-1] + " " * (MAX_CONFIG_BYTES - len(padded)) + "}"
    assert len(padded) == MAX_CONFIG_BYTES and not isinstance(read_one(padded), str)


def test_one_selector_per_role_as_prometheus_requires():
    assert "duplicated selector role" in read_one(with_sd(selectors=[{"role": "pod", "label": "a=b"},
                                                                      {"role": "pod", "label": "c=d"}]))
    assert read_one(with_sd(selectors=[{"role": "pod", "label": "", "field": ""}]))[0].selectors == ("",)


def test_inputs_gather_every_relation_once_in_the_models_namespace():
    import dataclasses

    from domain.relations.inputs import read_inputs
    from tests.support.builders import make_facts

    one, same = relation(bag(AS_SENT), rid=1), relation(bag(AS_SENT), rid=2)
    other = relation(bag({"alertmanagers": [{"static_configs": [{"targets": ["b:1"]}]}]}), rid=3)
    facts = dataclasses.replace(make_facts("prom/prometheus:v3.5.0", model="lma"), relations=(one, same, other))

    inputs = read_inputs(facts)

    assert [entry.selectors[:1] or entry.static_targets for entry in inputs.legacy_alertmanagers] == [
        ("juju-app=alertmanager",), ("b:1",)]
    assert {entry.namespace for entry in inputs.legacy_alertmanagers} == {"lma"}
