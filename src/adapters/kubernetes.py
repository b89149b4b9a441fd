"""The application's workload pods, as the Kubernetes API reports them (port ``PodReadiness``).

Owns: talking to the API server with the operator pod's service account (``load_core_api``),
listing the application's pods, and turning each v1 Pod into a ``domain.ports.Pod``. Any failure of
the API (refused, timed out, HTTP error, malformed answer) becomes ``WorkloadUnavailable``; no
client object or exception leaves this module.

The ``kubernetes`` package is imported lazily, inside ``load_core_api`` and on error paths only:
it takes a large fraction of a second to import, and most hooks never need it.
"""

import os
import socket
import time
from http.client import RemoteDisconnected
from typing import Any, Callable, List, Optional, Sequence, Tuple, Type

from domain.container import CONTAINER, PORT, PORT_NAME
from domain.errors import WorkloadUnavailable
from domain.ports import Pod, PodState

APP_LABEL = "app.kubernetes.io/name"  # Juju >= 2.9 labels workload pods with this
LEGACY_APP_LABEL = "juju-app"  # older Juju
UNIT_ANNOTATION = "unit.juju.is/id"
LEGACY_UNIT_ANNOTATION = "juju.io/unit"
MAX_TRIES = 3

# Container waiting reasons that will not clear up by waiting: the pod needs a fix.
FAILING_REASONS = frozenset({
    "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "ErrImageNeverPull",
    "InvalidImageName", "CreateContainerConfigError", "CreateContainerError",
    "RunContainerError", "PreStartHookError", "PostStartHookError",
})


def load_core_api() -> Any:
    """A ``kubernetes.client.CoreV1Api`` for the cluster this process runs in.

    In the operator pod, Juju forwards ``KUBERNETES_SERVICE_HOST`` into hooks, so the in-cluster
    service account is used. Otherwise ``KUBECONFIG``, when it names a file, is used: only tests
    set it (Juju strips unknown variables from the hook environment).
    """
    import kubernetes  # type: ignore[import-untyped]  # lazy: see the module docstring

    configuration = kubernetes.client.Configuration()
    kubeconfig = os.environ.get("KUBECONFIG", "")
    try:
        if os.environ.get("KUBERNETES_SERVICE_HOST"):
            kubernetes.config.load_incluster_config(client_configuration=configuration)
        elif kubeconfig and os.path.isfile(kubeconfig):
            kubernetes.config.load_kube_config(
                config_file=kubeconfig, client_configuration=configuration, persist_config=False
            )
        else:
            raise WorkloadUnavailable("kubernetes api: not running in a cluster")
    except (kubernetes.config.ConfigException, OSError) as err:
        raise WorkloadUnavailable(f"kubernetes api: cannot load credentials: {err}") from err
    # KubernetesPods retries by itself; urllib3 would otherwise add 3 silent retries per try.
    configuration.retries = 0
    # The API server is in-cluster (or a loopback fake): never route it through an HTTP proxy
    # that a model's proxy settings may have put in the environment.
    configuration.proxy = None
    return kubernetes.client.CoreV1Api(kubernetes.client.ApiClient(configuration))


class KubernetesPods:
    """Lists the workload pods of one application in a namespace (implements ``PodReadiness``)."""

    def __init__(
        self,
        app: str,
        namespace: str,
        api_factory: Callable[[], Any] = load_core_api,
        timeout: float = 5.0,
    ) -> None:
        self.app = app
        self.namespace = namespace
        self.timeout = timeout
        self.retry_delay = 0.5  # seconds between tries; tests may lower it
        self._api_factory = api_factory
        self._api: Any = None

    def pods(self) -> Sequence[Pod]:
        """The application's pods, sorted by name; empty when it has none yet."""
        items = self._list(f"{APP_LABEL}={self.app}")
        if not items:
            items = self._list(f"{LEGACY_APP_LABEL}={self.app}")
        return sorted((pod_from_v1(item) for item in items), key=lambda pod: pod.name)

    def _list(self, label_selector: str) -> List[Any]:
        if self._api is None:
            self._api = self._api_factory()
        for attempt in range(1, MAX_TRIES + 1):
            try:
                pod_list = self._api.list_namespaced_pod(
                    self.namespace,
                    label_selector=label_selector,
                    # A tuple (connect, read): the client silently ignores a float here.
                    _request_timeout=(self.timeout, self.timeout),
                )
                return list(pod_list.items or [])
            except _api_errors() as err:
                reason, retry = _describe(err, self.timeout)
                if not retry or attempt == MAX_TRIES:
                    raise WorkloadUnavailable(f"kubernetes api: {reason}") from err
            time.sleep(self.retry_delay)
        raise AssertionError("unreachable")  # pragma: no cover


