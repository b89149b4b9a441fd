"""The alert rules this Prometheus sends about itself on ``self-metrics-endpoint``. Pure.

Another Prometheus that scrapes this one evaluates them against the metrics it scrapes here
(``/metrics``), so they watch what this Prometheus cannot report once it is broken: a refused
configuration, a failing TSDB, alerts that never reach an Alertmanager, rules that fail or fall
behind, and its own scrape going down. Expressions are written unscoped, as a charm's rule files
are; ``self_metrics.alert_rules`` adds the topology labels and matchers before sending them.

Metric names are those both generations (2.42 and 3.x) export: prometheus/prometheus
``config/reloader``-era ``cmd/prometheus/main.go`` (``prometheus_config_last_reload_successful``),
``tsdb/compact.go`` (``prometheus_tsdb_compactions_failed_total``), ``tsdb/head.go``
(``prometheus_tsdb_head_truncations_failed_total``), ``tsdb/wlog/wlog.go`` (``_wal_corruptions``,
``_wal_truncations_failed``), ``notifier/notifier.go`` (``prometheus_notifications_*``),
``rules/group.go`` and ``rules/manager.go`` (``prometheus_rule_*``). Each alert says in its
``description`` what to look at; the ``for`` durations keep one bad scrape from paging anyone.
"""

from dataclasses import dataclass
from typing import Tuple

from domain.rules.model import Pairs

GROUP = "self_monitoring"


@dataclass(frozen=True)
class SelfAlert:
    """One alerting rule of the pack, as written in a rule file (before scoping)."""

    name: str
    expr: str
    for_: str
    severity: str
    summary: str
    description: str

    @property
    def labels(self) -> Pairs:
        return (("severity", self.severity),)

    @property
    def annotations(self) -> Pairs:
        return (("summary", self.summary), ("description", self.description))


_WHO = "Prometheus {{ $labels.juju_model }}/{{ $labels.juju_unit }}"

ALERTS: Tuple[SelfAlert, ...] = (
    SelfAlert("PrometheusConfigReloadFailed", "prometheus_config_last_reload_successful == 0", "10m", "warning",
              f"{_WHO} refused its last configuration",
              "The last reload of prometheus.yml or of a rule file failed: Prometheus still runs the previous "
              "configuration. Its log names the error."),
    SelfAlert("PrometheusTSDBCompactionsFailing",
              "increase(prometheus_tsdb_compactions_failed_total[3h]) > 0", "15m", "warning",
              f"{_WHO} failed {{{{ $value | humanize }}}} TSDB compactions in 3 hours",
              "Blocks are not being compacted: disk use grows and queries slow down. Check the volume "
              "(space, permissions) and the log."),
    SelfAlert("PrometheusTSDBWALCorruptions", "increase(prometheus_tsdb_wal_corruptions_total[3h]) > 0", "5m",
              "critical", f"{_WHO} found {{{{ $value | humanize }}}} corruptions in its write-ahead log",
              "Samples not yet in a block may have been lost when the WAL was repaired. Check the volume."),
    SelfAlert("PrometheusTSDBHeadTruncationsFailing",
              "increase(prometheus_tsdb_head_truncations_failed_total[3h]) > 0", "15m", "warning",
              f"{_WHO} failed to truncate its in-memory head block",
              "Memory use keeps growing until the head is truncated. Check the log and the volume."),
    SelfAlert("PrometheusTSDBWALTruncationsFailing",
              "increase(prometheus_tsdb_wal_truncations_failed_total[3h]) > 0", "15m", "warning",
              f"{_WHO} failed to truncate its write-ahead log",
              "The WAL keeps growing on disk and restarts take longer. Check the log and the volume."),
    SelfAlert("PrometheusNotificationQueueRunningFull",
              "prometheus_notifications_queue_length >= 0.9 * prometheus_notifications_queue_capacity", "15m",
              "warning", f"{_WHO} has its alert notification queue {{{{ $value | humanize }}}} long, near capacity",
              "Alertmanagers do not take alerts as fast as they come: once the queue is full, alerts are dropped."),
    SelfAlert("PrometheusNotificationsDropped", "increase(prometheus_notifications_dropped_total[5m]) > 0", "5m",
              "critical", f"{_WHO} dropped {{{{ $value | humanize }}}} alert notifications in 5 minutes",
              "Alerts were lost: no Alertmanager took them, or the queue was full. Check the alertmanager relations."),
    SelfAlert("PrometheusErrorSendingAlerts",
              "rate(prometheus_notifications_errors_total[5m]) / rate(prometheus_notifications_sent_total[5m]) "
              "* 100 > 1", "15m", "warning",
              f"{_WHO} fails to send alerts to {{{{ $labels.alertmanager }}}}",
              "{{ $value | humanize }}% of the alerts sent to this Alertmanager in 5 minutes failed."),
    SelfAlert("PrometheusRuleEvaluationFailures",
              "increase(prometheus_rule_evaluation_failures_total[5m]) > 0", "15m", "critical",
              f"{_WHO} failed {{{{ $value | humanize }}}} rule evaluations in 5 minutes",
              "Rules of group {{ $labels.rule_group }} fail at run time: their alerts cannot fire. "
              "The log names the rule and the error."),
    SelfAlert("PrometheusRuleGroupSlow",
              "prometheus_rule_group_last_duration_seconds > prometheus_rule_group_interval_seconds", "15m",
              "warning", f"{_WHO} takes longer to evaluate a rule group than its interval",
              "Group {{ $labels.rule_group }} took {{ $value | humanize }}s, more than its interval: "
              "its rules run late."),
    SelfAlert("PrometheusMissedRuleEvaluations",
              "increase(prometheus_rule_group_iterations_missed_total[5m]) > 0", "15m", "warning",
              f"{_WHO} skipped {{{{ $value | humanize }}}} evaluations of a rule group in 5 minutes",
              "Group {{ $labels.rule_group }} is too slow for its interval: some of its evaluations never ran."),
    SelfAlert("PrometheusDown", "up == 0", "5m", "critical", f"{_WHO} cannot be scraped",
              "{{ $labels.instance }} did not answer its scrape: it is down, unreachable or failing."),
)
