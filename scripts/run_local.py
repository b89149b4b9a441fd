#!/usr/bin/env python3
"""Run the charm locally: its hooks through test doubles of Juju's hook tools, then the real
Prometheus exactly as the pod spec the charm set describes it.

    python scripts/run_local.py [--generation 3] [--config scrape-interval=15s ...] [--keep-running]

1. The charm (this repository) runs as Juju runs it: ``./dispatch`` in a copy of the charm
   directory, with ``JUJU_*`` variables and the hook tools of scripts/localrun/hooktools on
   ``PATH`` (scripts/localrun/juju_sim.py). It is the leader, the image resource of the chosen
   generation's own version is attached (``prom/prometheus:v<version>``, so the charm judges for
   the very Prometheus that then runs), and the hooks install, leader-elected, config-changed and
   start run in turn. Options default to ``scrape-interval=10s``; ``--config`` options are merged
   over that, each option on its own.
2. That generation's ``prometheus`` (2.x from PATH, 3.x from .cache/unstable, see
   scripts/localrun/generations.py) starts with exactly the args of the pod spec's ``prometheus``
   container, except that absolute paths are mapped under a work directory and the listen address
   becomes 127.0.0.1 and a free port, and so does prometheus.yml's self-scrape target
   (``localhost:9090`` in the pod). Files of the spec's volumes (ConfigMap files, Secrets) are
   written under the root with their exact content (scripts/localrun/pod.py).
3. A loopback Kubernetes API (scripts/localrun/fake_k8s.py) reports the pod, so ``update-status``
   sees the running Prometheus; then the script waits for two self-scrapes, prints a query result
   and stops everything it started (also on Ctrl-C or SIGTERM). The temporary work directory is
   removed however the run ends; ``--workdir DIR`` names one to keep instead.
"""

import argparse
import json
import shutil
import signal
import ssl
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set

REPO = Path(__file__).resolve().parent.parent
# This is an entry point run as `python scripts/run_local.py` (no PYTHONPATH): make the
# repository's packages (scripts.localrun, the hook-tool doubles, the charm's core) importable.
for _path in (str(REPO), str(REPO / "src")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from domain.container import PORT  # noqa: E402
from scripts.localrun.client import PrometheusApiError, PrometheusClient  # noqa: E402
from scripts.localrun.fake_k8s import FakeKubernetesApi, pod_object  # noqa: E402
from scripts.localrun.generations import NAMES, Generation, generation  # noqa: E402
from scripts.localrun.juju_sim import HookResult, JujuSim  # noqa: E402
from scripts.localrun.pod import LocalPod  # noqa: E402
from scripts.localrun.processes import ManagedProcess, ProcessFailed, free_port  # noqa: E402
from scripts.localrun.signals import Interrupted, signals_deferred, signals_raise  # noqa: E402

DEFAULT_OPTIONS = {"scrape-interval": "10s"}  # gets the seed's rate() query its samples within a minute
HOOKS = ("install", "leader-elected", "config-changed", "start")
QUERY = "rate(prometheus_tsdb_head_chunks_created_total[1m])"
READY_TIMEOUT = 60.0


class Failure(Exception):
    """A step failed; the message says which and why."""


def say(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generation", choices=NAMES, default="2",
                        help="the Prometheus generation to run: 2 (PATH) or 3 (.cache/unstable); default 2")
    parser.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                        help="a charm option, as `juju config` takes it (KEY=@FILE reads a file); "
                             f"merged over the defaults {DEFAULT_OPTIONS}")
    parser.add_argument("--keep-running", action="store_true",
                        help="leave Prometheus running until Ctrl-C")
    parser.add_argument("--image", default=None,
                        help="the OCI image resource (default: prom/prometheus:v<the generation's version>)")
    parser.add_argument("--port", type=int, default=0,
                        help="local listen port (default: any free port)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep everything here instead of a temporary directory removed at the end")
    parser.add_argument("--scrape-timeout", type=float, default=0.0,
                        help="seconds to wait for two self-scrapes (default: from the scrape interval)")
    return parser.parse_args(argv)


