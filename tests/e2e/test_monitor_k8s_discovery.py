"""monitor-k8s proven by real discovery: the charm's cluster jobs run in a real Prometheus 3.x
against a fake Kubernetes API (tests/support/k8s_discovery_api.py) on loopback.

The rendered jobs run unchanged but for where the cluster is: each ``kubernetes_sd_configs``
entry gets ``api_server`` with the CA and token files that in-cluster configuration reads
implicitly (client-go rest.InClusterConfig), the service account directory becomes a temporary
one, and the in-cluster API address ``kubernetes.default.svc:443`` becomes the fake's. Pods and
services point at small loopback metrics servers. Debian's 2.42 is built without Kubernetes
discovery: there promtool refuses the field and accepts the rest, and 2.42 runs the same
relabelling on static targets labelled as discovery would label them.
"""

import copy
import json
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Set, Tuple

import pytest
import yaml

from domain.container import SERVICE_ACCOUNT_DIR
from domain.kubernetes.rbac import RBAC_RULES
from scripts.localrun.generations import Generation
from scripts.localrun.processes import ManagedProcess, free_port, wait_until_ready
from tests.support.builders import make_plan
from tests.support.k8s_discovery_api import FakeKubernetesApi, write_service_account
from tests.support.k8s_requests import Request, authorization_attributes
from tests.support.k8s_workloads import CLOSED, MetricsServer, annotations, ipv6_loopback, pod, service

pytestmark = pytest.mark.e2e
IN_CLUSTER_API = "kubernetes.default.svc:443"
EXPECTED = 10  # cluster targets, see the first test
K8S_JOBS = ("kubernetes-apiservers", "kubernetes-nodes", "kubernetes-cadvisor",
            "kubernetes-service-endpoints", "kubernetes-pods")


class Cluster(NamedTuple):
    generation: Generation
    api: FakeKubernetesApi
    servers: Dict[str, MetricsServer]
    ipv6: bool


def populate(api: FakeKubernetesApi, servers: Dict[str, MetricsServer], ipv6: bool) -> None:
    api.put("nodes", {"metadata": {"name": "node-1", "labels": {"zone": "z1"}},
                      "status": {"addresses": [{"type": "InternalIP", "address": "127.0.0.1"}]}})
    for resource, obj in zip(("services", "endpoints"),
                             service("kubernetes", "default", {}, "https", int(api.address.split(":")[1]))):
        api.put(resource, obj)
    put = api.put
    put("pods", pod("annotated", "127.0.0.1", annotations(servers["pod"].port, "/custom/metrics", "http")))
    put("pods", pod("bare", "127.0.0.1", annotations(servers["bare"].port)))
    put("pods", pod("unannotated", "127.0.0.1", {}, ports=(servers["pod"].port,)))
    put("pods", pod("succeeded", "127.0.0.1", annotations(servers["pod"].port, "/succeeded"), "Succeeded"))
    put("pods", pod("failed", "127.0.0.1", annotations(servers["pod"].port, "/failed"), "Failed"))
    put("pods", pod("portless", "127.0.0.1", annotations(servers["pod"].port, "/portless"), ports=()))
    six = servers["v6"].port if ipv6 else CLOSED
    put("pods", pod("six", "::1", annotations(six, "/six")))
    put("pods", pod("six-portless", "::1", annotations(six, "/six-portless"), ports=()))
    for name, notes in (("api", annotations(servers["svc"].port, "/svc/metrics")),
                        ("secure", annotations(servers["tls"].port, scheme="https")),
                        ("hidden", {})):
        for resource, obj in zip(("services", "endpoints"), service(name, "shop", notes)):
            api.put(resource, obj)


# --- Prometheus against the fake ----------------------------------------------------------------

def pointed_at(document: Dict[str, Any], api: FakeKubernetesApi, account: Path) -> str:
    """The rendered file with only the cluster's whereabouts changed (see the module docstring)."""
    document = copy.deepcopy(document)
    for job in document["scrape_configs"]:
        for sd in job.get("kubernetes_sd_configs", []):
            sd.update(api_server=api.url, tls_config={"ca_file": f"{SERVICE_ACCOUNT_DIR}/ca.crt"},
                      authorization={"credentials_file": f"{SERVICE_ACCOUNT_DIR}/token"})
    text = yaml.safe_dump(document, sort_keys=False)
    return text.replace(SERVICE_ACCOUNT_DIR, str(account)).replace(IN_CLUSTER_API, api.address)


def rendered(generation: Generation) -> Dict[str, Any]:
    plan = make_plan(generation.image, monitor_k8s=True, scrape_interval="1s", scrape_timeout="1s")
    return dict(yaml.safe_load(plan.prometheus_yml))


