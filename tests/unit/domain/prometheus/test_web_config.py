"""web-config.yml: the certificate and key Prometheus serves HTTPS with, or nothing for plain HTTP."""

import yaml

from domain.prometheus.web_config import web_config_yml


def test_web_config_names_the_secret_files_relative_to_the_config_directory():
    assert web_config_yml(True) == "tls_server_config:\n  cert_file: ../tls/tls.crt\n  key_file: ../tls/tls.key\n"


def test_without_tls_web_config_is_an_empty_mapping_never_an_empty_file():
    # Prometheus serves plain HTTP without tls_server_config; a file Juju is given must not be empty
    assert web_config_yml(False) == "{}\n"
    assert yaml.safe_load(web_config_yml(False)) == {}
