"""Running Prometheus locally, on loopback: what `make run` and the end-to-end tests share.

* ``processes``: child processes stopped by their own pid, free ports, readiness polling.
* ``client``: a small client of a running Prometheus' HTTP API, and Prometheus durations.
* ``pod``: a pod spec's Prometheus container as a local process (its files, args, readiness).
* ``generations``: the Prometheus generations installed here (2.x on PATH, 3.x under .cache).
* ``fake_k8s``: a loopback stand-in for the Kubernetes API's pod listing.
* ``juju_sim``, ``hooktools/``: the Juju double that runs the charm's hooks through ./dispatch.

Names the charm defines (the container, port 9090, paths) come from its core,
``src/domain/container.py``, so ``src`` is put on the path here when it is not yet.
"""

import sys
from pathlib import Path

_SRC = str(Path(__file__).resolve().parents[2] / "src")
if _SRC not in sys.path:
    sys.path.append(_SRC)