def targets(url: str) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{url}/api/v1/targets", timeout=5) as answer:
        return dict(json.loads(answer.read())["data"])


class Running(NamedTuple):
    process: ManagedProcess
    url: str


def start_prometheus(generation: Generation, api: FakeKubernetesApi, directory: Path) -> Running:
    directory.mkdir()
    return start_with(generation, pointed_at(rendered(generation), api, api.write_service_account(directory / "sa")),
                      directory)


def start_with(generation: Generation, text: str, directory: Path) -> Running:
    config = directory / "prometheus.yml"
    config.write_text(text)
    port = free_port()
    process = ManagedProcess([generation.prometheus, f"--config.file={config}",
                              f"--storage.tsdb.path={directory / 'data'}",
                              f"--web.listen-address=127.0.0.1:{port}"], directory / "log", cwd=directory)
    return Running(process, f"http://127.0.0.1:{port}")


def settled_targets(running: Running, count: int) -> Dict[str, Any]:
    """/api/v1/targets once ``count`` cluster targets have each been scraped (bounded wait).
    Discovery hands its first targets over after up to 5 s (discovery/manager.go, updatert)."""
    wait_until_ready(f"{running.url}/-/ready", running.process)
    deadline, data = time.monotonic() + 30, targets(running.url)
    while time.monotonic() < deadline:
        active = k8s_active(data)
        if len(active) >= count and not any(t["lastScrape"].startswith("0001") for t in active):
            break
        time.sleep(0.3)
        data = targets(running.url)
    return data


def k8s_active(data: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [t for t in data["activeTargets"] if t["labels"]["job"] in K8S_JOBS]


@pytest.fixture(scope="module")
def cluster(generation: Generation,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Cluster, Dict[str, Any], List[Request]]]:
    """Two Prometheus processes at once, each on its own fake API: one that serves streaming
    watch-lists, whose targets the tests read, and one that refuses them, as API servers without
    the WatchList feature do, whose requests (list, then watch) join the first one's."""
    if not generation.has_kubernetes_sd:
        pytest.skip("no Kubernetes discovery in this build")
    ipv6 = ipv6_loopback()
    servers = {"pod": MetricsServer(), "bare": MetricsServer(content_type=False),
               "svc": MetricsServer(), "tls": MetricsServer(tls=True)}
    if ipv6:
        servers["v6"] = MetricsServer("::1")
    directory = tmp_path_factory.mktemp("k8s")
    try:
        with FakeKubernetesApi() as api, FakeKubernetesApi(watch_list=False) as older:
            populate(api, servers, ipv6)
            populate(older, servers, ipv6)
            runs: List[Running] = []
            try:
                for fake, name in ((api, "watch-list"), (older, "list-watch")):
                    runs.append(start_prometheus(generation, fake, directory / name))
                data, _ = (settled_targets(run, EXPECTED) for run in runs)
            finally:
                for run in runs:
                    run.process.stop()
            yield Cluster(generation, api, servers, ipv6), data, api.requests + older.requests
    finally:
        for server in servers.values():
            server.stop()


def by_job(data: Dict[str, Any]) -> Dict[str, Dict[str, Dict[str, Any]]]:
    found: Dict[str, Dict[str, Dict[str, Any]]] = {}
    for target in k8s_active(data):
        found.setdefault(target["labels"]["job"], {})[target["scrapeUrl"]] = target
    return found


def test_only_the_whereabouts_of_the_cluster_change(cluster, tmp_path):
    state, _, _ = cluster
    charm = rendered(state.generation)
    text = pointed_at(charm, state.api, tmp_path)
    back = yaml.safe_load(text.replace(str(tmp_path), SERVICE_ACCOUNT_DIR).replace(state.api.address, IN_CLUSTER_API))
    for job in back["scrape_configs"]:
        for sd in job.get("kubernetes_sd_configs", []):
            assert (sd.pop("api_server"), sd.pop("tls_config"), sd.pop("authorization")) == (
                f"https://{IN_CLUSTER_API}", {"ca_file": f"{SERVICE_ACCOUNT_DIR}/ca.crt"},
                {"credentials_file": f"{SERVICE_ACCOUNT_DIR}/token"})

    assert back == charm


