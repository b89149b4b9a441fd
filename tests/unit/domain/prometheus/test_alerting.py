"""prometheus.yml's alerting section: dispatch groups and the legacy relation's entries."""

from domain.facts import AlertmanagerTarget
from domain.kubernetes.rbac import pod_discovery_role_name, with_pod_discovery
from domain.prometheus.alerting import alerting_section, group_alertmanagers
from domain.relations.legacy_alerting import LegacyAlertmanagers
from domain.values.duration import Duration
from tests.support.k8s_validation import is_valid_path_segment_name

TEN = Duration.parse("10s")
KEEP_9093 = {"source_labels": ["__meta_kubernetes_pod_container_port_protocol",
                               "__meta_kubernetes_pod_container_port_number"],
             "regex": "TCP;9093", "action": "keep"}


def test_discovered_and_static_legacy_entries_are_rendered_apart_after_the_dispatch_groups():
    groups = group_alertmanagers((AlertmanagerTarget("am-0", 9093), AlertmanagerTarget("am-0", 9093)))
    legacy = (LegacyAlertmanagers("lma", ("juju-app=am", "app.kubernetes.io/name=am", ""), ("10.0.0.1:9093",),
                                  "https", "/p", Duration.parse("3s"), "v2"),)

    section = alerting_section(groups, TEN, legacy)

    assert section == {"alertmanagers": [
        {"scheme": "http", "path_prefix": "/", "timeout": "10s", "static_configs": [{"targets": ["am-0:9093"]}]},
        {"scheme": "https", "path_prefix": "/p", "timeout": "3s", "api_version": "v2",
         "kubernetes_sd_configs": [
             {"role": "pod", "namespaces": {"names": ["lma"]}, "selectors": [{"role": "pod", "label": "juju-app=am"}]},
             {"role": "pod", "namespaces": {"names": ["lma"]},
              "selectors": [{"role": "pod", "label": "app.kubernetes.io/name=am"}]},
             {"role": "pod", "namespaces": {"names": ["lma"]}}],
         "relabel_configs": [KEEP_9093]},
        {"scheme": "https", "path_prefix": "/p", "timeout": "3s", "api_version": "v2",
         "static_configs": [{"targets": ["10.0.0.1:9093"]}]},
    ]}


def test_the_timeout_option_applies_where_the_relation_sets_none():
    section = alerting_section((), TEN, (LegacyAlertmanagers("ns", ("a=b",)),))
    assert [entry["timeout"] for entry in section["alertmanagers"]] == ["10s"]
    assert "api_version" not in section["alertmanagers"][0]


def test_the_pod_discovery_role_is_namespaced_and_mounts_the_token():
    account = {"automountServiceAccountToken": False, "roles": [{"name": "x-k8s-discovery", "global": True,
                                                                  "rules": []}]}
    granted = with_pod_discovery(account, "x")
    assert granted["automountServiceAccountToken"] is True
    assert granted["roles"][0] == account["roles"][0]
    assert granted["roles"][1] == {"name": "x-alertmanager-discovery", "global": False, "rules": [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]}
    assert account["roles"][1:] == []  # the account given is left as it was


def test_role_and_binding_names_are_valid_for_the_longest_application_name():
    app = "a" * 43 + "-b"  # no operator pod starts for a longer one
    role = pod_discovery_role_name(app)
    for name in (role, f"{app}-{role}"):  # Juju: Role <name>, RoleBinding <service account>-<role>
        assert is_valid_path_segment_name(name) == []
        assert len(name) <= 253
