"""The real binaries' verdicts: ``promtool`` on files, ``prometheus`` started with flags.

Files: every file set goes under its own directory, laid out as in the pod
(``scripts/localrun/pod.py`` ``materialise``), and one ``promtool check config`` (or
``check web-config``) run judges them all. Flags: ``prometheus`` runs the pod spec's container
as ``make run`` does (``LocalPod``: paths under a fresh directory, 127.0.0.1 and a free port),
and a value is accepted when ``/-/ready`` answers at the readiness probe's path. Refusals are
cheap: Prometheus exits at once on a flag it cannot read. It logs "Server is ready to receive
web requests." right after it marks itself ready (cmd/prometheus/main.go, the initial
configuration loading actor), so a process that logged it and still answers nothing (e.g.
``--web.max-connections=0``) can be refused after a short grace instead of the whole bound. The
grace is for values the charm refuses, where a slow machine could at worst turn a policy
refusal into an agreement; what the charm accepts gets the whole bound, so that load never
makes a violation.
"""

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Collection, Dict, List, Optional, Sequence, Tuple

import yaml

from domain.container import CONFIG_DIR, PROMETHEUS_YML, SERVICE_ACCOUNT_DIR, WEB_CONFIG_YML
from scripts.localrun.generations import Generation
from scripts.localrun.pod import LocalPod, materialise, prometheus_container, under
from tests.support.tls import CERT_PEM

Verdict = Tuple[bool, str]  # accepted?, what the binary said
READY_BOUND, READY_GRACE = 30.0, 2.0
READY_LOG = "Server is ready to receive web requests"


def localise(root: Path, generation: Generation) -> None:
    """Make the pod's prometheus.yml under ``root`` loadable here.

    The in-cluster jobs (monitor-k8s) read the service account files Kubernetes mounts into
    every pod: they get stand-ins under ``root``. Debian's 2.42 is built without Kubernetes
    discovery: its discovery blocks become static targets, the rest is judged as written.
    """
    path = under(root, CONFIG_DIR) / PROMETHEUS_YML
    text = path.read_text(encoding="utf-8")
    if SERVICE_ACCOUNT_DIR not in text:
        return
    accounts = under(root, SERVICE_ACCOUNT_DIR)
    accounts.mkdir(parents=True, exist_ok=True)
    (accounts / "token").write_text("token\n")
    (accounts / "ca.crt").write_text(CERT_PEM)
    text = text.replace(SERVICE_ACCOUNT_DIR, str(accounts))
    if not generation.has_kubernetes_sd:
        document = yaml.safe_load(text)
        for job in document["scrape_configs"]:
            if job.pop("kubernetes_sd_configs", None) is not None:
                job["static_configs"] = [{"targets": ["127.0.0.1:1"]}]
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def write_plan_files(spec: Dict[str, Any], k8s: Dict[str, Any], root: Path, generation: Generation) -> Optional[str]:
    """The pod's files under ``root``; the reason when they cannot be written (e.g. not UTF-8)."""
    try:
        materialise(spec, k8s, root)
        localise(root, generation)
    except (UnicodeError, ValueError, OSError) as err:
        return f"the files cannot be written: {type(err).__name__}: {str(err)[:200]}"
    return None


