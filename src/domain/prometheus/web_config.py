"""web-config.yml (``--web.config.file``): serve HTTPS with the certificate from the TLS Secret. Pure.

Paths are relative to this file's directory (``CONFIG_DIR``), which sits beside ``TLS_DIR``.
"""

from domain.prometheus.yaml_text import to_yaml


def web_config_yml() -> str:
    return to_yaml({"tls_server_config": {"cert_file": "../tls/tls.crt", "key_file": "../tls/tls.key"}})