def charm_options(pairs: Sequence[str]) -> Dict[str, str]:
    """DEFAULT_OPTIONS with each ``KEY=VALUE`` over it: a given key wins, new keys add."""
    options = dict(DEFAULT_OPTIONS)
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise Failure(f"--config {pair!r}: expected KEY=VALUE")
        if value.startswith("@"):
            try:
                value = Path(value[1:]).expanduser().read_text()
            except OSError as err:
                raise Failure(f"--config {key}: {err}") from None
        options[key] = value
    return options


def find_generation(name: str) -> Generation:
    found = generation(name)
    if found is None:
        raise Failure(f"Prometheus generation {name} is not installed: run `make setup`")
    return found


# -- the charm --------------------------------------------------------------------------------


def run_hook(sim: JujuSim, hook: str) -> HookResult:
    result = sim.run_hook(hook)
    status, message = sim.unit_status()
    say(f"hook {hook}: exit {result.returncode}; unit status: {status}: {message}")
    if not result.ok:
        print(result, file=sys.stderr, flush=True)
        raise Failure(f"hook {hook} failed (exit {result.returncode}); juju-log above")
    return result


# -- watching the local Prometheus ------------------------------------------------------------


def self_scrape_targets(targets: List[Dict[str, Any]], port: int) -> List[Dict[str, Any]]:
    own = {f"localhost:{PORT}", f"127.0.0.1:{port}", f"localhost:{port}"}
    mine = [t for t in targets if t.get("discoveredLabels", {}).get("__address__") in own
            or t.get("labels", {}).get("job") == "prometheus"]
    return mine or targets


def wait_for_two_scrapes(prom: PrometheusClient, port: int, process: ManagedProcess,
                         timeout: float) -> Dict[str, Any]:
    """Poll /api/v1/targets until a self-scrape target has been scraped twice (bounded)."""
    seen: Dict[str, Set[str]] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.check_alive()
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


def wait_for_query(prom: PrometheusClient, process: ManagedProcess, query: str, timeout: float) -> List[Any]:
    """The query's result once it has one (a rate needs two samples inside its window), bounded."""
    deadline = time.monotonic() + timeout
    while True:
        result = list(prom.query(query)["result"])
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


def charm_hooks(opts: argparse.Namespace, image: str, work: Path, running: Running) -> JujuSim:
    """The charm's first hooks, as a fresh leader unit; the fake API server reports no pods yet."""
    options = charm_options(opts.config)
    with signals_deferred():
        running.k8s_api = FakeKubernetesApi()
    kubeconfig = running.k8s_api.write_kubeconfig(work / "kubeconfig")
    # Locally the files reach Prometheus at once (no kubelet sync), so the charm need not wait
    # for ConfigMap propagation before asking for a reload.
    sim = JujuSim(REPO, work / "juju", extra_env={"KUBECONFIG": str(kubeconfig),
                                                  "PROMETHEUS_CHARM_PROPAGATION_SECONDS": "0"})
    sim.attach_image(image)
    sim.set_leader(True)
    say(f"charm: {sim.unit} in model {sim.model}, leader, image {image}; files in {work}")
    say("charm options: " + " ".join(f"{key}={value!r}" for key, value in sorted(options.items())))
    try:
        sim.set_config(**options)
    except ValueError as err:
        raise Failure(str(err)) from None
    for hook in HOOKS:
        run_hook(sim, hook)
    return sim


