"""The config watcher of Prometheus 2.x pods: a busybox shell loop that asks Prometheus to reload
when kubelet delivers new files. Pure.

Prometheus 3 watches its own files (``--enable-feature=auto-reload-config``,
``domain.prometheus.flags``); Prometheus 2 notices nothing until asked (``POST /-/reload``).
The official images (``prom/prometheus``, ``quay.io/prometheus/prometheus``) are built FROM
``quay.io/prometheus/busybox``, whose ``/bin/sh`` is busybox with ``cat``, ``md5sum``,
``sleep`` and ``wget`` (prometheus/prometheus Dockerfile, prometheus/busybox README). So for
those images the container's ``command`` becomes ``/bin/sh -c <script> config-watch``
followed by the unchanged Prometheus flags (``args``): the script starts the loop in the
background and then ``exec``s ``/bin/prometheus "$@"``, which stays the container's process 1
(Kubernetes' signals, ``pidof prometheus`` and the actions find it as before).

Why in the Prometheus container and not a second one: a pod-spec container mounts only the
volumes its own ``volumeConfig`` declares, so a second container would declare the
configuration volume again, files and all. Every file would then be in the spec twice, and
``domain.kubernetes.budget`` would let the configuration grow to half of what it allows now.

The loop, every ``WATCH_SECONDS``:

* the checksum is ``cat <config dir>/* | md5sum``: the visible entries of a ConfigMap volume
  are symlinks through ``..data``, which kubelet swaps in one rename, so a changed key
  changes the sum; a sum read during the swap differs from the final one and only costs one
  more reload;
* on a change it posts to ``/-/reload`` on 127.0.0.1 (the port of ``--web.listen-address``,
  under the external URL's path), over HTTPS when web-config.yml turns TLS on: read from the
  file, so that turning TLS on or off changes the pod template through the probes alone. An
  HTTP answer ends the attempt, success or not: Prometheus logs a refused file itself, keeps
  its running configuration, and the leader reports it. No answer at all (Prometheus not
  listening yet, a TLS failure) is tried again on the next rounds, ``ATTEMPTS`` times in
  all, then reported once on stderr;
* it prints nothing else, so the container log stays Prometheus' own.

busybox wget speaks TLS but validates no certificate (busybox networking/wget.c: "TLS
certificate validation not implemented"); ``--no-check-certificate`` keeps it from saying so
on every reload. The connection never leaves the pod (127.0.0.1). web-config.yml asks for no
client authentication and no basic auth (``domain.prometheus.web_config``), so none is sent.
"""

import shlex
from typing import List

from domain.container import CONFIG_FILE, PORT, PROMETHEUS_BINARY, WATCH_SECONDS, WEB_CONFIG_YML

NAME = "config-watch"  # the script's $0
ATTEMPTS = 5  # reload requests without an answer before the watcher gives up on a change


def watch_script(route_prefix: str) -> str:
    """The ``sh -c`` script; its arguments are Prometheus' flags."""
    path = shlex.quote(route_prefix + "/-/reload")
    return f"""config={CONFIG_FILE} port={PORT}
for arg; do
  case $arg in
    --config.file=*) config=${{arg#*=}} ;;
    --web.listen-address=*) port=${{arg##*:}} ;;
  esac
done
(
  dir=${{config%/*}}
  checksum() {{ cat "$dir"/* 2>/dev/null | md5sum; }}
  seen=$(checksum) left=0
  while sleep {WATCH_SECONDS}; do
    now=$(checksum)
    [ "$now" = "$seen" ] || {{ seen=$now; left={ATTEMPTS}; }}
    [ "$left" -gt 0 ] || continue
    left=$((left - 1))
    case $(cat "$dir/{WEB_CONFIG_YML}" 2>/dev/null) in
      *tls_server_config*) url=https://127.0.0.1:$port{path} insecure=--no-check-certificate ;;
      *) url=http://127.0.0.1:$port{path} insecure= ;;
    esac
    if error=$(wget -q -O /dev/null $insecure --post-data '' "$url" 2>&1); then
      left=0
    else
      case $error in
        *"returned error"*) left=0 ;;
        *) [ "$left" -gt 0 ] || echo "{NAME}: could not ask Prometheus to reload: $error" >&2 ;;
      esac
    fi
  done
) </dev/null >/dev/null &
exec {PROMETHEUS_BINARY} "$@"
"""


def watch_command(route_prefix: str) -> List[str]:
    """The container's ``command``; Kubernetes appends ``args`` (Prometheus' flags) to it."""
    return ["/bin/sh", "-c", watch_script(route_prefix), NAME]
