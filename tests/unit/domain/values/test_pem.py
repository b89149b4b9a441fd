"""PEM blocks as Go's pem.Decode finds them, and the keys Prometheus can serve with."""

import base64
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values.pem import check_certificates, check_private_key, key_algorithm, pem_blocks
from tests.support.tls import CERT_PEM, KEY_PEM
from tests.support.tls_pairs import TlsPairs


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    return TlsPairs(tmp_path_factory.mktemp("tls"))


def test_blocks_are_found_in_order_with_their_bytes():
    blocks = pem_blocks("junk before\n" + CERT_PEM + "between\n" + KEY_PEM)

    assert [b.kind for b in blocks] == ["CERTIFICATE", "PRIVATE KEY"]
    assert blocks[0].der[:1] == b"\x30" and not blocks[0].headers


def test_crlf_and_trailing_blanks_are_read_as_go_reads_them():
    text = CERT_PEM.replace("\n", " \r\n")

    assert pem_blocks(text)[0].der == pem_blocks(CERT_PEM)[0].der


@pytest.mark.parametrize("text", [
    "-----BEGIN CERTIFICATE-----\nAAAA\n",  # no END line
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n",  # END of another type
    "x-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",  # BEGIN not at a line start
])
def test_what_is_not_a_block_is_skipped(text):
    assert pem_blocks(text) == []


def test_headers_and_broken_bodies_are_noticed():
    text = ("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: x\n\nAAAA\n"
            "-----END RSA PRIVATE KEY-----\n")
    broken = "-----BEGIN CERTIFICATE-----\nA*AA\n-----END CERTIFICATE-----\n"

    assert pem_blocks(text)[0].headers
    assert pem_blocks(broken)[0].der is None


@pytest.mark.parametrize("text, words", [
    ("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", "empty or broken"),  # markers only
    (CERT_PEM[:400], "holds no PEM certificate"),  # truncated
    (KEY_PEM, "holds a private key"),
    (CERT_PEM + KEY_PEM, "holds a private key"),
    ("no pem here", "holds no PEM certificate"),
])
def test_certificates_need_a_body(text, words):
    with pytest.raises(InvalidValue, match=words):
        check_certificates(pem_blocks(text))


def test_a_chain_is_fine():
    check_certificates(pem_blocks(CERT_PEM + CERT_PEM))


@pytest.mark.parametrize("kind, algorithm", [
    ("rsa-2048", "RSA 2048"), ("rsa-pkcs1", "RSA 2048"), ("ec-p256", "ECDSA P-256"),
    ("ec-sec1", "ECDSA P-256"), ("ec-p384", "ECDSA P-384"), ("ed25519", "Ed25519"),
])
def test_keys_go_serves_with_are_accepted(pairs, kind, algorithm):
    assert check_private_key(pem_blocks(pairs(kind)[1])) == algorithm


@pytest.mark.parametrize("kind, words", [
    # Go's tls.X509KeyPair refuses these (both generations: "failed to parse private key",
    # "unsupported elliptic curve")
    ("ed448", "of a kind Prometheus cannot use"), ("dsa", "of a kind Prometheus cannot use"),
    ("rsa-pss", "of a kind Prometheus cannot use"), ("ec-secp256k1", "a curve Go does not know"),
    # loaded, but every TLS handshake fails ("unsupported certificate curve", "RSA key size too small")
    ("ec-p224", "on P-224"),
    # served, but below what OpenSSL at security level 2 (Ubuntu's) lets a client take
    ("rsa-1024", "1024-bit RSA key"),
    # Go does not decrypt keys
    ("rsa-encrypted", "is encrypted"), ("rsa-pkcs1-encrypted", "is encrypted"),
])
def test_keys_prometheus_cannot_serve_with_are_refused(pairs, kind, words):
    with pytest.raises(InvalidValue, match=words):
        check_private_key(pem_blocks(pairs(kind)[1]))


@pytest.mark.parametrize("text, words", [
    (CERT_PEM, "holds no PEM private key"),
    ("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n", "empty or broken"),
    ("-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n", "not a private key Go can read"),
    ("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n", "not a private key Go can read"),
])
def test_keys_without_usable_data_are_refused(text, words):
    with pytest.raises(InvalidValue, match=words):
        check_private_key(pem_blocks(text))


def test_the_first_private_key_block_is_the_key_as_in_go(pairs):
    first, second = pairs("ec-p256")[1], pairs("ed25519")[1]

    assert check_private_key(pem_blocks(CERT_PEM + first + second)) == "ECDSA P-256"


@given(st.binary(max_size=200))
def test_any_bytes_are_a_key_kind_or_an_invalid_value(data):
    with contextlib.suppress(InvalidValue):
        key_algorithm(data)


@given(st.binary(max_size=120))
def test_any_block_body_is_a_key_or_an_invalid_value(data):
    body = base64.b64encode(data).decode()
    with contextlib.suppress(InvalidValue):
        check_private_key(pem_blocks(f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n"))


@given(st.text(max_size=300))
def test_any_text_gives_blocks_without_raising(text):
    for block in pem_blocks(text):
        assert isinstance(block.kind, str)
