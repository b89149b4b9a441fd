"""The Prometheus overview dashboard, as Grafana's dashboard JSON (Python data). Pure.

Every panel reads metrics a Prometheus exports about itself (prometheus/prometheus: ``tsdb/head.go``
``newHeadMetrics``, ``tsdb/wlog/wlog.go``, ``tsdb/compact.go``, ``rules/group.go``
``NewGroupMetrics``, ``notifier/notifier.go``, ``cmd/prometheus/main.go`` for the reload gauges,
``scrape/metrics.go``) or that it writes for every target (``up``, ``scrape_duration_seconds``).
Series of other exporters are left out by joining on ``prometheus_build_info``. Every selector
carries the Juju topology matchers of the dropdowns the Grafana charm adds; with "All" selected
they are ``.*``, which also matches series without those labels (the self-scrape has none).

Some panels stay empty until there is something to show: rule panels need ``alert-rules``,
notification panels an Alertmanager, the WAL size Prometheus 2.43 or later.
``tests/e2e/test_dashboard_queries.py`` runs every query on each Prometheus generation.
"""

import hashlib
from typing import Sequence, Tuple

from domain.grafana.panels import Json, Panel, Query, lay_out, selector

SCHEMA_VERSION = 36  # Grafana 9.0's; later versions migrate it forward when they load it
NAME = "prometheus-overview"
RATE = "[$__rate_interval]"
S = selector


def _per_instance_rate(metric: str, legend: str = "{{instance}}", by: str = "job, instance") -> Query:
    return Query(f"sum by ({by}) (rate({S(metric)}{RATE}))", legend)


def _prometheus_only(expr: str) -> str:
    return f"{expr} and on(job, instance) {S('prometheus_build_info')}"


HEALTH = (
    Panel("stat", "Up", "Whether the last scrape of each Prometheus succeeded.",
          (Query(_prometheus_only(S("up"))),), width=4, height=4,
          mappings=(("0", "down", "red"), ("1", "up", "green"))),
    Panel("stat", "Version", "Prometheus versions running.",
          (Query(f"count by (version) ({S('prometheus_build_info')})", "{{version}}"),),
          width=4, height=4),
    Panel("stat", "Uptime", "Time since each Prometheus process started.",
          (Query(_prometheus_only(f"time() - {S('process_start_time_seconds')}")),),
          unit="s", width=4, height=4),
    Panel("stat", "Configuration loaded", "Whether the last configuration reload succeeded.",
          (Query(S("prometheus_config_last_reload_successful")),), width=4, height=4,
          mappings=(("0", "failed", "red"), ("1", "yes", "green"))),
    Panel("stat", "Last successful reload", "When the configuration was last loaded.",
          (Query(f"{S('prometheus_config_last_reload_success_timestamp_seconds')} * 1000"),),
          unit="dateTimeFromNow", width=4, height=4),
    Panel("stat", "Head series", "Series in the in-memory head block.",
          (Query(S("prometheus_tsdb_head_series")),), width=4, height=4),
)

INGESTION = (
    Panel("timeseries", "Samples appended", "Samples appended to the head block per second.",
          (_per_instance_rate("prometheus_tsdb_head_samples_appended_total"),), unit="cps", width=6),
    Panel("timeseries", "Scrape duration", "Slowest target of each job.",
          (Query(f"max by (job) ({S('scrape_duration_seconds')})", "{{job}}"),), unit="s", width=6),
    Panel("timeseries", "Scrape interval (p99)", "Actual time between scrapes, by configured interval.",
          (Query(S("prometheus_target_interval_length_seconds", 'quantile="0.99"'),
                 "{{instance}} every {{interval}}"),), unit="s", width=6),
    Panel("timeseries", "Rejected samples", "Samples a scrape brought and the head refused.", (
        _per_instance_rate("prometheus_target_scrapes_sample_out_of_order_total", "{{instance}} out of order"),
        _per_instance_rate("prometheus_target_scrapes_sample_duplicate_timestamp_total",
                           "{{instance}} duplicate timestamp"),
        _per_instance_rate("prometheus_target_scrapes_sample_out_of_bounds_total", "{{instance}} out of bounds"),
        _per_instance_rate("prometheus_target_scrapes_exceeded_sample_limit_total", "{{instance}} over sample limit"),
    ), unit="cps", width=6),
)

RULES = (
    Panel("timeseries", "Rule group duration", "Last evaluation of each group, against its interval.", (
        Query(S("prometheus_rule_group_last_duration_seconds"), "{{rule_group}}"),
        Query(S("prometheus_rule_group_interval_seconds"), "{{rule_group}} interval"),
    ), unit="s"),
    Panel("timeseries", "Rule evaluation (p99)", "Time one rule takes to evaluate.",
          (Query(S("prometheus_rule_evaluation_duration_seconds", 'quantile="0.99"')),), unit="s"),
    Panel("timeseries", "Rule evaluation failures", "Failed rule evaluations and missed group iterations.", (
        _per_instance_rate("prometheus_rule_evaluation_failures_total", "{{rule_group}} failed",
                           "job, instance, rule_group"),
        _per_instance_rate("prometheus_rule_group_iterations_missed_total", "{{rule_group}} missed",
                           "job, instance, rule_group"),
    ), unit="cps"),
)