def test_the_cluster_jobs_scrape_exactly_what_the_annotations_and_nodes_say(cluster):
    state, data, _ = cluster
    api, port = state.api.address, {name: server.port for name, server in state.servers.items()}
    six = port.get("v6", CLOSED)

    assert {job: set(urls) for job, urls in by_job(data).items()} == {
        "kubernetes-apiservers": {f"https://{api}/metrics"},
        "kubernetes-nodes": {f"https://{api}/api/v1/nodes/node-1/proxy/metrics"},
        "kubernetes-cadvisor": {f"https://{api}/api/v1/nodes/node-1/proxy/metrics/cadvisor"},
        "kubernetes-service-endpoints": {f"http://127.0.0.1:{port['svc']}/svc/metrics",
                                         f"https://127.0.0.1:{port['tls']}/metrics"},
        "kubernetes-pods": {f"http://127.0.0.1:{port['pod']}/custom/metrics",
                            f"http://127.0.0.1:{port['pod']}/portless",
                            f"http://127.0.0.1:{port['bare']}/metrics",
                            f"http://[::1]:{six}/six", f"http://[::1]:{six}/six-portless"},
    }


def test_each_target_is_scraped_where_it_says(cluster):
    state, data, _ = cluster
    health = {url: (t["health"], t["lastError"]) for urls in by_job(data).values() for url, t in urls.items()}
    secure = f"https://127.0.0.1:{state.servers['tls'].port}/metrics"
    # The workloads' jobs carry no CA for them: TLS spoken at the annotated port ends there.
    assert "certificate" in health.pop(secure)[1]
    if not state.ipv6:
        health = {url: found for url, found in health.items() if "[::1]" not in url}
    assert {url: found for url, found in health.items() if found != ("up", "")} == {}
    assert set(state.servers["pod"].paths) == {"/custom/metrics", "/portless"}
    assert set(state.servers["svc"].paths) == {"/svc/metrics"}
    if state.ipv6:
        assert set(state.servers["v6"].paths) == {"/six", "/six-portless"}


def test_a_target_without_content_type_is_read_as_text(cluster):
    state, data, _ = cluster
    bare = by_job(data)["kubernetes-pods"][f"http://127.0.0.1:{state.servers['bare'].port}/metrics"]
    assert (bare["health"], bare["lastError"]) == ("up", "")
    assert state.servers["bare"].paths


def test_pods_services_and_nodes_keep_their_labels(cluster):
    state, data, _ = cluster
    jobs = by_job(data)
    pods = {t["labels"]["kubernetes_pod_name"]: t["labels"] for t in jobs["kubernetes-pods"].values()}
    assert pods["annotated"]["kubernetes_namespace"] == "shop"
    assert pods["annotated"]["app"] == "annotated"
    services = {t["labels"]["kubernetes_name"]: t["labels"] for t in jobs["kubernetes-service-endpoints"].values()}
    assert services["api"]["kubernetes_namespace"] == "shop"
    assert services["api"]["tier"] == "api"
    for job in ("kubernetes-nodes", "kubernetes-cadvisor"):
        assert [t["labels"]["zone"] for t in jobs[job].values()] == ["z1"], job


def test_unannotated_and_finished_pods_and_services_are_dropped(cluster):
    _, data, _ = cluster
    dropped = {(t["discoveredLabels"].get("job"),
                t["discoveredLabels"].get("__meta_kubernetes_pod_name")
                or t["discoveredLabels"].get("__meta_kubernetes_service_name"))
               for t in data["droppedTargets"]}
    for pod_name in ("unannotated", "succeeded", "failed"):
        assert ("kubernetes-pods", pod_name) in dropped
    assert ("kubernetes-service-endpoints", "hidden") in dropped


def test_the_port_annotation_holds_for_ipv4_and_ipv6_with_or_without_container_ports(cluster):
    state, data, _ = cluster
    six = state.servers["v6"].port if state.ipv6 else CLOSED
    addresses = {t["labels"]["kubernetes_pod_name"]: (t["discoveredLabels"]["__address__"],
                                                      t["scrapeUrl"].split("/")[2])
                 for t in by_job(data)["kubernetes-pods"].values()}
    assert addresses["six"] == ("[::1]:1", f"[::1]:{six}")
    assert addresses["six-portless"] == ("::1", f"[::1]:{six}")
    assert addresses["annotated"] == ("127.0.0.1:1", f"127.0.0.1:{state.servers['pod'].port}")
    assert addresses["portless"] == ("127.0.0.1", f"127.0.0.1:{state.servers['pod'].port}")


