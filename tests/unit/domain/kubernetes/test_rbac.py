"""The cluster role of monitor-k8s: read-only, and exactly the (verb, resource) pairs that
Prometheus' Kubernetes discovery and the cluster jobs use (measured against a real Prometheus
3.x in tests/e2e/test_monitor_k8s_discovery.py)."""

from domain.kubernetes.rbac import NO_GRANT_RULES, RBAC_RULES, role_name, service_account


def pairs(rules):
    found = set()
    for rule in rules:
        for verb in rule["verbs"]:
            found |= {(verb, url) for url in rule.get("nonResourceURLs", [])}
            found |= {(verb, group, resource) for group in rule.get("apiGroups", [])
                      for resource in rule.get("resources", [])}
    return found


def test_the_role_lists_and_watches_four_core_resources_and_reads_kubelet_and_apiserver_metrics():
    assert pairs(RBAC_RULES) == {
        ("list", "", "pods"), ("watch", "", "pods"),
        ("list", "", "services"), ("watch", "", "services"),
        ("list", "", "endpoints"), ("watch", "", "endpoints"),
        ("list", "", "nodes"), ("watch", "", "nodes"),
        ("get", "", "nodes/proxy"),
        ("get", "/metrics"),
    }


def test_nothing_is_written_nor_granted_by_wildcard():
    for rule in RBAC_RULES + NO_GRANT_RULES:
        assert set(rule["verbs"]) <= {"get", "list", "watch"}, rule
        assert "*" not in str(rule), rule


def test_the_account_keeps_its_role_name_and_mounts_a_token_only_with_monitor_k8s():
    on, off = service_account("prom", True), service_account("prom", False)

    assert [r["name"] for r in on["roles"]] == [r["name"] for r in off["roles"]] == [role_name("prom")]
    assert (on["roles"][0]["rules"], off["roles"][0]["rules"]) == (RBAC_RULES, NO_GRANT_RULES)
    assert (on["automountServiceAccountToken"], off["automountServiceAccountToken"]) == (True, False)