def pod_from_v1(item: Any) -> Pod:
    """Translate a ``kubernetes.client.V1Pod`` into a domain ``Pod``."""
    annotations = item.metadata.annotations or {}
    status = item.status
    state, reason = _state(status)
    return Pod(
        name=item.metadata.name,
        unit=annotations.get(UNIT_ANNOTATION) or annotations.get(LEGACY_UNIT_ANNOTATION),
        state=state,
        address=(status.pod_ip or None) if status else None,
        port=_prometheus_port(item.spec.containers if item.spec else []),
        reason=reason,
    )


def _state(status: Any) -> Tuple[PodState, str]:
    if status is None:
        return PodState.UNKNOWN, ""
    conditions = {c.type: c for c in status.conditions or []}
    ready = conditions.get("Ready")
    if ready is not None and ready.status == "True":
        return PodState.READY, ""
    waiting = [
        cs.state.waiting.reason
        for cs in (status.init_container_statuses or []) + (status.container_statuses or [])
        if cs.state is not None and cs.state.waiting is not None and cs.state.waiting.reason
    ]
    failing = [reason for reason in waiting if reason in FAILING_REASONS]
    if failing:
        return PodState.FAILING, failing[0]
    unmet = [
        conditions[kind].reason
        for kind in ("PodScheduled", "Initialized", "ContainersReady", "Ready")
        if kind in conditions and conditions[kind].status != "True" and conditions[kind].reason
    ]
    reason = (waiting + unmet + [""])[0]
    if status.phase == "Pending":
        return PodState.PENDING, reason
    if status.phase == "Running":
        return PodState.STARTING, reason
    return PodState.UNKNOWN, status.phase or reason


def _prometheus_port(containers: Sequence[Any]) -> int:
    for container in containers or []:
        if container.name != CONTAINER:
            continue
        ports = container.ports or []
        named = [p.container_port for p in ports if p.name == PORT_NAME]
        if named:
            return int(named[0])
        if len(ports) == 1:
            return int(ports[0].container_port)
    return PORT


def _api_errors() -> Tuple[Type[BaseException], ...]:
    """What a failing API call raises. Evaluated only when an exception is being handled."""
    from kubernetes.client.exceptions import ApiException  # type: ignore[import-untyped]
    from urllib3.exceptions import HTTPError

    # ValueError: the client could not build a V1PodList out of the answer.
    return (ApiException, HTTPError, OSError, ValueError)


def _describe(err: BaseException, timeout: float) -> Tuple[str, bool]:
    """A short lowercase reason for ``err``, and whether trying again may help."""
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import MaxRetryError, NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    if isinstance(err, ApiException):
        if not err.status:
            return "malformed answer listing pods", False
        text = f"{err.status} {str(err.reason or '').lower()}".strip()
        return f"{text} listing pods", err.status >= 500 or err.status == 429
    if isinstance(err, ValueError):
        return "malformed answer listing pods", False
    cause: Optional[BaseException] = err.reason if isinstance(err, MaxRetryError) else err
    if isinstance(cause, (Urllib3Timeout, socket.timeout)) and not isinstance(
        cause, NewConnectionError
    ):
        # Not retried: three timeouts would hold the hook three times as long.
        return f"timed out after {timeout:g}s", False
    for _ in range(8):  # follow the chain of causes down to the socket error
        if cause is None:
            break
        if isinstance(cause, RemoteDisconnected):
            return "connection closed without an answer", True
        strerror = getattr(cause, "strerror", None)
        if isinstance(cause, OSError) and strerror:
            return str(strerror).lower(), True
        nested = [arg for arg in cause.args if isinstance(arg, BaseException)]
        cause = cause.__cause__ or cause.__context__ or (nested[0] if nested else None)
    return "cannot connect", True
