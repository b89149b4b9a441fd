"""PrometheusHttpApi against a stub HTTP(S) server on loopback: translation and error shapes."""

import json
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from adapters.prometheus_api import PrometheusHttpApi, parse_rfc3339
from domain.errors import WorkloadRejected, WorkloadUnavailable
from domain.ports import RuntimeInfo


class StubPrometheus:
    """Answers canned (status, body) per (method, path) and records what it was asked."""

    def __init__(self, tls: Optional[ssl.SSLContext] = None) -> None:
        self.routes: Dict[Tuple[str, str], Tuple[int, bytes, float]] = {}
        self.seen: List[Tuple[str, str]] = []
        # Errors while answering (a client that hung up before a delayed answer), kept here
        # instead of printed by socketserver into the test run's output.
        self.errors: List[BaseException] = []
        self.stopping = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                stub.seen.append((method, self.path))
                not_found = (404, b"404 page not found\n", 0.0)
                status, body, delay = stub.routes.get((method, self.path), not_found)
                stub.stopping.wait(delay)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = False  # server_close() joins every request thread
            block_on_close = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                stub.errors.append(sys.exc_info()[1] or RuntimeError("unknown error"))

        self.server = Server(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def answer(
        self, method: str, path: str, status: int = 200, body: bytes = b"", delay: float = 0.0
    ) -> None:
        self.routes[(method, path)] = (status, body, delay)

    def answer_data(self, path: str, data: Any) -> None:
        self.answer("GET", path, body=json.dumps({"status": "success", "data": data}).encode())

    def stop(self) -> None:
        """Stops serving, ends delayed answers early, and joins every thread it started."""
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive(), "the stub server's thread did not stop"


@pytest.fixture
def stub() -> Iterator[StubPrometheus]:
    server = StubPrometheus()
    yield server
    server.stop()


def client(url: str, timeout: float = 5.0, ca_pem: Optional[str] = None) -> PrometheusHttpApi:
    api = PrometheusHttpApi(url, timeout=timeout, ca_pem=ca_pem)
    api.retry_delay = 0.01
    return api


def test_reload_posts_to_the_lifecycle_endpoint(stub: StubPrometheus) -> None:
    stub.answer("POST", "/-/reload")

    client(stub.url + "/").reload()

    assert stub.seen == [("POST", "/-/reload")]


def test_a_reload_answered_with_500_is_rejected_with_the_first_line_of_the_body(
    stub: StubPrometheus,
) -> None:
    stub.answer("POST", "/-/reload", 500,
                b"failed to reload config: parsing YAML file prometheus.yml: yaml: line 3\nmore\n")

    with pytest.raises(WorkloadRejected) as caught:
        client(stub.url).reload()

    assert str(caught.value) == (
        "prometheus refused to reload: failed to reload config: parsing YAML file prometheus.yml:"
        " yaml: line 3"
    )


def test_a_reload_answered_with_an_error_is_not_tried_again(stub: StubPrometheus) -> None:
    stub.answer("POST", "/-/reload", 500, b"failed to reload config\n")

    with pytest.raises(WorkloadRejected):
        client(stub.url).reload()

    assert len(stub.seen) == 1


def test_a_reload_answered_with_an_empty_error_names_the_status(stub: StubPrometheus) -> None:
    stub.answer("POST", "/-/reload", 403)

    with pytest.raises(WorkloadRejected, match=r"^prometheus refused to reload: http 403$"):
        client(stub.url).reload()


def test_runtime_info_reads_reload_success_and_last_config_time(stub: StubPrometheus) -> None:
    stub.answer_data("/api/v1/status/runtimeinfo", {
        "reloadConfigSuccess": False, "lastConfigTime": "2023-02-01T11:20:30.25+01:00",
        "storageRetention": "15d"})

    info = client(stub.url).runtime_info()

    assert info == RuntimeInfo(reload_success=False, last_config_time=1675246830.25)


def test_running_config_is_the_yaml_prometheus_reports(stub: StubPrometheus) -> None:
    stub.answer_data("/api/v1/status/config", {"yaml": "global:\n  scrape_interval: 1m\n"})

    text = client(stub.url).running_config()

    assert text == "global:\n  scrape_interval: 1m\n"


def test_version_is_the_build_version(stub: StubPrometheus) -> None:
    stub.answer_data("/api/v1/status/buildinfo", {"version": "2.42.0", "revision": "abc"})

    version = client(stub.url).version()

    assert version == "2.42.0"


def test_an_answer_that_is_not_json_is_unavailable(stub: StubPrometheus) -> None:
    stub.answer("GET", "/api/v1/status/config", body=b"<html>proxy error</html>")

    with pytest.raises(WorkloadUnavailable) as caught:
        client(stub.url).running_config()

    assert str(caught.value) == (
        f"prometheus api at {stub.url}: malformed answer from /api/v1/status/config: not JSON"
    )


@pytest.mark.parametrize(
    "data",
    [
        {"reloadConfigSuccess": "yes", "lastConfigTime": "2023-02-01T10:20:30Z"},
        {"reloadConfigSuccess": True},
        {"reloadConfigSuccess": True, "lastConfigTime": "last tuesday"},
    ],
    ids=["success-not-bool", "no-time", "time-not-rfc3339"],
)
def test_runtime_info_without_usable_fields_is_unavailable(
    stub: StubPrometheus, data: Any
) -> None:
    stub.answer_data("/api/v1/status/runtimeinfo", data)

    with pytest.raises(WorkloadUnavailable, match=r"malformed answer from .*/runtimeinfo: "):
        client(stub.url).runtime_info()


def test_json_without_a_data_object_is_unavailable(stub: StubPrometheus) -> None:
    stub.answer("GET", "/api/v1/status/buildinfo", body=b'{"status": "success"}')

    with pytest.raises(WorkloadUnavailable, match=r"malformed answer from .*/buildinfo: no data"):
        client(stub.url).version()


def test_a_status_page_answered_with_503_is_unavailable_and_not_tried_again(
    stub: StubPrometheus,
) -> None:
    stub.answer("GET", "/api/v1/status/config", 503, b"Service Unavailable\n")

    with pytest.raises(WorkloadUnavailable) as caught:
        client(stub.url).running_config()

    assert str(caught.value) == (
        f"prometheus api at {stub.url}: /api/v1/status/config answered Service Unavailable"
    )
    assert len(stub.seen) == 1


def test_a_server_slower_than_the_timeout_is_unavailable_without_retrying(
    stub: StubPrometheus,
) -> None:
    stub.answer("GET", "/api/v1/status/buildinfo", body=b"{}", delay=1.0)
    started = time.monotonic()

    with pytest.raises(WorkloadUnavailable) as caught:
        client(stub.url, timeout=0.2).version()

    assert str(caught.value) == f"prometheus api at {stub.url}: timed out after 0.2s"
    assert time.monotonic() - started < 0.9
    assert len(stub.seen) == 1


def test_a_client_that_hangs_up_before_a_slow_answer_leaves_no_output(
    stub: StubPrometheus, capfd: pytest.CaptureFixture[str]
) -> None:
    stub.answer("GET", "/api/v1/status/buildinfo", body=b"{}", delay=1.0)
    before = set(threading.enumerate())
    with pytest.raises(WorkloadUnavailable):
        client(stub.url, timeout=0.2).version()

    stub.stop()

    assert capfd.readouterr() == ("", "")
    assert set(threading.enumerate()) <= before - {stub.thread}  # request threads joined too


def test_a_proxy_in_the_environment_is_not_used(
    stub: StubPrometheus, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # discard port: nothing listens
    stub.answer_data("/api/v1/status/buildinfo", {"version": "2.42.0"})

    version = client(stub.url).version()

    assert version == "2.42.0"


def test_a_refused_connection_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, not listening: refused

        with pytest.raises(WorkloadUnavailable) as caught:
            client(url).version()

    assert str(caught.value) == f"prometheus api at {url}: connection refused"


def test_a_connection_closed_without_an_answer_is_tried_three_times() -> None:
    accepted: List[int] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)

        def hang_up() -> None:
            while len(accepted) < 3:
                conn, _ = listener.accept()
                conn.recv(4096)
                accepted.append(1)
                conn.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"

        with pytest.raises(WorkloadUnavailable, match=r"connection closed without an answer$"):
            client(url).reload()
        thread.join(timeout=5)

    assert len(accepted) == 3


def utc(*fields: int, micro: int = 0) -> float:
    return datetime(*fields, tzinfo=timezone.utc).timestamp() + micro / 1e6


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2023-02-01T10:20:30Z", utc(2023, 2, 1, 10, 20, 30)),
        ("2023-02-01T10:20:30.5Z", utc(2023, 2, 1, 10, 20, 30, micro=500000)),
        ("2023-02-01T10:20:30.123456789Z", utc(2023, 2, 1, 10, 20, 30, micro=123457)),
        ("2023-02-01T11:20:30.123456789+01:00", utc(2023, 2, 1, 10, 20, 30, micro=123457)),
        ("2023-02-01T05:50:30-04:30", utc(2023, 2, 1, 10, 20, 30)),
        ("2024-02-29t23:59:59z", utc(2024, 2, 29, 23, 59, 59)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=timezone.utc).timestamp()),
    ],
)
def test_rfc3339_times_become_epoch_seconds(text: str, seconds: float) -> None:
    assert parse_rfc3339(text) == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize(
    "text",
    ["2023-02-30T10:20:30Z", "2023-02-01T10:20:30", "2023-02-01T10:20:30+0100",
     "2023-02-01T24:00:00Z", "2023-13-01T10:20:30Z", "yesterday", ""],
)
def test_text_that_is_not_an_rfc3339_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rfc3339(text)


