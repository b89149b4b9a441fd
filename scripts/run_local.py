#!/usr/bin/env python3
"""Run the charm locally: its hooks through test doubles of Juju's hook tools, then the real
Prometheus exactly as the pod spec the charm set describes it.

    python scripts/run_local.py [--config scrape-interval=15s ...] [--keep-running]

1. The charm (this repository) runs as Juju runs it: ``./dispatch`` in a copy of the charm
   directory, with ``JUJU_*`` variables and the hook tools of tests/support/hooktools on
   ``PATH`` (tests/support/juju_sim.py). It is the leader, the image resource is attached, and
   the hooks install, leader-elected, config-changed and start run in turn.
2. Debian's ``prometheus`` starts with exactly the args of the pod spec's ``prometheus``
   container, except that absolute paths are mapped under a temporary root and the listen
   address becomes 127.0.0.1 and a free port, and so does prometheus.yml's self-scrape target
   (``localhost:9090`` in the pod). Files of the spec's volumes (ConfigMap files, Secrets) are
   written under the root with their exact content (tests/support/local_pod.py).
3. A fake Kubernetes API (tests/support/fake_k8s.py) reports the pod, so ``update-status`` sees
   the running Prometheus; then the script waits for two self-scrapes, prints a query result
   and stops everything it started (also on Ctrl-C or SIGTERM).
"""

import argparse
import contextlib
import json
import os
import shutil
import signal
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import yaml

REPO = Path(__file__).resolve().parent.parent
# This is an entry point run as `python scripts/run_local.py` (no PYTHONPATH): make the
# repository's test support importable.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.fake_k8s import FakeKubernetesApi, pod_object  # noqa: E402
from tests.support.juju_sim import HookResult, JujuSim  # noqa: E402
from tests.support.local_pod import (  # noqa: E402
    flag_value,
    local_args,
    materialise,
    prometheus_container,
    under,
)
from tests.support.processes import ManagedProcess, free_port  # noqa: E402

IMAGE = "prom/prometheus:v2.53.0"
PROMETHEUS = "/usr/bin/prometheus"
SELF_SCRAPE_PORT = 9090  # prometheus.yml's self-scrape target is localhost:9090
HOOKS = ("install", "leader-elected", "config-changed", "start")
QUERY = "rate(prometheus_tsdb_head_chunks_created_total[1m])"
READY_TIMEOUT = 60.0


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived; unwinding stops everything."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Failure(Exception):
    """A step failed; the message says which and why."""


_SIGNALS: Dict[str, Any] = {"deferred": False, "pending": None}


def _on_signal(signum: int, _frame: Any) -> None:
    if _SIGNALS["deferred"]:
        _SIGNALS["pending"] = signum
        return
    raise Interrupted(signum)


