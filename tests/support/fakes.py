"""Stateful fakes of the ports, handed to the charm through its attributes (never mock.patch)."""

from typing import Callable, Dict, List, Optional, Sequence

from domain.errors import WorkloadRejected, WorkloadUnavailable
from domain.ports import Pod, PodState, RuntimeInfo


class FakePods:
    """The Kubernetes API as the charm sees it: a list of pods, or unreachable."""

    def __init__(self, pods: Optional[List[Pod]] = None, unavailable: bool = False) -> None:
        self.list = pods if pods is not None else [ready_pod()]
        self.unavailable = unavailable
        self.calls = 0

    def pods(self) -> Sequence[Pod]:
        self.calls += 1
        if self.unavailable:
            raise WorkloadUnavailable("kubernetes api: connection refused")
        return list(self.list)


def ready_pod(name: str = "prometheus-0", unit: str = "prometheus/0",
              state: PodState = PodState.READY, address: str = "10.1.0.5") -> Pod:
    return Pod(name=name, unit=unit, state=state, address=address, port=9090)


class FakePrometheus:
    """One Prometheus server and its pod's config directory.

    ``delivered`` gives the prometheus.yml kubelet has put in the pod (the published one, by
    default at once); ``freeze`` makes Kubernetes refuse every later update, so the file then
    on disk stays. Prometheus runs what it loaded at ``start`` or at its last reload.
    """

    def __init__(self, clock: "FakeClock", delivered: Callable[[], str] = lambda: "",
                 loaded_at: float = 0.0) -> None:
        self.clock = clock
        self.delivered = delivered
        self.frozen: Optional[str] = None
        self.running = ""  # the prometheus.yml it loaded: none with a digest yet
        self.start_time = loaded_at
        self.last_config_time = loaded_at
        self.reload_success = True
        self.reloads = 0
        self.rejects_with: Optional[str] = None
        self.unreachable = False

    def on_disk(self) -> str:
        return self.frozen if self.frozen is not None else self.delivered()

    def freeze(self) -> None:
        self.frozen = self.on_disk()

    def start(self) -> None:
        """(Re)start: load what is on disk now."""
        self.running = self.on_disk()
        self.start_time = self.last_config_time = self.clock()

    def reload(self) -> None:
        self._check()
        self.reloads += 1
        if self.rejects_with:
            self.reload_success = False
            raise WorkloadRejected(f"prometheus refused to reload: {self.rejects_with}")
        self.reload_success = True
        self.running = self.on_disk()
        self.last_config_time = self.clock()

    def runtime_info(self) -> RuntimeInfo:
        self._check()
        return RuntimeInfo(self.reload_success, self.last_config_time, self.start_time)

    def running_config(self) -> str:
        self._check()
        return self.running

    def version(self) -> str:
        return "2.53.0"

    def _check(self) -> None:
        if self.unreachable:
            raise WorkloadUnavailable("prometheus api: connection refused")


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakePrometheusFleet:
    """Hands the charm one FakePrometheus per pod address, all fed by the same ``delivered``."""

    def __init__(self, clock: FakeClock, delivered: Callable[[], str] = lambda: "") -> None:
        self.clock = clock
        self.delivered = delivered
        self.servers: Dict[str, FakePrometheus] = {}

    def __call__(self, pod: Pod, _config: object) -> FakePrometheus:
        return self.server(pod.address or "")

    def server(self, address: str = "10.1.0.5") -> FakePrometheus:
        return self.servers.setdefault(address, FakePrometheus(self.clock, self.delivered))