def write_files(root: Path, files: Dict[str, str]) -> Optional[str]:
    """Files at pod paths (``/etc/...``) under ``root``; the reason when they cannot be written."""
    try:
        for pod_path, text in files.items():
            target = under(root, pod_path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    except (UnicodeError, OSError) as err:
        return f"the files cannot be written: {type(err).__name__}: {str(err)[:200]}"
    return None


def overwrite(path: Path, text: str) -> Optional[str]:
    """``text`` in place of the file at ``path``; the reason when it cannot be written."""
    try:
        path.write_text(text, encoding="utf-8")
    except (UnicodeError, OSError) as err:
        return f"the file cannot be written: {type(err).__name__}: {str(err)[:200]}"
    return None


def tls_files(root: Path) -> Dict[str, Path]:
    """``cert_file`` and ``key_file`` of the web config under ``root``, as Prometheus finds them
    (relative to the web config's directory)."""
    server = yaml.safe_load(web_config_path(root).read_text(encoding="utf-8"))["tls_server_config"]
    return {key: web_config_path(root).parent / server[key] for key in ("cert_file", "key_file")}


def config_path(root: Path) -> Path:
    return under(root, CONFIG_DIR) / PROMETHEUS_YML


def web_config_path(root: Path) -> Path:
    return under(root, CONFIG_DIR) / WEB_CONFIG_YML


def promtool(generation: Generation, kind: str, paths: Sequence[Path]) -> List[Verdict]:
    """``promtool check config|web-config`` over many files in one run; a verdict per file."""
    if not paths:
        return []
    done = subprocess.run([generation.promtool, "check", kind, *map(str, paths)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace", timeout=300, check=False)
    out = done.stdout
    if kind == "web-config":  # one line per file: "<path> SUCCESS" or "<path> FAILED: ..."
        verdicts = []
        for path in paths:
            line = next((ln for ln in out.splitlines() if ln.startswith(f"{path} ")), "")
            assert line, f"promtool said nothing of {path}:\n{out[-2000:]}"
            verdicts.append((line == f"{path} SUCCESS", line[len(str(path)) + 1:][:400]))
        return verdicts
    # "Checking <path>" opens each file's block, in the order given.
    starts = [out.find(f"Checking {path}\n") for path in paths]
    assert all(s >= 0 for s in starts) and starts == sorted(starts), out[-2000:]
    blocks = [out[a:b] for a, b in zip(starts, starts[1:] + [len(out)])]
    return [(" SUCCESS: " in block and "FAILED" not in block,
             block.split("\n", 1)[1].replace(str(path), path.name).strip()[:400])
            for path, block in zip(paths, blocks)]


def _quoted(path: str) -> str:
    # As a kubelet sends the probe's path: existing %-escapes kept, the rest escaped.
    return urllib.parse.quote(path, safe="/%:@!$&'()*+,;=-._~")


def start(generation: Generation, spec: Dict[str, Any], k8s: Dict[str, Any], workdir: Path,
          keep: Collection[str], extra: Dict[str, str], grace: Optional[float] = None) -> Verdict:
    """Run the spec's container as ``LocalPod`` maps it, but with the flags in ``keep`` passed as
    written (they are no paths), and ``extra`` flags set to these very texts. ``grace``: how long
    a process that logged it is ready may stay silent (default: the whole bound)."""
    args = [str(a) for a in prometheus_container(spec).get("args") or []]
    try:
        pod = LocalPod(spec, k8s, workdir, binary=generation.prometheus, start=False)
        local = [original if original.partition("=")[0] in keep else mapped
                 for original, mapped in zip(args, pod.args)]
        local = [a for a in local if a.partition("=")[0] not in extra]
        pod.args = local + [f"{flag}={text}" for flag, text in extra.items()]
        pod.argv = [generation.prometheus, *pod.args]
        process = pod.start()
    except (OSError, ValueError) as err:  # E2BIG, a NUL, text that is not UTF-8
        shutil.rmtree(workdir, ignore_errors=True)
        return False, f"cannot start: {type(err).__name__}: {str(err)[:200]}"
    try:
        return _wait(pod.base + _quoted(pod.ready_path), process, READY_BOUND if grace is None else grace)
    finally:
        pod.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait(url: str, process: Any, grace: float) -> Verdict:
    """Poll the probe's URL: 200 is ready; exiting, or another answer than 503 (not ready yet)
    once Prometheus has logged that it is ready, is a refusal; silence is one after ``grace``."""
    deadline, ready_logged, status = time.monotonic() + READY_BOUND, None, 0
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            return False, f"exited with {process.proc.returncode}: {_why(process.log())}"
        try:
            urllib.request.urlopen(url, timeout=1.0).close()  # loopback
            return True, "ready"
        except urllib.error.HTTPError as err:
            status = err.code
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if ready_logged is None and READY_LOG in process.log():
            ready_logged = time.monotonic()
        if ready_logged is not None and status not in (0, 503):
            return False, f"logged that it is ready, but {url} answers {status}"
        if ready_logged is not None and time.monotonic() - ready_logged > grace:
            return False, f"logged that it is ready, but {url} answers nothing"
        time.sleep(0.05)
    return False, f"not ready after {READY_BOUND:.0f}s"


def _why(log: str) -> str:
    """The line of a log that says why Prometheus stopped: kingpin's error, a panic, an error."""
    lines = log.strip().splitlines() or [""]
    found = next((ln for ln in lines if re.search(r"error|panic|fatal", ln, re.I)), lines[-1])
    return found.strip()[:400]


def bisect(items: List[Any], run: Callable[[List[Any]], Optional[Verdict]]) -> Tuple[Dict[int, Verdict], List[str]]:
    """Judge ``items`` together, halving a refused group until each refusal has its culprit.

    ``run(group)`` judges a group at once (None: the group cannot be put together). Sound as
    long as the items are independent flags. Returns verdicts by position, and problems:
    groups refused although each of their halves was accepted.
    """
    verdicts: Dict[int, Verdict] = {}
    problems: List[str] = []

    def judge(positions: List[int]) -> None:
        found = run([items[i] for i in positions])
        if len(positions) == 1 or (found is not None and found[0]):
            verdicts.update({i: found or (False, "cannot be put together") for i in positions})
            return
        middle = len(positions) // 2
        judge(positions[:middle])
        judge(positions[middle:])
        if found is not None and all(verdicts[i][0] for i in positions):
            problems.append(f"refused together, accepted apart: {[items[i] for i in positions]}: {found[1]}")

    if items:
        judge(list(range(len(items))))
    return verdicts, problems
