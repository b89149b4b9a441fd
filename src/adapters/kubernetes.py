"""The application's workload pods, as the Kubernetes API reports them (port ``PodReadiness``).

Owns: talking to the API server with the operator pod's service account (``load_core_api``),
listing the application's pods, and turning each v1 Pod into a ``domain.ports.Pod``. Any failure of
the API (refused, timed out, HTTP error, malformed answer) becomes ``WorkloadUnavailable``; no
client object or exception leaves this module.

The ``kubernetes`` client is imported lazily, inside ``load_core_api`` and on error paths only,
and only its configuration, in-cluster loader and REST layer (``adapters.kubernetes_rest``):
the whole package takes 0.6 s of CPU to import, and most hooks never need it. The answer is
read as JSON, without the client's model classes.
"""

import os
import socket
import time
from http.client import RemoteDisconnected
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type

from domain.container import CONTAINER, PORT, PORT_NAME, SERVICE_ACCOUNT_DIR
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


def load_core_api(service_account_dir: str = SERVICE_ACCOUNT_DIR) -> "PodsApi":
    """A client for the API server of the cluster this process runs in.

    In the operator pod, Juju forwards ``KUBERNETES_SERVICE_HOST`` into hooks, so the in-cluster
    service account (token and CA certificate in ``service_account_dir``) is used. Otherwise
    ``KUBECONFIG``, when it names a file, is used: only tests set it (Juju strips unknown
    variables from the hook environment); its loader imports the whole client.
    """
    from adapters.kubernetes_rest import client_modules  # lazy: see the module docstring

    modules = client_modules()
    configuration = modules.configuration.Configuration()
    kubeconfig = os.environ.get("KUBECONFIG", "")
    try:
        if os.environ.get("KUBERNETES_SERVICE_HOST"):
            modules.incluster_config.InClusterConfigLoader(
                token_filename=os.path.join(service_account_dir, "token"),
                cert_filename=os.path.join(service_account_dir, "ca.crt"),
            ).load_and_set(configuration)
        elif kubeconfig and os.path.isfile(kubeconfig):
            from kubernetes.config import kube_config  # type: ignore[import-untyped]

            kube_config.load_kube_config(
                config_file=kubeconfig, client_configuration=configuration, persist_config=False
            )
        else:
            raise WorkloadUnavailable("kubernetes api: not running in a cluster")
    except (modules.config_exception.ConfigException, OSError) as err:
        raise WorkloadUnavailable(f"kubernetes api: cannot load credentials: {err}") from err
    # KubernetesPods retries by itself; urllib3 would otherwise add 3 silent retries per try.
    configuration.retries = 0
    # The API server is in-cluster (or a loopback fake): never route it through an HTTP proxy
    # that a model's proxy settings may have put in the environment.
    configuration.proxy = None
    return PodsApi(modules, configuration)


class PodsApi:
    """``GET /api/v1/namespaces/<namespace>/pods`` through the client's REST layer, as JSON."""

    def __init__(self, modules: Any, configuration: Any) -> None:
        self._configuration = configuration
        # One connection pool for the hook: both label selectors and any retry reuse it.
        self._rest = modules.rest.RESTClientObject(configuration)

    def list_pods(self, namespace: str, label_selector: str, timeout: float) -> List[Any]:
        from urllib.parse import quote

        from adapters.kubernetes_rest import items, list_json

        path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods"
        return items(list_json(self._rest, self._configuration, path, {"labelSelector": label_selector},
                               timeout))


class KubernetesPods:
    """Lists the workload pods of one application in a namespace (implements ``PodReadiness``)."""

    def __init__(
        self,
        app: str,
        namespace: str,
        api_factory: Optional[Callable[[], Any]] = None,
        timeout: float = 5.0,
        service_account_dir: str = SERVICE_ACCOUNT_DIR,
    ) -> None:
        self.app = app
        self.namespace = namespace
        self.timeout = timeout
        self.retry_delay = 0.5  # seconds between tries; tests may lower it
        self._api_factory = api_factory or (lambda: load_core_api(service_account_dir))
        self._api: Any = None

    def pods(self) -> Sequence[Pod]:
        """The application's pods, sorted by name; empty when it has none yet."""
        items = self._list(f"{APP_LABEL}={self.app}")
        if not items:
            items = self._list(f"{LEGACY_APP_LABEL}={self.app}")
        try:
            found = [pod_from_json(item) for item in items]
        except ValueError as err:
            raise WorkloadUnavailable(f"kubernetes api: malformed answer listing pods ({err})") from err
        return sorted(found, key=lambda pod: pod.name)

    def _list(self, label_selector: str) -> List[Any]:
        if self._api is None:
            self._api = self._api_factory()
        for attempt in range(1, MAX_TRIES + 1):
            try:
                return list(self._api.list_pods(self.namespace, label_selector, self.timeout))
            except _api_errors() as err:
                reason, retry = _describe(err, self.timeout)
                if not retry or attempt == MAX_TRIES:
                    raise WorkloadUnavailable(f"kubernetes api: {reason}") from err
            time.sleep(self.retry_delay)
        raise AssertionError("unreachable")  # pragma: no cover


