"""Prometheus' command-line flags: every one the image's ENTRYPOINT needs, in a stable order. Pure."""

from typing import List

from domain.config.charm_config import CharmConfig
from domain.container import CONFIG_FILE, DATA_DIR, PORT, WATCH_SECONDS, WEB_CONFIG_FILE
from domain.prometheus.compatibility import (
    TLS_SINCE,
    has_consoles,
    needs_expand_feature_flag,
    reloads_by_itself,
)
from domain.values.version import Version


def prometheus_args(config: CharmConfig, version: Version) -> List[str]:
    args = [
        f"--config.file={CONFIG_FILE}",
        f"--storage.tsdb.path={DATA_DIR}",
        f"--web.listen-address=:{PORT}",
        "--web.enable-lifecycle",
        f"--web.max-connections={config.web_max_connections}",
        f"--web.read-timeout={config.web_read_timeout}",
        f"--web.page-title={config.web_page_title}",
        f"--alertmanager.notification-queue-capacity={config.alertmanager_notification_queue_capacity}",
    ]
    if config.log_level:
        args.append(f"--log.level={config.log_level}")
    if config.web_external_url:
        args.append(f"--web.external-url={config.web_external_url}")
    if config.web_enable_admin_api:
        args.append("--web.enable-admin-api")
    if config.tsdb_retention_time:
        args.append(f"--storage.tsdb.retention.time={config.tsdb_retention_time}")
    if config.tsdb_retention_size:
        args.append(f"--storage.tsdb.retention.size={config.tsdb_retention_size}")
    args.append(
        "--storage.tsdb.wal-compression" if config.tsdb_wal_compression
        else "--no-storage.tsdb.wal-compression"
    )
    if version >= TLS_SINCE:
        # Always, TLS or not: web-config.yml then says whether Prometheus serves HTTPS, and
        # turning TLS on or off leaves the flags (the pod template) as they are.
        args.append(f"--web.config.file={WEB_CONFIG_FILE}")
    if has_consoles(version):
        # The 2.x images ship console templates here; 3.x images ship none.
        args += ["--web.console.templates=/usr/share/prometheus/consoles",
                 "--web.console.libraries=/usr/share/prometheus/console_libraries"]
    if needs_expand_feature_flag(version):
        # The replica label's value is $POD_NAME (domain.prometheus.config_file); 3.x expands
        # always and warns about the flag.
        args.append("--enable-feature=expand-external-labels")
    if reloads_by_itself(version):
        # Prometheus applies a ConfigMap update by itself, seconds after kubelet swaps the files.
        args += ["--enable-feature=auto-reload-config", f"--config.auto-reload-interval={WATCH_SECONDS}s"]
    return args


# The remote-write receiver (POST /api/v1/write): 2.25.0 added it behind
# --enable-feature=remote-write-receiver (#8424); 2.33.0 made it stable as
# --web.enable-remote-write-receiver (#10119) (prometheus/prometheus CHANGELOG.md). 3.x keeps
# that flag (`prometheus --help` of 3.5: --[no-]web.enable-remote-write-receiver) and lists the
# feature name as deprecated: 3.5 accepts it but leaves the receiver off, while 2.42 still
# honours it (tests/e2e/test_remote_write.py runs both).
REMOTE_WRITE_RECEIVER_SINCE: Version = (2, 25, 0)
REMOTE_WRITE_RECEIVER_STABLE: Version = (2, 33, 0)


def remote_write_receiver_args(version: Version) -> List[str]:
    """The flags that enable the receiver on ``version``; none before 2.25, which has none.

    Only while a ``receive-remote-write`` relation exists: the flags are the pod template's,
    so the first such relation and the removal of the last one restart the pods."""
    if version >= REMOTE_WRITE_RECEIVER_STABLE:
        return ["--web.enable-remote-write-receiver"]
    if version >= REMOTE_WRITE_RECEIVER_SINCE:
        return ["--enable-feature=remote-write-receiver"]
    return []