def granted(rules: List[Dict[str, Any]]) -> Set[Tuple[str, str]]:
    """(verb, resource or non-resource URL) pairs a ClusterRole's rules allow."""
    pairs = set()
    for rule in rules:
        if "nonResourceURLs" in rule:
            pairs |= {(verb, url) for verb in rule["verbs"] for url in rule["nonResourceURLs"]}
            continue
        for group in rule["apiGroups"]:
            pairs |= {(verb, f"{group}/{resource}" if group else resource)
                      for verb in rule["verbs"] for resource in rule["resources"]}
    return pairs


def test_the_cluster_role_grants_exactly_what_prometheus_asked_for(cluster):
    _, _, requests = cluster
    asked = {authorization_attributes(request) for request in requests}

    assert asked == granted(RBAC_RULES)
    assert {verb for verb, _ in asked} <= {"get", "list", "watch"}
    # Both ways an informer starts were taken: the streaming watch-list, and list then watch.
    assert any("sendInitialEvents=true" in request.path for request in requests)
    assert ("list", "pods") in asked


def test_without_kubernetes_discovery_promtool_names_the_field(generation, tmp_path):
    """Debian's 2.42: the discovery blocks are refused; everything else loads."""
    if generation.has_kubernetes_sd:
        pytest.skip("this build has Kubernetes discovery: the tests above run it")
    document = rendered(generation)
    account = tmp_path / "sa"
    write_service_account(account)
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(document, sort_keys=False).replace(SERVICE_ACCOUNT_DIR, str(account)))
    refused = promtool_check(generation, config)
    for job in document["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["static_configs"] = [{"targets": ["127.0.0.1:1"]}]
    config.write_text(yaml.safe_dump(document, sort_keys=False).replace(SERVICE_ACCOUNT_DIR, str(account)))

    assert refused.returncode != 0
    assert "field kubernetes_sd_configs not found" in refused.stdout + refused.stderr
    accepted = promtool_check(generation, config)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def promtool_check(generation: Generation, config: Path) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([generation.promtool, "check", "config", str(config)],
                          capture_output=True, text=True, timeout=60, check=False)


def discovered(address: str, role: str, port: int, path: str, phase: str = "Running") -> Dict[str, Any]:
    """A static target labelled as Kubernetes discovery labels an annotated pod or endpoint."""
    meta = f"__meta_kubernetes_{role}_annotation_prometheus_io"
    labels = {f"{meta}_scrape": "true", f"{meta}_port": str(port), f"{meta}_path": path,
              "__meta_kubernetes_namespace": "shop", f"__meta_kubernetes_{role}_name": path.strip("/")}
    if role == "pod":
        labels["__meta_kubernetes_pod_phase"] = phase
    return {"targets": [address], "labels": labels}


def test_on_2x_the_same_relabelling_holds_without_discovery(generation, tmp_path):
    """2.42 cannot discover, but it runs the same relabelling on targets labelled as discovery
    would label them: the annotated port for IPv4 and IPv6, finished pods dropped."""
    if generation.has_kubernetes_sd:
        pytest.skip("this build has Kubernetes discovery: the tests above run it")
    ipv6 = ipv6_loopback()
    v4, v6 = MetricsServer(), MetricsServer("::1") if ipv6 else None
    six = v6.port if v6 else CLOSED
    groups = {
        "kubernetes-pods": [discovered("127.0.0.1:1", "pod", v4.port, "/four"),
                            discovered("127.0.0.1", "pod", v4.port, "/four-portless"),
                            discovered("127.0.0.1:1", "pod", v4.port, "/done", "Succeeded"),
                            discovered("127.0.0.1:1", "pod", v4.port, "/failed", "Failed"),
                            discovered("[::1]:1", "pod", six, "/six"),
                            discovered("::1", "pod", six, "/six-portless")],
        "kubernetes-service-endpoints": [discovered("[::1]:1", "service", six, "/svc-six")]}
    document = rendered(generation)
    for job in document["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["static_configs"] = groups.get(job["job_name"], [])
    text = yaml.safe_dump(document, sort_keys=False).replace(
        SERVICE_ACCOUNT_DIR, str(write_service_account(tmp_path / "sa")))
    running = start_with(generation, text, tmp_path)
    try:
        data = settled_targets(running, 5)
    finally:
        running.process.stop()
        for server in (v4, v6):
            if server:
                server.stop()

    scraped = {t["scrapeUrl"]: t["health"] for t in k8s_active(data)}
    assert set(scraped) == {f"http://127.0.0.1:{v4.port}/four", f"http://127.0.0.1:{v4.port}/four-portless",
                            f"http://[::1]:{six}/six", f"http://[::1]:{six}/six-portless",
                            f"http://[::1]:{six}/svc-six"}
    assert {url for url, health in scraped.items() if health != "up" and (ipv6 or "[::1]" not in url)} == set()
