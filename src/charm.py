#!/usr/bin/env python3
"""The charm's shell: receives Juju events, runs one reconcile, writes the outcome.

It holds no rules. Every event goes to ``_reconcile``: read the options and facts, let
the core plan the workload, publish the pod spec (leader only), check that each Prometheus
runs the published files (asking it to reload once they have had time to reach its pod),
and set the unit status.
"""

import logging
import os
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence, cast

_CHARM_DIR = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # Run by ./dispatch: the dependencies shipped with the charm (lib/ from `make build`, venv/
    # from charmcraft) come before anything else. Imported, as by tests, the importer's own.
    for _deps in (_CHARM_DIR / "venv", _CHARM_DIR / "lib"):  # lib/ ends up first
        if _deps.is_dir() and str(_deps) not in sys.path:
            sys.path.insert(1, str(_deps))

import ops  # noqa: E402

from adapters.hook_tools import spawn_lightly  # noqa: E402
from adapters.juju import JujuFacts  # noqa: E402
from adapters.memory import HookMemory  # noqa: E402
from adapters.relations import write_relations  # noqa: E402
from domain.config.charm_config import CharmConfig  # noqa: E402
from domain.config.parse import debug_port_for, parse_config  # noqa: E402
from domain.container import SERVICE_ACCOUNT_DIR  # noqa: E402
from domain.errors import DomainError, WorkloadRejected, WorkloadUnavailable  # noqa: E402
from domain.kubernetes.budget import SpecTooLarge  # noqa: E402
from domain.plan import Plan, plan  # noqa: E402
from domain.ports import Pod, PodReadiness, PodState, PrometheusApi  # noqa: E402
from domain.relations.data import DroppedBag  # noqa: E402
from domain.status import (  # noqa: E402
    StatusKind,
    UnitStatus,
    decide_status,
    pod_for_unit,
    status_for_error,
    with_relation_notes,
)
from domain.values.version import format_version  # noqa: E402

logger = logging.getLogger(__name__)

# Let tests that run the charm as a process shorten the ConfigMap propagation wait, and give
# it a service account (token, CA certificate, namespace) of a loopback API server. Juju
# builds hook environments from scratch, so these never reach a deployed charm.
PROPAGATION_ENV = "PROMETHEUS_CHARM_PROPAGATION_SECONDS"
SERVICE_ACCOUNT_ENV = "PROMETHEUS_CHARM_SERVICE_ACCOUNT_DIR"
# The hooks whose outcome depends on the pods: only they list them, through the Kubernetes API
# (a client that takes a tenth of a second to import). update-status runs every 5 minutes.
POD_EVENTS = (ops.StartEvent, ops.UpdateStatusEvent, ops.UpgradeCharmEvent)
_STATUSES = {
    StatusKind.ACTIVE: ops.ActiveStatus,
    StatusKind.WAITING: ops.WaitingStatus,
    StatusKind.BLOCKED: ops.BlockedStatus,
}


def prometheus_api_for(pod: Pod, config: CharmConfig) -> PrometheusApi:
    from adapters.prometheus_api import PrometheusHttpApi  # HTTP client: pod hooks only

    scheme = "https" if config.tls else "http"
    return PrometheusHttpApi(
        f"{scheme}://{pod.address}:{pod.port}{config.route_prefix}",
        ca_pem=config.tls.cert_pem if config.tls else None,
    )


class PodsOnDemand:
    """``adapters.kubernetes.KubernetesPods``, imported and made when first asked: only the
    hooks in ``POD_EVENTS`` list the pods."""

    def __init__(self, app: str, namespace: str, service_account_dir: str) -> None:
        self._args = (app, namespace, service_account_dir)
        self._pods: Optional[PodReadiness] = None

    def pods(self) -> Sequence[Pod]:
        if self._pods is None:
            from adapters.kubernetes import KubernetesPods

            app, namespace, service_account_dir = self._args
            self._pods = KubernetesPods(app, namespace, service_account_dir=service_account_dir)
        return self._pods.pods()


