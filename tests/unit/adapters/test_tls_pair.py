"""The TLS pair check: OpenSSL judges whether ssl_cert and ssl_key load as one pair."""

import tempfile

import pytest

from adapters.tls_pair import check_tls_pair
from domain.errors import ConfigErrors
from tests.support.tls import CERT_PEM, KEY_PEM, RENEWED_CERT_PEM
from tests.support.tls_pairs import TlsPairs


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    return TlsPairs(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Temporary files of the check go here, so the test sees what is left behind."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def refusal(cert, key):
    with pytest.raises(ConfigErrors) as caught:
        check_tls_pair(cert, key)
    return caught.value


@pytest.mark.parametrize("kind", ["rsa-2048", "rsa-pkcs1", "ec-p256", "ec-sec1", "ec-p384", "ed25519"])
def test_a_pair_loads(pairs, kind, private_tmp):
    check_tls_pair(*pairs(kind))

    assert list(private_tmp.iterdir()) == []  # the key was written in a directory now removed


def test_a_renewed_certificate_of_the_same_key_loads():
    check_tls_pair(RENEWED_CERT_PEM, KEY_PEM)


@pytest.mark.parametrize("cert_kind, key_kind", [("rsa-2048", "ec-p256"), ("ec-p256", "ed25519"),
                                                 ("ec-p256", "ec-p384")])
def test_a_key_of_another_kind_is_not_the_certificates(pairs, cert_kind, key_kind):
    error = refusal(pairs(cert_kind)[0], pairs(key_kind)[1])

    assert [str(e) for e in error.errors] == ["ssl_key: is not the private key of the certificate in ssl_cert"]


def test_another_key_of_the_same_kind_is_not_the_certificates(pairs, private_tmp):
    error = refusal(CERT_PEM, pairs("rsa-2048")[1])

    assert error.options == ("ssl_key",)
    assert "is not the private key of the certificate in ssl_cert" in str(error)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("cert", [
    "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",  # a body, but no certificate
    CERT_PEM.replace("MIID", "MIIE", 1),  # a length that does not fit
])
def test_a_certificate_openssl_cannot_read_names_ssl_cert(cert):
    error = refusal(cert, KEY_PEM)

    assert error.options == ("ssl_cert",)
    assert str(error).startswith("ssl_cert: cannot be read as certificates (")


def test_a_key_openssl_cannot_read_names_ssl_key():
    lines = KEY_PEM.splitlines()
    broken = "\n".join(lines[:5] + lines[6:]) + "\n"  # a line of the key's body is gone

    error = refusal(CERT_PEM, broken)

    assert error.options == ("ssl_key",)


def test_an_encrypted_key_is_refused_without_asking_for_a_passphrase(pairs):
    cert, key = pairs("rsa-encrypted")

    error = refusal(cert, key)

    assert str(error) == "ssl_key: is encrypted: no passphrase can be given"


def test_the_ingress_pair_is_refused_under_its_own_option_names(pairs):
    with pytest.raises(ConfigErrors) as caught:
        check_tls_pair(pairs("rsa-2048")[0], pairs("ec-p256")[1], "ingress-tls-cert", "ingress-tls-key")

    assert caught.value.options == ("ingress-tls-key",)
    assert str(caught.value) == "ingress-tls-key: is not the private key of the certificate in ingress-tls-cert"
