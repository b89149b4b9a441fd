"""Stateful fakes of the ports, handed to the charm through its attributes (never mock.patch)."""

from typing import Dict, List, Optional, Sequence

from domain.errors import WorkloadRejected, WorkloadUnavailable
from domain.ports import Pod, PodState, RuntimeInfo


class FakePods:
    """The Kubernetes API as the charm sees it: a list of pods, or unreachable."""

    def __init__(self, pods: Optional[List[Pod]] = None, unavailable: bool = False) -> None:
        self.list = pods if pods is not None else [ready_pod()]
        self.unavailable = unavailable

    def pods(self) -> Sequence[Pod]:
        if self.unavailable:
            raise WorkloadUnavailable("kubernetes api: connection refused")
        return list(self.list)


def ready_pod(name: str = "prometheus-0", unit: str = "prometheus/0",
              state: PodState = PodState.READY, address: str = "10.1.0.5") -> Pod:
    return Pod(name=name, unit=unit, state=state, address=address, port=9090)


class FakePrometheus:
    """One Prometheus server: remembers when it last loaded its config and how often it reloaded."""

    def __init__(self, clock: "FakeClock", loaded_at: float = 0.0) -> None:
        self.clock = clock
        self.start_time = loaded_at
        self.last_config_time = loaded_at
        self.reload_success = True
        self.reloads = 0
        self.rejects_with: Optional[str] = None
        self.unreachable = False

    def reload(self) -> None:
        self._check()
        self.reloads += 1
        if self.rejects_with:
            self.reload_success = False
            raise WorkloadRejected(f"prometheus refused to reload: {self.rejects_with}")
        self.reload_success = True
        self.last_config_time = self.clock()

    def runtime_info(self) -> RuntimeInfo:
        self._check()
        return RuntimeInfo(self.reload_success, self.last_config_time, self.start_time)

    def running_config(self) -> str:
        self._check()
        return ""

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
    """Hands the charm one FakePrometheus per pod address."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.servers: Dict[str, FakePrometheus] = {}

    def __call__(self, pod: Pod, _config: object) -> FakePrometheus:
        return self.server(pod.address or "")

    def server(self, address: str = "10.1.0.5") -> FakePrometheus:
        return self.servers.setdefault(address, FakePrometheus(self.clock))