@contextlib.contextmanager
def signals_deferred(forever: bool = False) -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a child starts (so its handle is never lost) or while
    everything is being stopped (``forever``)."""
    _SIGNALS["deferred"] = True
    try:
        yield
    finally:
        if not forever:
            _SIGNALS["deferred"] = False
    pending = _SIGNALS["pending"]
    if pending is not None and not forever:
        _SIGNALS["pending"] = None
        raise Interrupted(pending)


def say(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="a charm option, as `juju config` takes it (KEY=@FILE reads a file)")
    parser.add_argument("--keep-running", action="store_true",
                        help="leave Prometheus running until Ctrl-C")
    parser.add_argument("--image", default=IMAGE, help=f"the OCI image resource (default {IMAGE})")
    parser.add_argument("--port", type=int, default=0,
                        help="local listen port (default: any free port)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep everything here instead of a temporary directory")
    parser.add_argument("--scrape-timeout", type=float, default=0.0,
                        help="seconds to wait for two self-scrapes (default: from the scrape interval)")
    return parser.parse_args(argv)


def charm_options(pairs: Sequence[str]) -> Dict[str, str]:
    options = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise Failure(f"--config {pair!r}: expected KEY=VALUE")
        if value.startswith("@"):
            value = Path(value[1:]).expanduser().read_text()
        options[key] = value
    return options


# -- the charm --------------------------------------------------------------------------------


def run_hook(sim: JujuSim, hook: str) -> HookResult:
    result = sim.run_hook(hook)
    status, message = sim.unit_status()
    say(f"hook {hook}: exit {result.returncode}; unit status: {status}: {message}")
    if not result.ok:
        print(result, file=sys.stderr, flush=True)
        raise Failure(f"hook {hook} failed (exit {result.returncode}); juju-log above")
    return result


# -- talking to the local Prometheus ------------------------------------------------------------


class Prometheus:
    def __init__(self, base: str, tls: bool) -> None:
        self.base = base
        self.context: Optional[ssl.SSLContext] = None
        if tls:
            # A local, loopback-only run of a self-signed test certificate: no verification.
            self.context = ssl.create_default_context()
            self.context.check_hostname = False
            self.context.verify_mode = ssl.CERT_NONE

    def get(self, path: str, timeout: float = 5.0) -> bytes:
        url = self.base + path  # always http(s)://127.0.0.1:<port>/...
        with urllib.request.urlopen(url, timeout=timeout, context=self.context) as resp:  # noqa: S310
            return bytes(resp.read())

    def api(self, path: str) -> Any:
        body = json.loads(self.get(path))
        if body.get("status") != "success":
            raise Failure(f"{path}: {body}")
        return body["data"]


def wait_ready(prom: Prometheus, path: str, process: ManagedProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise Failure(f"prometheus exited with {process.proc.returncode}:\n{process.log()}")
        try:
            prom.get(path, timeout=2.0)
            return
        except (urllib.error.URLError, OSError) as err:
            last = str(err)
            time.sleep(0.2)
    raise Failure(f"{prom.base}{path} not ready after {timeout:.0f}s ({last}):\n{process.log()[-4000:]}")


def self_scrape_targets(targets: List[Dict[str, Any]], port: int) -> List[Dict[str, Any]]:
    own = {f"localhost:{SELF_SCRAPE_PORT}", f"127.0.0.1:{port}", f"localhost:{port}"}
    mine = [t for t in targets if t.get("discoveredLabels", {}).get("__address__") in own
            or t.get("labels", {}).get("job") == "prometheus"]
    return mine or targets


def parse_duration(text: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    total, number = 0.0, ""
    i = 0
    while i < len(text):
        if text[i].isdigit():
            number += text[i]
            i += 1
            continue
        unit = "ms" if text[i:i + 2] == "ms" else text[i]
        total += int(number or 0) * units.get(unit, 0)
        number = ""
        i += len(unit)
    return total


def scrape_interval(prom: Prometheus) -> float:
    """The longest scrape interval of the loaded configuration, in seconds."""
    loaded = yaml.safe_load(prom.api("/api/v1/status/config")["yaml"]) or {}
    default = (loaded.get("global") or {}).get("scrape_interval", "1m")
    jobs = loaded.get("scrape_configs") or []
    intervals = [parse_duration(job.get("scrape_interval", default)) for job in jobs]
    return max(intervals or [parse_duration(default)]) or 60.0


def wait_for_two_scrapes(prom: Prometheus, port: int, process: ManagedProcess,
                         timeout: float) -> Dict[str, Any]:
    """Poll /api/v1/targets until a self-scrape target has been scraped twice (bounded)."""
    seen: Dict[str, set] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise Failure(f"prometheus exited with {process.proc.returncode}:\n{process.log()}")
        targets = self_scrape_targets(prom.api("/api/v1/targets?state=active")["activeTargets"], port)
        for target in targets:
            last = target.get("lastScrape", "")
            if last and not last.startswith("0001-"):
                scrapes = seen.setdefault(target["scrapeUrl"], set())
                scrapes.add(last)
                if len(scrapes) >= 2:
                    return target
        time.sleep(0.5)
    raise Failure(f"no self-scrape target was scraped twice within {timeout:.0f}s: {seen}")


def wait_for_query(prom: Prometheus, process: ManagedProcess, query: str, timeout: float) -> List[Any]:
    """The query's result once it has one (a rate needs two samples inside its window), bounded."""
    deadline = time.monotonic() + timeout
    while True:
        result = list(prom.api("/api/v1/query?" + urllib.parse.urlencode({"query": query}))["result"])
        if result or time.monotonic() > deadline or process.proc.poll() is not None:
            return result
        time.sleep(0.5)


# -- main -----------------------------------------------------------------------------------------


class Running:
    """What this run started; ``stop()`` ends all of it, each by its own handle."""

    def __init__(self) -> None:
        self.k8s_api: Optional[FakeKubernetesApi] = None
        self.prometheus: Optional[ManagedProcess] = None

    def stop_prometheus(self) -> None:
        if self.prometheus is not None:
            self.prometheus.stop()
            say(f"stopped prometheus (pid {self.prometheus.pid})")
            self.prometheus = None

    def stop(self) -> None:
        with signals_deferred(forever=True):
            self.stop_prometheus()
            if self.k8s_api is not None:
                self.k8s_api.stop()
                self.k8s_api = None


def charm_hooks(opts: argparse.Namespace, work: Path, running: Running) -> JujuSim:
    """The charm's first hooks, as a fresh leader unit; the fake API server reports no pods yet."""
    with signals_deferred():
        running.k8s_api = FakeKubernetesApi()
    kubeconfig = running.k8s_api.write_kubeconfig(work / "kubeconfig")
    # Locally the files reach Prometheus at once (no kubelet sync), so the charm need not wait
    # for ConfigMap propagation before asking for a reload.
    sim = JujuSim(REPO, work / "juju", extra_env={"KUBECONFIG": str(kubeconfig),
                                                  "PROMETHEUS_CHARM_PROPAGATION_SECONDS": "0"})
    sim.attach_image(opts.image)
    sim.set_leader(True)
    try:
        sim.set_config(**charm_options(opts.config))
    except ValueError as err:
        raise Failure(str(err)) from None
    say(f"charm: {sim.unit} in model {sim.model}, leader, image {opts.image}; files in {work}")
    for hook in HOOKS:
        run_hook(sim, hook)
    return sim


