"""The two Prometheus generations installed here, each with its own binaries (``make run`` and tests).

* ``2``: Debian stable's packages on ``PATH`` (``prometheus``/``promtool`` 2.42, built without
  Kubernetes service discovery; ``prometheus-alertmanager`` 0.25).
* ``3``: Debian unstable's packages unpacked by ``scripts/setup`` under ``.cache/unstable``
  (``prometheus``/``promtool`` 3.x, built with Kubernetes discovery; Alertmanager 0.2x+;
  VictoriaMetrics).

Each generation knows the image tag that names its own version (``prom/prometheus:v2.42.0``
beside the 2.42 binaries), so the charm judges a value for the very Prometheus that then runs
it. Patch versions are read from the binaries, never pinned: the unstable suite moves on.
"""

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

REPO = Path(__file__).resolve().parents[2]
UNSTABLE_ROOT = Path(os.environ.get("PROMETHEUS_UNSTABLE_ROOT", REPO / ".cache" / "unstable" / "root"))
_VERSION = re.compile(r"version (\d+)\.(\d+)\.(\d+)")

Version = Tuple[int, int, int]


@dataclass(frozen=True)
class Generation:
    """One generation's binaries, their version and the image tag that names it."""

    name: str  # "2" or "3"
    prometheus: str
    promtool: str
    alertmanager: Optional[str]
    version: Version
    alertmanager_version: Optional[Version]

    @property
    def image(self) -> str:
        """The OCI image of this very version, as an operator would attach it."""
        return "prom/prometheus:v" + ".".join(str(part) for part in self.version)

    @property
    def has_kubernetes_sd(self) -> bool:
        """Debian stable's 2.42 is built without Kubernetes service discovery."""
        return self.name == "3"

    def __str__(self) -> str:
        return f"prometheus {'.'.join(map(str, self.version))}"


def binary_version(path: str) -> Version:
    done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    match = _VERSION.search(done.stdout + done.stderr)
    if match is None:
        raise RuntimeError(f"cannot read the version of {path}: {done.stdout}{done.stderr}")
    return (int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _stable() -> Optional[Generation]:
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if prometheus is None or promtool is None:
        return None
    alertmanager = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    return Generation("2", prometheus, promtool, alertmanager, binary_version(prometheus),
                      binary_version(alertmanager) if alertmanager else None)


def _unstable() -> Optional[Generation]:
    bin_dir = UNSTABLE_ROOT / "usr" / "bin"
    prometheus, promtool = bin_dir / "prometheus", bin_dir / "promtool"
    if not (os.access(prometheus, os.X_OK) and os.access(promtool, os.X_OK)):
        return None
    alertmanager = bin_dir / "prometheus-alertmanager"
    am = str(alertmanager) if os.access(alertmanager, os.X_OK) else None
    return Generation("3", str(prometheus), str(promtool), am, binary_version(str(prometheus)),
                      binary_version(am) if am else None)


@functools.lru_cache(maxsize=None)
def generation(name: str) -> Optional[Generation]:
    """Generation ``"2"`` or ``"3"``, or None when its binaries are not installed."""
    found = {"2": _stable, "3": _unstable}[name]()
    if found is not None and found.version[0] != int(name):
        raise RuntimeError(f"expected Prometheus {name}.x, found {found} at {found.prometheus}")
    return found


def victoria_metrics() -> Optional[str]:
    path = UNSTABLE_ROOT / "usr" / "bin" / "victoria-metrics"
    return str(path) if os.access(path, os.X_OK) else None


NAMES = ("2", "3")