def _check_tls_pairs(config: CharmConfig) -> None:
    """Each certificate and key pair must load as its reader will load it: Prometheus' own,
    and the Ingress' as its controller will. Their check is imported only when one is set."""
    if config.tls is None and config.ingress_tls is None:
        return
    from adapters.tls_pair import check_tls_pair

    if config.tls is not None:
        check_tls_pair(config.tls.cert_pem, config.tls.key_pem)
    if config.ingress_tls is not None:
        check_tls_pair(config.ingress_tls.cert_pem, config.ingress_tls.key_pem,
                       "ingress-tls-cert", "ingress-tls-key")


def _service_account_dir() -> str:
    return os.environ.get(SERVICE_ACCOUNT_ENV) or SERVICE_ACCOUNT_DIR


def _namespace(model_name: str) -> str:
    try:
        return (Path(_service_account_dir()) / "namespace").read_text().strip() or model_name
    except OSError:
        return model_name


class PrometheusCharm(ops.CharmBase):
    """Prometheus on Kubernetes, as a pod-spec charm."""

    def __init__(self, framework: ops.Framework) -> None:
        super().__init__(framework)
        self.memory = HookMemory.load(self)  # saved at the end of each hook, when changed
        self.juju = JujuFacts(self.model)
        self.namespace = _namespace(self.model.name)
        self.pods: PodReadiness = PodsOnDemand(self.app.name, self.namespace, _service_account_dir())
        self.prometheus_api: Callable[[Pod, CharmConfig], PrometheusApi] = prometheus_api_for
        self.clock: Callable[[], float] = time.time
        # Seconds a ConfigMap may take to reach the pods (None: domain.reload's default).
        self.propagation: Optional[float] = (float(os.environ[PROPAGATION_ENV]) if os.environ.get(PROPAGATION_ENV)
                                             else None)
        hook = os.environ.get("JUJU_DISPATCH_PATH", "").rpartition("/")[2]
        self._debug_port = debug_port_for(dict(self.config), hook)

        on = self.on
        for event in (on.install, on.upgrade_charm, on.leader_elected, on.config_changed,
                      on.start, on.update_status, on.database_storage_attached):
            framework.observe(event, self._reconcile)
        for relation in self.meta.relations:
            for kind in ("joined", "changed", "departed", "broken"):
                framework.observe(getattr(on[relation], f"relation_{kind}"), self._reconcile)

    def _reconcile(self, event: ops.EventBase) -> None:
        if self._debug_port is not None:
            import rpdb  # only when the operator asked for it (debug-at)

            logger.warning("debug-at: waiting for a debugger on 127.0.0.1:%s", self._debug_port)
            rpdb.set_trace(addr="127.0.0.1", port=self._debug_port)
        status = self._converge(with_pods=isinstance(event, POD_EVENTS))
        self.unit.status = _STATUSES[status.kind](status.message)
        self.memory.save()

    def _converge(self, with_pods: bool) -> UnitStatus:
        """Publishes what the options and relations ask for. Only ``with_pods`` (the hooks in
        ``POD_EVENTS``) looks at the pods, through the Kubernetes API; the other hooks report
        what the last such hook found."""
        dropped: Sequence[DroppedBag] = ()
        try:
            facts = self.juju.facts(self.namespace)
            config = parse_config(dict(self.config), facts.image.version)
            _check_tls_pairs(config)
            try:
                workload = plan(config, facts)
            except SpecTooLarge:  # the relations' rules were judged, and stay valid for the next hook
                self.juju.keep_judgements(facts)
                raise
            self.juju.keep_judgements(facts)
            dropped = workload.dropped
            for bag in dropped:
                logger.warning("ignored relation data: %s", bag)
            leader = self.unit.is_leader()
            if leader:
                self._publish(workload, again=with_pods)
            write_relations(self.model, workload.relation_writes, leader)
            version = format_version(facts.image.version)
            if with_pods or version != self.memory.workload_version:
                self.unit.set_workload_version(version)
                self.memory.workload_version = version
        except DomainError as err:
            # Bad input, or a workload to wait for. Any other exception is a bug: it ends the hook
            # in error, which is how Juju shows one.
            return self._say(with_relation_notes(status_for_error(err), dropped))
        if not with_pods:
            return with_relation_notes(self._last_pod_status(leader), dropped)
        try:
            pods = self.pods.pods()
            pending = self._reload(pods, config, workload) if leader else False
            status = decide_status(self.unit.name, pod_for_unit(pods, self.unit.name), pending)
        except DomainError as err:
            status = status_for_error(err)
        self.memory.pod_status = [status.kind.value, status.message]
        if leader and status.kind is StatusKind.ACTIVE:
            self.memory.verified_digest = self.memory.published_digest
        return self._say(with_relation_notes(status, dropped))

    @staticmethod
    def _say(status: UnitStatus) -> UnitStatus:
        if status.kind is not StatusKind.ACTIVE:
            logger.info("status: %s", status.message)  # escaped and bounded, as the status is
        return status

    def _last_pod_status(self, leader: bool) -> UnitStatus:
        """What the last hook that looked at the pods found, or that none has yet; on the leader,
        also that a configuration it published since has yet to be seen running."""
        found = list(cast(List[str], self.memory.pod_status))
        if not found:
            return UnitStatus(StatusKind.WAITING, "waiting for the pod; its state is read at the next "
                                                  "start or update-status hook")
        status = UnitStatus(StatusKind(found[0]), found[1])
        published = cast(str, self.memory.published_digest)
        if leader and status.kind is StatusKind.ACTIVE and published != self.memory.verified_digest:
            return UnitStatus(StatusKind.WAITING, f"configuration {published[:8]} published; the pods "
                                                  "load it, checked at the next update-status")
        return status

    def _publish(self, workload: Plan, again: bool) -> None:
        """Sets the pod spec when it changed (or ``again``: Juju then repairs any drift)."""
        spec_digest = workload.spec_digest
        if again or spec_digest != self.memory.spec_digest:
            self.model.pod.set_spec(workload.pod_spec, workload.k8s_resources)
            self.memory.spec_digest = spec_digest
        if workload.digest != self.memory.published_digest:
            logger.info("published configuration %s", workload.digest[:12])
            self.memory.published_digest = workload.digest
            self.memory.published_at = self.clock()
            self.memory.undelivered_since = 0.0

    def _reload(self, pods: Sequence[Pod], config: CharmConfig, workload: Plan) -> bool:
        """Check that every ready Prometheus runs the published files; reload those due.

        Returns whether some pod has still to load them; raises when a pod refuses them or
        they have not reached it in time.
        """
        from domain.prometheus.config_file import digest_in_running_config
        from domain.reload import PROPAGATION_SECONDS, PodConfig, ReloadDecision, decide_reload, judge_delivery

        propagation = PROPAGATION_SECONDS if self.propagation is None else self.propagation

        published = cast(str, self.memory.published_digest)
        published_at = cast(float, self.memory.published_at)
        now = self.clock()
        seen: List[PodConfig] = []
        for pod in pods:
            if pod.state is not PodState.READY or not pod.address:
                continue  # it loads the current files when it starts
            api = self.prometheus_api(pod, config)
            try:
                running = digest_in_running_config(api.running_config())
                decision = decide_reload(published, running, published_at, now, propagation)
                if decision is ReloadDecision.RELOAD:
                    logger.info("asking %s to reload its configuration", pod.name)
                    api.reload()
                    running = digest_in_running_config(api.running_config())
                seen.append(PodConfig(pod.name, running, due=decision is not ReloadDecision.TOO_EARLY))
            except WorkloadRejected as err:
                raise WorkloadRejected(f"{pod.name}: {err}") from err
            except WorkloadUnavailable as err:
                logger.warning("cannot reach %s: %s", pod.name, err)
                seen.append(PodConfig(pod.name, None, due=False, reachable=False))
        since = cast(float, self.memory.undelivered_since)
        delivery = judge_delivery(published, seen, now, since, workload.config_map, propagation)
        self.memory.undelivered_since = delivery.undelivered_since
        if delivery.problem is not None:
            logger.warning("%s", delivery.problem)
            raise delivery.problem
        return delivery.pending


if __name__ == "__main__":  # pragma: no cover (run by ./dispatch)
    # The operator pod can be recreated at any time, taking its files with it: the charm's
    # stored state lives in the controller (state-get/state-set). ops 2.x computes this default
    # for Kubernetes charms but does not apply it, so it is asked for explicitly.
    # On Python 3.8, hook tools are spawned without copying this process (adapters/hook_tools.py).
    spawn_lightly((ops.model, ops.storage))
    ops.main(PrometheusCharm, use_juju_for_storage=True)