TSDB = (
    Panel("timeseries", "Head series", "Series in the in-memory head block.",
          (Query(S("prometheus_tsdb_head_series")),), width=6),
    Panel("timeseries", "Head chunks", "Chunks in the in-memory head block.",
          (Query(S("prometheus_tsdb_head_chunks")),), width=6),
    Panel("timeseries", "Compactions", "Block compactions, and those that failed.", (
        _per_instance_rate("prometheus_tsdb_compactions_total", "{{instance}} done"),
        _per_instance_rate("prometheus_tsdb_compactions_failed_total", "{{instance}} failed"),
    ), unit="cps", width=6),
    Panel("timeseries", "Storage size", "Persisted blocks and write-ahead log.", (
        Query(S("prometheus_tsdb_storage_blocks_bytes"), "{{instance}} blocks"),
        Query(S("prometheus_tsdb_wal_storage_size_bytes"), "{{instance}} WAL"),
    ), unit="bytes", width=6),
    Panel("timeseries", "WAL fsync duration (p99)", "Time to sync the write-ahead log to disk.",
          (Query(S("prometheus_tsdb_wal_fsync_duration_seconds", 'quantile="0.99"')),),
          unit="s", width=12),
    Panel("timeseries", "WAL failures", "Write-ahead log corruptions, failed writes and truncations.", (
        _per_instance_rate("prometheus_tsdb_wal_corruptions_total", "{{instance}} corruptions"),
        _per_instance_rate("prometheus_tsdb_wal_writes_failed_total", "{{instance}} failed writes"),
        _per_instance_rate("prometheus_tsdb_wal_truncations_failed_total", "{{instance}} failed truncations"),
    ), unit="cps", width=12),
)

RELOADS = (
    Panel("timeseries", "Configuration reload succeeded", "1 when the last reload succeeded, 0 when it failed.",
          (Query(S("prometheus_config_last_reload_successful")),)),
    Panel("timeseries", "Time since last successful reload", "Age of the configuration that runs.",
          (Query(f"time() - {S('prometheus_config_last_reload_success_timestamp_seconds')}"),), unit="s"),
    Panel("stat", "Reloads in range", "Successful configuration reloads in the dashboard's time range.",
          (Query(f"changes({S('prometheus_config_last_reload_success_timestamp_seconds')}[$__range])"),)),
)

NOTIFICATIONS = (
    Panel("timeseries", "Alert notifications", "Alerts sent to each Alertmanager, failed and dropped.", (
        _per_instance_rate("prometheus_notifications_sent_total", "{{alertmanager}} sent",
                           "job, instance, alertmanager"),
        _per_instance_rate("prometheus_notifications_errors_total", "{{alertmanager}} failed",
                           "job, instance, alertmanager"),
        _per_instance_rate("prometheus_notifications_dropped_total", "{{instance}} dropped"),
    ), unit="cps"),
    Panel("timeseries", "Notification queue", "Alerts waiting to be sent, against the queue's capacity.", (
        Query(S("prometheus_notifications_queue_length"), "{{instance}} queued"),
        Query(S("prometheus_notifications_queue_capacity"), "{{instance}} capacity"),
    )),
    Panel("timeseries", "Alertmanagers discovered", "Alertmanagers each Prometheus sends to.",
          (Query(S("prometheus_notifications_alertmanagers_discovered")),)),
)

SECTIONS: Sequence[Tuple[str, Sequence[Panel]]] = (
    ("Health", HEALTH),
    ("Ingestion and scraping", INGESTION),
    ("Rule evaluation", RULES),
    ("Storage (TSDB)", TSDB),
    ("Configuration reloads", RELOADS),
    ("Alert notifications", NOTIFICATIONS),
)


def dashboard_uid(charm_name: str) -> str:
    """40 hex digits, stable per charm (the form cosl's DashboardPath40UID keeps)."""
    return hashlib.shake_256(f"{charm_name}-{NAME}".encode()).hexdigest(20)


def overview_dashboard(charm_name: str) -> Json:
    """The whole dashboard, without ``templating``: the Grafana charm's library adds it."""
    return {
        "uid": dashboard_uid(charm_name),
        "title": f"Prometheus overview ({charm_name} charm)",
        "description": "Health, ingestion, rules, storage, reloads and notifications of Prometheus.",
        "tags": ["prometheus", f"charm: {charm_name}"],
        "schemaVersion": SCHEMA_VERSION,
        "editable": True,
        "graphTooltip": 1,
        "refresh": "1m",
        "time": {"from": "now-1h", "to": "now"},
        "timezone": "",
        "annotations": {"list": []},
        "links": [],
        "panels": lay_out(SECTIONS),
    }