# --- https with a private CA --------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    """Two CAs, and a server certificate for a name that is not 127.0.0.1, signed by the first."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    out = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=out, check=True, capture_output=True)

    for ca in ("ca", "other-ca"):
        run("req", "-x509", *ec, "-keyout", f"{ca}.key", "-out", f"{ca}.pem", "-days", "2",
            "-subj", f"/CN=test {ca}")
    run("req", *ec, "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=prometheus.invalid")
    (out / "san.ext").write_text("subjectAltName=DNS:prometheus.invalid\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    paths = {name: out / f"{name}.pem" for name in ("ca", "other-ca", "server")}
    paths["server-key"] = out / "server.key"
    return paths


@pytest.fixture
def tls_stub(certificates: Dict[str, Path]) -> Iterator[StubPrometheus]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates["server"], certificates["server-key"])
    server = StubPrometheus(tls=context)
    server.answer_data("/api/v1/status/buildinfo", {"version": "2.42.0"})
    yield server
    server.stop()


def test_https_is_trusted_through_the_given_ca_whatever_the_host_name(
    tls_stub: StubPrometheus, certificates: Dict[str, Path]
) -> None:
    api = client(tls_stub.url, ca_pem=certificates["ca"].read_text())

    assert api.version() == "2.42.0"


def test_https_is_trusted_through_the_servers_own_certificate(
    tls_stub: StubPrometheus, certificates: Dict[str, Path]
) -> None:
    api = client(tls_stub.url, ca_pem=certificates["server"].read_text())

    assert api.version() == "2.42.0"


def test_https_signed_by_another_ca_is_unavailable_without_retrying(
    tls_stub: StubPrometheus, certificates: Dict[str, Path]
) -> None:
    api = client(tls_stub.url, ca_pem=certificates["other-ca"].read_text())

    with pytest.raises(WorkloadUnavailable, match=r"tls certificate not trusted"):
        api.version()

    assert tls_stub.seen == []


def test_a_ca_that_is_not_pem_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match=r"not a PEM CA certificate"):
        PrometheusHttpApi("https://10.1.2.3:9090", ca_pem="not a certificate")


def test_a_url_that_is_not_http_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match=r"must be http or https"):
        PrometheusHttpApi("file:///etc/passwd")
