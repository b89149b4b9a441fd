"""Certificate and key pairs of every kind a test needs, made by the real ``openssl`` command.

Self-signed for localhost and 127.0.0.1. Each kind is made once per ``TlsPairs`` (a test session's
temporary directory), the first time it is asked for. Test data only.
"""

import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

Pair = Tuple[str, str]  # (certificate PEM, private key PEM)

_NEW_KEY: Dict[str, List[str]] = {
    "rsa-2048": ["-newkey", "rsa:2048"],
    "rsa-1024": ["-newkey", "rsa:1024"],
    "ec-p256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "ec-p384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
    "ec-p224": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-224"],
    "ec-secp256k1": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
    "ed25519": ["-newkey", "ed25519"],
    "ed448": ["-newkey", "ed448"],
    "rsa-pss": ["-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048"],
}
# Other encodings of a key of the kind named first: (kind, openssl command turning the PKCS#8 key).
_RECODED: Dict[str, Tuple[str, List[str]]] = {
    "rsa-pkcs1": ("rsa-2048", ["rsa", "-traditional"]),
    "ec-sec1": ("ec-p256", ["ec"]),
    "rsa-encrypted": ("rsa-2048", ["pkey", "-aes256", "-passout", "pass:secret"]),
    "rsa-pkcs1-encrypted": ("rsa-2048", ["rsa", "-traditional", "-aes256", "-passout", "pass:secret"]),
}


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


class TlsPairs:
    """``pairs(kind)`` -> (certificate PEM, key PEM); kinds: see ``KINDS``."""

    KINDS = (*_NEW_KEY, "dsa", *_RECODED)

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._made: Dict[str, Pair] = {}

    def __call__(self, kind: str) -> Pair:
        if kind not in self._made:
            self._made[kind] = self._make(kind)
        return self._made[kind]

    def _make(self, kind: str) -> Pair:
        cert, key = self.directory / f"{kind}.crt", self.directory / f"{kind}.key"
        if kind in _RECODED:
            base, command = _RECODED[kind]
            base_cert, base_key = self(base)
            source = self.directory / f"{kind}.source.key"
            source.write_text(base_key)
            _openssl(*command, "-in", str(source), "-out", str(key))
            return base_cert, key.read_text()
        new_key = _NEW_KEY.get(kind)
        if kind == "dsa":
            params = self.directory / "dsa.params"
            _openssl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024",
                     "-out", str(params))
            new_key = ["-newkey", f"dsa:{params}"]
        if new_key is None:
            raise KeyError(kind)
        _openssl("req", "-x509", *new_key, "-nodes", "-days", "36500", "-subj", "/CN=localhost",
                 "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert))
        return cert.read_text(), key.read_text()
