"""monitor-k8s on each Prometheus generation: the rendered file loads, and on 3.x a target that
sends no Content-Type is still scraped (https://prometheus.io/docs/prometheus/latest/migration/).

Debian's 2.42 is built without Kubernetes discovery: there the discovery blocks are swapped for
static targets, so every other field is still checked by the real binary.
"""

import http.server
import json
import subprocess
import threading
import time
import urllib.request
from typing import Any, Dict, Iterator

import pytest
import yaml

from domain.container import SERVICE_ACCOUNT_DIR
from scripts.localrun.generations import Generation
from scripts.localrun.processes import ManagedProcess, free_port, wait_until_ready
from tests.support.builders import make_plan
from tests.support.tls import CERT_PEM

pytestmark = pytest.mark.e2e
METRICS = b"# TYPE demo_up gauge\ndemo_up 1\n"


class _NoContentType(http.server.BaseHTTPRequestHandler):
    """Answers /metrics in the text format without a Content-Type header, as many exporters do."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(METRICS)))
        self.end_headers()
        self.wfile.write(METRICS)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def bare_target() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NoContentType)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def rendered(generation: Generation) -> Dict[str, Any]:
    plan = make_plan(generation.image, monitor_k8s=True, scrape_interval="1s", scrape_timeout="1s")
    return dict(yaml.safe_load(plan.prometheus_yml))


def without_discovery(document: Dict[str, Any], pods_target: str) -> Dict[str, Any]:
    """Discovery blocks swapped for static targets; the annotated-pods job gets ``pods_target``,
    labelled as Kubernetes discovery would label a pod annotated prometheus.io/scrape=true."""
    for job in document["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is None:
            continue
        if job["job_name"] == "kubernetes-pods":
            job["static_configs"] = [{"targets": [pods_target], "labels": {
                "__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
                "__meta_kubernetes_namespace": "demo"}}]
        else:
            job["static_configs"] = [{"targets": ["127.0.0.1:1"]}]
    return document


def test_promtool_accepts_the_monitor_k8s_config(generation, tmp_path):
    document = rendered(generation)
    jobs = [job for job in document["scrape_configs"] if "kubernetes_sd_configs" in job]
    if not generation.has_kubernetes_sd:
        document = without_discovery(document, "127.0.0.1:1")
    # promtool checks that the service account's files exist: give it a stand-in directory.
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "ca.crt").write_text(CERT_PEM)
    (account / "token").write_text("token\n")
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(document, sort_keys=False).replace(SERVICE_ACCOUNT_DIR, str(account)))

    done = subprocess.run([generation.promtool, "check", "config", str(config)],
                          capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stdout + done.stderr
    fallbacks = {job.get("fallback_scrape_protocol") for job in jobs}
    assert fallbacks == ({"PrometheusText0.0.4"} if generation.version >= (3, 0, 0) else {None})


def _pods_target(url: str) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{url}/api/v1/targets?state=active", timeout=5) as answer:
        targets = json.loads(answer.read())["data"]["activeTargets"]
    found = [t for t in targets if t["labels"].get("job") == "kubernetes-pods"]
    return found[0] if found else {}


def test_a_pod_sending_no_content_type_is_scraped(generation, tmp_path, bare_target):
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(without_discovery(rendered(generation), bare_target), sort_keys=False))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = ManagedProcess([generation.prometheus, f"--config.file={config}",
                              f"--storage.tsdb.path={tmp_path / 'data'}",
                              f"--web.listen-address=127.0.0.1:{port}"], tmp_path / "prometheus.log", cwd=tmp_path)
    try:
        wait_until_ready(f"{url}/-/ready", process)
        deadline, target = time.monotonic() + 20, _pods_target(url)
        while time.monotonic() < deadline and target.get("lastScrape", "0001").startswith("0001"):
            time.sleep(0.3)
            target = _pods_target(url)
        assert target, "no kubernetes-pods target"
        assert target["health"] == "up", target.get("lastError")
    finally:
        process.stop()