def pod_from_json(item: Any) -> Pod:
    """A v1 Pod as the API serves it (JSON) as a domain ``Pod``; ValueError when it is not one."""
    metadata, status, spec = _mapping(item, "metadata"), _mapping(item, "status"), _mapping(item, "spec")
    annotations = _mapping(metadata, "annotations")
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("a pod without a name")
    unit = annotations.get(UNIT_ANNOTATION) or annotations.get(LEGACY_UNIT_ANNOTATION)
    state, reason = _state(status) if status else (PodState.UNKNOWN, "")
    address = status.get("podIP")
    return Pod(
        name=name,
        unit=unit if isinstance(unit, str) else None,
        state=state,
        address=address if isinstance(address, str) and address else None,
        port=_prometheus_port(_list(spec, "containers")),
        reason=reason,
    )


def _mapping(parent: Any, key: str) -> Dict[str, Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not an object")
    return value


def _list(parent: Dict[str, Any], key: str) -> List[Dict[str, Any]]:
    value = parent.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ValueError(f"{key} is not a list of objects")
    return value


def _text(parent: Dict[str, Any], key: str) -> str:
    value = parent.get(key)
    return value if isinstance(value, str) else ""


def _state(status: Dict[str, Any]) -> Tuple[PodState, str]:
    conditions = {_text(c, "type"): c for c in _list(status, "conditions")}
    ready = conditions.get("Ready")
    if ready is not None and _text(ready, "status") == "True":
        return PodState.READY, ""
    waiting = [
        _text(_mapping(_mapping(cs, "state"), "waiting"), "reason")
        for cs in _list(status, "initContainerStatuses") + _list(status, "containerStatuses")
    ]
    waiting = [reason for reason in waiting if reason]
    failing = [reason for reason in waiting if reason in FAILING_REASONS]
    if failing:
        return PodState.FAILING, failing[0]
    unmet = [
        _text(conditions[kind], "reason")
        for kind in ("PodScheduled", "Initialized", "ContainersReady", "Ready")
        if kind in conditions and _text(conditions[kind], "status") != "True"
        and _text(conditions[kind], "reason")
    ]
    reason = (waiting + unmet + [""])[0]
    phase = _text(status, "phase")
    if phase == "Pending":
        return PodState.PENDING, reason
    if phase == "Running":
        return PodState.STARTING, reason
    return PodState.UNKNOWN, phase or reason


def _prometheus_port(containers: Sequence[Dict[str, Any]]) -> int:
    for container in containers:
        if container.get("name") != CONTAINER:
            continue
        ports = _list(container, "ports")
        named = [p.get("containerPort") for p in ports if p.get("name") == PORT_NAME]
        if not named and len(ports) == 1:
            named = [ports[0].get("containerPort")]
        if named:
            port = named[0]
            if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
                raise ValueError("a container port that is not a port number")
            return port
    return PORT


def _api_errors() -> Tuple[Type[BaseException], ...]:
    """What a failing API call raises. Evaluated only when an exception is being handled."""
    from kubernetes.client.exceptions import ApiException  # type: ignore[import-untyped]
    from urllib3.exceptions import HTTPError

    # ValueError: the answer is not JSON, or not a pod list.
    return (ApiException, HTTPError, OSError, ValueError)


def _describe(err: BaseException, timeout: float) -> Tuple[str, bool]:
    """A short lowercase reason for ``err``, and whether trying again may help."""
    from kubernetes.client.exceptions import ApiException
    from urllib3.exceptions import MaxRetryError, NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    if isinstance(err, ApiException):
        if not err.status:  # the client's own failures: TLS, or a request it could not make
            detail = " ".join(str(err.reason or "").split())[:200].lower()
            return f"cannot list pods: {detail or 'no answer'}", False
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
