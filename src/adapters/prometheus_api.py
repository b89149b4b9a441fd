"""One Prometheus server's HTTP API (port ``PrometheusApi``), with the standard library only.

Owns: the lifecycle reload (``POST /-/reload``, which needs ``--web.enable-lifecycle``),
reading ``/api/v1/status/{runtimeinfo,config,buildinfo}`` into domain values, and RFC 3339 times.
Failures are wrapped: unreachable, timed out or malformed → ``WorkloadUnavailable`` (wait and
look again); a reload that Prometheus answers with an error → ``WorkloadRejected``.
"""

import calendar
import http.client
import json
import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Tuple

from domain.errors import WorkloadRejected, WorkloadUnavailable
from domain.ports import RuntimeInfo

MAX_TRIES = 3
_MAX_REASON = 200  # characters of an error body kept in a status message

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def parse_rfc3339(text: str) -> float:
    """Seconds since the epoch of an RFC 3339 time such as ``2023-02-01T10:20:30.123456789Z``.

    Go writes up to nine fractional digits and a ``Z`` or ``±hh:mm`` offset; Python 3.8's
    ``datetime.fromisoformat`` reads neither. Raises ``ValueError`` for anything else.
    """
    match = _RFC3339.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    fraction, zulu, sign, off_hours, off_minutes = match.group(7, 8, 9, 10, 11)
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        raise ValueError(f"not a calendar date: {text!r}")
    if hour > 23 or minute > 59 or second > 60:
        raise ValueError(f"not a time of day: {text!r}")
    offset = 0
    if not zulu:
        if int(off_hours) > 23 or int(off_minutes) > 59:
            raise ValueError(f"not a UTC offset: {text!r}")
        offset = (int(off_hours) * 3600 + int(off_minutes) * 60) * (1 if sign == "+" else -1)
    whole = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) - offset
    return whole + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


class PrometheusHttpApi:
    """Talks to the Prometheus at ``base_url`` (implements ``PrometheusApi``).

    With ``ca_pem`` (PEM text: a CA, or the server's own certificate) an https server's
    certificate must chain to it; the host name is not checked, because pods are reached by IP.
    """

    def __init__(self, base_url: str, timeout: float = 5.0, ca_pem: Optional[str] = None) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"prometheus api url must be http or https: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry_delay = 0.5  # seconds between tries; tests may lower it
        # Pods are reached by IP address, never through a proxy from the environment.
        handlers: List[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if ca_pem is not None:
            handlers.append(urllib.request.HTTPSHandler(context=_tls_context(ca_pem)))
        self._opener = urllib.request.build_opener(*handlers)

    def reload(self) -> None:
        """Make Prometheus re-read its configuration file; raise if it cannot load it."""
        status, body = self._request("POST", "/-/reload")
        if not 200 <= status < 300:
            raise WorkloadRejected(f"prometheus refused to reload: {_first_line(body, status)}")

    def runtime_info(self) -> RuntimeInfo:
        data = self._data("/api/v1/status/runtimeinfo")
        success, last = data.get("reloadConfigSuccess"), data.get("lastConfigTime")
        started = data.get("startTime")
        if not isinstance(success, bool) or not isinstance(last, str):
            raise self._malformed(
                "/api/v1/status/runtimeinfo", "no reloadConfigSuccess and lastConfigTime"
            )
        try:
            return RuntimeInfo(
                reload_success=success,
                last_config_time=parse_rfc3339(last),
                start_time=parse_rfc3339(started) if isinstance(started, str) else 0.0,
            )
        except ValueError as err:
            raise self._malformed("/api/v1/status/runtimeinfo", str(err)) from err

    def running_config(self) -> str:
        """The configuration Prometheus has loaded, as YAML text (Prometheus re-renders it)."""
        return self._string("/api/v1/status/config", "yaml")

    def version(self) -> str:
        return self._string("/api/v1/status/buildinfo", "version")

    def _string(self, path: str, key: str) -> str:
        value = self._data(path).get(key)
        if not isinstance(value, str):
            raise self._malformed(path, f"no string data.{key}")
        return value

    def _data(self, path: str) -> Dict[str, Any]:
        status, body = self._request("GET", path)
        if not 200 <= status < 300:
            raise WorkloadUnavailable(
                f"prometheus api at {self.base_url}: {path} answered {_first_line(body, status)}"
            )
        try:
            document = json.loads(body.decode("utf-8"))
        except ValueError as err:  # UnicodeDecodeError is a ValueError too
            raise self._malformed(path, "not JSON") from err
        if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
            raise self._malformed(path, "no data object")
        return dict(document["data"])

    def _malformed(self, path: str, problem: str) -> WorkloadUnavailable:
        return WorkloadUnavailable(
            f"prometheus api at {self.base_url}: malformed answer from {path}: {problem}"
        )

    def _request(self, method: str, path: str) -> Tuple[int, bytes]:
        """(status, body) of one request; retried only when no answer came back at all."""
        url = self.base_url + path
        data = b"" if method == "POST" else None
        for attempt in range(1, MAX_TRIES + 1):
            # S310: the constructor allows only http and https URLs.
            request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    return int(response.status), bytes(response.read())
            except urllib.error.HTTPError as err:  # an answer, even if an error: never retried
                with err:
                    return int(err.code), bytes(err.read())
            except (OSError, http.client.HTTPException) as err:
                reason, retry = _describe(err, self.timeout)
                if not retry or attempt == MAX_TRIES:
                    message = f"prometheus api at {self.base_url}: {reason}"
                    raise WorkloadUnavailable(message) from err
            time.sleep(self.retry_delay)
        raise AssertionError("unreachable")  # pragma: no cover


def _tls_context(ca_pem: str) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cadata=ca_pem)
    except ssl.SSLError as err:
        raise ValueError(f"ca_pem is not a PEM CA certificate: {err}") from err
    context.check_hostname = False  # pods are reached by IP; the CA signature is still verified
    context.verify_mode = ssl.CERT_REQUIRED
    # The charm may pin the server's own certificate rather than its CA: let any certificate
    # given here end the chain (OpenSSL's X509_V_FLAG_PARTIAL_CHAIN; named in ssl from 3.10).
    context.verify_flags |= getattr(ssl, "VERIFY_X509_PARTIAL_CHAIN", 0x80000)
    return context


def _describe(err: BaseException, timeout: float) -> Tuple[str, bool]:
    """A short lowercase reason for a request that got no answer, and whether to try again."""
    cause = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(cause, socket.timeout):
        # Not retried: three timeouts would hold the hook three times as long.
        return f"timed out after {timeout:g}s", False
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"tls certificate not trusted: {cause.verify_message}".lower(), False
    if isinstance(cause, ssl.SSLError):
        return f"tls: {cause.reason or cause}".lower(), False
    if isinstance(cause, http.client.RemoteDisconnected):
        return "connection closed without an answer", True
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror.lower(), True
    return (str(cause) or type(cause).__name__).lower(), True


def _first_line(body: bytes, status: int) -> str:
    lines = body.decode("utf-8", "replace").strip().splitlines()
    line = lines[0].strip() if lines else ""
    return line[:_MAX_REASON] if line else f"http {status}"
