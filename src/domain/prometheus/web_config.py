"""web-config.yml (``--web.config.file``): HTTPS with the certificate from the TLS Secret, or plain HTTP. Pure.

The file is always there, so that turning TLS on or off changes its content, never the set of
files in the volume. Without ``tls_server_config`` Prometheus serves plain HTTP ("TLS is
disabled", prometheus/exporter-toolkit web/tls_config.go); both generations' ``promtool check
web-config`` accept ``{}``. Paths are relative to this file's directory (``CONFIG_DIR``), which
sits beside ``TLS_DIR``.
"""

from domain.prometheus.yaml_text import to_yaml


def web_config_yml(tls: bool) -> str:
    if not tls:
        return to_yaml({})
    return to_yaml({"tls_server_config": {"cert_file": "../tls/tls.crt", "key_file": "../tls/tls.key"}})
