"""PEM blocks, and what a TLS certificate and key must hold for Prometheus to serve with them. Pure.

Prometheus' web config (prometheus/exporter-toolkit, web/tls_config.go) loads the pair with Go's
``tls.X509KeyPair`` (crypto/tls/tls.go) at startup and refuses to start when it fails:

* the certificate input: every ``CERTIFICATE`` block, the first one the leaf; other blocks are
  skipped; none at all is an error;
* the key input: the first block labelled ``PRIVATE KEY`` or ``... PRIVATE KEY``; its DER read as
  PKCS#1 (RSA), PKCS#8 (RSA, ECDSA, Ed25519 only) or SEC1 (ECDSA); ECDSA on the curves Go's x509
  knows (P-224, P-256, P-384, P-521); an encrypted key is not decrypted, so it fails.

Blocks are found as Go's ``pem.Decode`` finds them (encoding/pem/pem.go): a ``-----BEGIN TYPE-----``
line, optional ``Key: value`` header lines, base64 lines, the matching ``-----END TYPE-----``. The
charm also refuses what loads but cannot serve (seen with the real 2.42 and 3.5: the TLS handshake
fails): P-224 keys and small RSA keys. RSA keys need 2048 bits, the least OpenSSL takes at its
security level 2 (Ubuntu's default), so the charm's own requests reach Prometheus too.
"""

import base64
import binascii
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from domain.errors import InvalidValue

_BEGIN = re.compile(r"-----BEGIN (.*)-----")
MIN_RSA_BITS = 2048
# DER contents of the object identifiers a key may name (X.690 encoding, without tag and length).
_RSA = bytes.fromhex("2a864886f70d010101")  # rsaEncryption, 1.2.840.113549.1.1.1
_EC = bytes.fromhex("2a8648ce3d0201")  # id-ecPublicKey, 1.2.840.10045.2.1
_ED25519 = bytes.fromhex("2b6570")  # 1.3.101.112
_CURVES = {bytes.fromhex("2a8648ce3d030107"): "P-256", bytes.fromhex("2b81040022"): "P-384",
           bytes.fromhex("2b81040023"): "P-521", bytes.fromhex("2b81040021"): "P-224"}
_SERVING_CURVES = ("P-256", "P-384", "P-521")


@dataclass(frozen=True)
class PemBlock:
    kind: str  # the TYPE of -----BEGIN TYPE-----
    headers: bool  # "Proc-Type: 4,ENCRYPTED" and the like
    der: Optional[bytes]  # None when the body is not base64


def _line(raw: str) -> str:
    return raw.rstrip(" \t\r")  # Go's getLine: the line without "\r\n" and trailing blanks


def pem_blocks(text: str) -> List[PemBlock]:
    """Every block of ``text``, in order, as Go's ``pem.Decode`` would return them."""
    lines = text.split("\n")
    blocks: List[PemBlock] = []
    index = 0
    while index < len(lines):
        begin = _BEGIN.fullmatch(_line(lines[index]))
        index += 1
        if begin is None:
            continue
        kind = begin.group(1)
        end = next((i for i in range(index, len(lines)) if lines[i].startswith("-----END ")), None)
        if end is None or _line(lines[end]) != f"-----END {kind}-----":
            continue  # Go skips this BEGIN line and looks for the next one
        body = lines[index:end]
        headers = 0
        while headers < len(body) and ":" in body[headers]:
            headers += 1
        data = "".join(body[headers:]).translate({ord(c): None for c in " \t\r"})
        try:
            der: Optional[bytes] = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            der = None
        blocks.append(PemBlock(kind, headers > 0, der))
        index = end + 1
    return blocks


def _tlv(data: bytes, at: int = 0) -> Tuple[int, bytes, int]:
    """The DER element at ``at``: its tag, its contents and where the next one starts."""
    if at + 2 > len(data):
        raise InvalidValue("its key data is cut short")
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4 or at + count > len(data):
            raise InvalidValue("its key data is malformed")
        length, at = int.from_bytes(data[at:at + count], "big"), at + count
    if at + length > len(data):
        raise InvalidValue("its key data is cut short")
    return tag, data[at:at + length], at + length


def _elements(data: bytes) -> List[Tuple[int, bytes]]:
    """The elements of a DER SEQUENCE's contents."""
    found, at = [], 0
    while at < len(data):
        tag, value, at = _tlv(data, at)
        found.append((tag, value))
    return found