def insecure_context() -> ssl.SSLContext:
    """A local, loopback-only run of a self-signed certificate: no verification."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def start_prometheus(spec: Dict[str, Any], k8s_resources: Dict[str, Any], binary: str, work: Path,
                     port: int, running: Running) -> LocalPod:
    """Start the spec's prometheus container locally and wait until it is ready."""
    try:
        pod = LocalPod(spec, k8s_resources, work, binary=binary, port=port, context=insecure_context(),
                       start=False)
    except (KeyError, ValueError) as err:
        raise Failure(f"cannot run the pod spec locally: {err}") from None
    for path in pod.files:
        say(f"file: {path}")
    say("prometheus args: " + " ".join(pod.args))
    if port != PORT:
        say(f"self-scrape target localhost:{PORT} mapped to 127.0.0.1:{port} in the local copy")
    with signals_deferred():
        running.prometheus = pod.start()
    say(f"prometheus pid: {pod.pid}")
    pod.wait_ready(READY_TIMEOUT)
    say(f"prometheus ready: {pod.url}/")
    say(f"prometheus version: {pod.version()} ({binary})")
    return pod


def run(opts: argparse.Namespace, work: Path) -> int:
    found = find_generation(opts.generation)
    image = opts.image or found.image
    running = Running()
    try:
        sim = charm_hooks(opts, image, work, running)
        spec_and_resources = sim.pod_spec()
        if spec_and_resources is None:
            status, message = sim.unit_status()
            raise Failure(f"the charm set no pod spec (unit status {status}: {message})")
        spec, k8s_resources = spec_and_resources
        say(f"pod spec: {sim.pod_spec_count()} set; latest in {sim.state_dir / 'pod-spec.yaml'}")

        port = opts.port or free_port()
        prom = start_prometheus(spec, k8s_resources, found.prometheus, work, port, running)

        assert running.k8s_api is not None and running.prometheus is not None
        pod = pod_object("prometheus-0", sim.app, sim.unit, "127.0.0.1", port)
        running.k8s_api.set_pods(sim.model, [pod])
        run_hook(sim, "update-status")

        interval = prom.longest_scrape_interval() or 60.0
        timeout = opts.scrape_timeout or min(2.5 * interval + 30, 600.0)
        say(f"waiting (at most {timeout:.0f}s) for two self-scrapes, every {interval:g}s")
        target = wait_for_two_scrapes(prom, port, running.prometheus, timeout)
        say(f"self-scrape: {target['scrapeUrl']} health {target['health']}"
            + (f" ({target['lastError']})" if target.get("lastError") else ""))
        result = wait_for_query(prom, running.prometheus, QUERY, timeout)
        say(f"query {QUERY}: {json.dumps(result)}")

        if opts.keep_running:
            say(f"Prometheus runs at {prom.url}/ ; press Ctrl-C to stop it")
            while running.prometheus.proc.poll() is None:
                time.sleep(0.5)
            running.prometheus.check_alive()
        return 0
    except (ProcessFailed, PrometheusApiError, OSError) as err:
        raise Failure(str(err)) from None
    finally:
        running.stop()


def main(argv: Sequence[str]) -> int:
    opts = parse_args(argv)  # an argument error exits here, before any directory exists
    work: Optional[Path] = None
    with signals_raise():
        try:
            if opts.workdir is None:
                with signals_deferred():
                    work = Path(tempfile.mkdtemp(prefix="prometheus-charm-local-"))
            else:
                opts.workdir.mkdir(parents=True, exist_ok=True)
            return run(opts, work or opts.workdir)
        except Interrupted as sig:
            if opts.keep_running and sig.signum == signal.SIGINT:
                return 0
            print(f"run_local: interrupted by {sig}", file=sys.stderr)
            return 128 + sig.signum
        except Failure as err:
            print(f"run_local: FAILED: {err}", file=sys.stderr)
            if opts.workdir is not None:
                print(f"run_local: files kept in {opts.workdir}", file=sys.stderr)
            else:
                print("run_local: work files removed; --workdir DIR keeps them", file=sys.stderr)
            return 1
        finally:
            # A temporary work directory (the charm's copy, the TSDB: ~30 MB) never outlives the run.
            with signals_deferred(forever=True):
                if work is not None:
                    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
