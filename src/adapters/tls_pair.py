"""Do ssl_cert and ssl_key load as one TLS pair? Asked of OpenSSL through Python's ``ssl``.

``parse_config`` has already checked the PEM blocks and the key's kind (``domain.values.pem``);
this is the part only a TLS library can judge, as Go's ``tls.X509KeyPair`` does when Prometheus
starts: every certificate parses, the key parses, and the key is the private half of the first
certificate. ``SSLContext.load_cert_chain`` reads files only, so the pair is written to a private
temporary directory (mode 0700, the key file 0600) that is removed afterwards.
"""

import os
import ssl
import tempfile
from pathlib import Path

from domain.errors import ConfigError, ConfigErrors

# OpenSSL's reasons for a key that is not the certificate's: the same kind but another key, or
# another kind (an EC key for an RSA certificate fills another slot of the context).
_NOT_ITS_KEY = ("KEY_VALUES_MISMATCH", "NO_CERTIFICATE_ASSIGNED")


class _Encrypted(Exception):
    """The key asked for a passphrase (``parse_config`` refuses encrypted keys; never prompt)."""


def _no_passphrase() -> bytes:
    raise _Encrypted()


def _write(path: Path, content: str, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "w", encoding="ascii", errors="replace") as stream:
        stream.write(content)


def _refused(option: str, problem: str) -> ConfigErrors:
    return ConfigErrors([ConfigError(option, problem)])


def _why(err: ssl.SSLError) -> str:
    """OpenSSL's reason in plain words (``KEY_VALUES_MISMATCH`` -> ``key values mismatch``)."""
    return str(err.reason).replace("_", " ").lower() if err.reason else "OpenSSL cannot parse it"


def check_tls_pair(cert_pem: str, key_pem: str, cert_option: str = "ssl_cert", key_option: str = "ssl_key") -> None:
    """Raise ``ConfigErrors`` naming the certificate's or the key's option (ssl_cert, ssl_key;
    ingress-tls-cert, ingress-tls-key) when the two do not load as a pair."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # Judge the pair only: key sizes are the core's call, not this library's security level.
    context.set_ciphers("ALL:@SECLEVEL=0")
    try:
        context.load_verify_locations(cadata=cert_pem)
    except ssl.SSLError as err:
        raise _refused(cert_option, f"cannot be read as certificates ({_why(err)})") from err
    with tempfile.TemporaryDirectory(prefix="prometheus-tls-") as directory:
        cert_file, key_file = Path(directory) / "tls.crt", Path(directory) / "tls.key"
        _write(cert_file, cert_pem, 0o600)
        _write(key_file, key_pem, 0o600)
        try:
            context.load_cert_chain(str(cert_file), str(key_file), password=_no_passphrase)
        except _Encrypted as err:
            raise _refused(key_option, "is encrypted: no passphrase can be given") from err
        except ssl.SSLError as err:
            if err.reason in _NOT_ITS_KEY:
                raise _refused(key_option, f"is not the private key of the certificate in {cert_option}") from err
            raise _refused(key_option, f"cannot be read as a private key ({_why(err)})") from err