def start_prometheus(spec: Dict[str, Any], k8s_resources: Dict[str, Any], work: Path, port: int,
                     running: Running) -> Prometheus:
    """Start the spec's prometheus container locally and wait until it is ready."""
    root = work / "root"
    try:
        container = prometheus_container(spec)
        files = materialise(spec, k8s_resources, root, port)
    except (KeyError, ValueError) as err:
        raise Failure(f"cannot run the pod spec locally: {err}") from None
    for path in files:
        say(f"file: {path}")
    args = [str(a) for a in container.get("args") or []]
    storage = flag_value(args, "--storage.tsdb.path")
    if storage and storage.startswith("/"):
        under(root, storage).mkdir(parents=True, exist_ok=True)
    argv = [PROMETHEUS, *local_args(args, root, port)]
    say("prometheus args: " + " ".join(argv[1:]))
    if port != SELF_SCRAPE_PORT:
        say(f"self-scrape target localhost:{SELF_SCRAPE_PORT} mapped to 127.0.0.1:{port} in the local copy")

    probe = ((container.get("kubernetes") or {}).get("readinessProbe") or {}).get("httpGet") or {}
    ready_path = probe.get("path", "/-/ready")
    tls = probe.get("scheme", "HTTP").upper() == "HTTPS"
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    with signals_deferred():
        running.prometheus = ManagedProcess(argv, work / f"prometheus-{port}.log", cwd=work)
    say(f"prometheus pid: {running.prometheus.pid}")
    prom = Prometheus(base, tls)
    wait_ready(prom, ready_path, running.prometheus, READY_TIMEOUT)
    if ready_path.endswith("/-/ready"):
        prom.base = base + ready_path[: -len("/-/ready")]
    say(f"prometheus ready: {prom.base}/")
    return prom


def run(opts: argparse.Namespace, work: Path) -> int:
    running = Running()
    try:
        sim = charm_hooks(opts, work, running)
        spec_and_resources = sim.pod_spec()
        if spec_and_resources is None:
            status, message = sim.unit_status()
            raise Failure(f"the charm set no pod spec (unit status {status}: {message})")
        spec, k8s_resources = spec_and_resources
        say(f"pod spec: {sim.pod_spec_count()} set; latest in {sim.state_dir / 'pod-spec.yaml'}")

        port = opts.port or free_port()
        prom = start_prometheus(spec, k8s_resources, work, port, running)

        assert running.k8s_api is not None and running.prometheus is not None
        pod = pod_object("prometheus-0", sim.app, sim.unit, "127.0.0.1", port)
        running.k8s_api.set_pods(sim.model, [pod])
        run_hook(sim, "update-status")

        interval = scrape_interval(prom)
        timeout = opts.scrape_timeout or min(2.5 * interval + 30, 600.0)
        say(f"waiting (at most {timeout:.0f}s) for two self-scrapes, every {interval:g}s")
        target = wait_for_two_scrapes(prom, port, running.prometheus, timeout)
        say(f"self-scrape: {target['scrapeUrl']} health {target['health']}"
            + (f" ({target['lastError']})" if target.get("lastError") else ""))
        result = wait_for_query(prom, running.prometheus, QUERY, timeout)
        say(f"query {QUERY}: {json.dumps(result)}")

        if opts.keep_running:
            say(f"Prometheus runs at {prom.base}/ ; press Ctrl-C to stop it")
            while running.prometheus.proc.poll() is None:
                time.sleep(0.5)
            raise Failure(f"prometheus exited with {running.prometheus.proc.returncode}:\n"
                          f"{running.prometheus.log()[-4000:]}")
        return 0
    finally:
        running.stop()


def main(argv: Sequence[str]) -> int:
    opts = parse_args(argv)
    if not os.access(PROMETHEUS, os.X_OK):
        print(f"run_local: {PROMETHEUS} is missing: run `make setup` (apt-get install prometheus)",
              file=sys.stderr)
        return 1
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    _SIGNALS.update(deferred=False, pending=None)
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="prometheus-charm-local-"))
    work.mkdir(parents=True, exist_ok=True)
    ok = False
    try:
        code = run(opts, work)
        ok = code == 0
        return code
    except Interrupted as sig:
        if opts.keep_running and sig.signum == signal.SIGINT:
            ok = True
            return 0
        print(f"run_local: interrupted by {sig}", file=sys.stderr)
        return 128 + sig.signum
    except Failure as err:
        print(f"run_local: FAILED: {err}", file=sys.stderr)
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _SIGNALS.update(deferred=False, pending=None)
        if ok and opts.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
        elif not ok:
            print(f"run_local: files kept in {work}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