def _rsa_bits(pkcs1: bytes) -> int:
    tag, value, _ = _tlv(pkcs1)
    fields = _elements(value) if tag == 0x30 else []
    if len(fields) < 3 or fields[1][0] != 0x02:
        raise InvalidValue("is not an RSA key Go can read")
    return int.from_bytes(fields[1][1], "big").bit_length()


def key_algorithm(der: bytes) -> str:
    """What the key is (``RSA 2048``, ``ECDSA P-256``, ``Ed25519``), as Go's ``parsePrivateKey``
    tells it: PKCS#1, then PKCS#8, then SEC1. ``InvalidValue`` for what Go cannot read."""
    tag, value, after = _tlv(der)
    fields = _elements(value) if tag == 0x30 and after == len(der) else []
    if len(fields) < 2 or fields[0][0] != 0x02:
        raise InvalidValue("is not a private key Go can read (PKCS#1, PKCS#8 or SEC1)")
    second = fields[1][0]
    if second == 0x02:  # PKCS#1 RSAPrivateKey: version, modulus, ...
        return f"RSA {_rsa_bits(der)}"
    if second == 0x30 and len(fields) >= 3 and fields[2][0] == 0x04:  # PKCS#8 PrivateKeyInfo
        algorithm = _elements(fields[1][1])
        oid = algorithm[0][1] if algorithm and algorithm[0][0] == 0x06 else b""
        if oid == _RSA:
            return f"RSA {_rsa_bits(fields[2][1])}"
        if oid == _ED25519:
            return "Ed25519"
        if oid == _EC and len(algorithm) > 1 and algorithm[1][0] == 0x06:
            return f"ECDSA {_CURVES.get(algorithm[1][1], 'unknown')}"
        raise InvalidValue("is of a kind Prometheus cannot use (only RSA, ECDSA and Ed25519 keys)")
    if second == 0x04:  # SEC1 ECPrivateKey: version, key, [0] curve, [1] public key
        curve = next((v for t, v in fields[2:] if t == 0xA0), b"")
        oid = _tlv(curve)[1] if curve else b""
        return f"ECDSA {_CURVES.get(oid, 'unknown')}"
    raise InvalidValue("is not a private key Go can read (PKCS#1, PKCS#8 or SEC1)")


def check_certificates(blocks: List[PemBlock]) -> None:
    """``InvalidValue`` unless ``blocks`` hold at least one certificate, each with a body."""
    certificates = [b for b in blocks if b.kind == "CERTIFICATE"]
    if any(b.kind == "PRIVATE KEY" or b.kind.endswith(" PRIVATE KEY") for b in blocks):
        raise InvalidValue("holds a private key: give the key in ssl_key, only certificates here")
    if not certificates:
        raise InvalidValue("holds no PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)")
    for number, block in enumerate(certificates, 1):
        if block.headers:
            raise InvalidValue(f"certificate {number} has PEM headers, which are not supported")
        if not block.der:
            raise InvalidValue(f"certificate {number} has an empty or broken base64 body")


def check_private_key(blocks: List[PemBlock]) -> str:
    """The algorithm of the key Go would use from ``blocks``; ``InvalidValue`` if it cannot serve."""
    key = next((b for b in blocks if b.kind == "PRIVATE KEY" or b.kind.endswith(" PRIVATE KEY")), None)
    if key is None:
        raise InvalidValue("holds no PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)")
    if key.headers or "ENCRYPTED" in key.kind:
        raise InvalidValue("is encrypted: Prometheus reads no passphrase, give the key unencrypted")
    if not key.der:
        raise InvalidValue("has an empty or broken base64 body")
    algorithm = key_algorithm(key.der)
    if algorithm.startswith("RSA "):
        if int(algorithm[4:]) < MIN_RSA_BITS:
            raise InvalidValue(f"is a {algorithm[4:]}-bit RSA key: at least {MIN_RSA_BITS} bits are needed")
    elif algorithm.startswith("ECDSA ") and algorithm[6:] not in _SERVING_CURVES:
        curve = algorithm[6:] if algorithm[6:] in _CURVES.values() else "a curve Go does not know"
        raise InvalidValue(f"is an ECDSA key on {curve}: Prometheus serves with P-256, P-384 or P-521 only")
    return algorithm
