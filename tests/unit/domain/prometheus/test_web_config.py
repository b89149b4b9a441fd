"""web-config.yml: the certificate and key Prometheus serves HTTPS with, beside its config directory."""

from domain.prometheus.web_config import web_config_yml


def test_web_config_names_the_secret_files_relative_to_the_config_directory():
    assert web_config_yml() == "tls_server_config:\n  cert_file: ../tls/tls.crt\n  key_file: ../tls/tls.key\n"
