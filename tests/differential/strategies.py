"""Hypothesis strategies: values for every charm option, valid, borderline and garbage.

Each option gets a mix of what an operator means to type (``1h30m``, ``50GB``), the edges of
what Prometheus reads (zero, int64, 2^63, thousands of digits, units in the wrong order or case,
text near the 128 KiB limit of one argument) and garbage (any Unicode, C0/C1 controls, U+2028/9,
NUL, digits of other scripts). ``NAMED`` holds the values issue 10 names, as whole batches.
Values have the Python type Juju hands over for the option's config.yaml type, except the
wrong-type garbage, which the judge counts apart.
"""

import base64
import json
from typing import Any, Dict, List

from hypothesis import strategies as st

from tests.support.tls import CERT_PEM, KEY_PEM, RENEWED_CERT_PEM

INT64 = 2**63 - 1
CONTROLS = "\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x80\x85\x9f\u2028\u2029"
# Fullwidth, Arabic-Indic, Extended Arabic-Indic and Devanagari digits: Python's \d and int()
# read them, Go's strconv and Prometheus' parsers do not.
OTHER_DIGITS = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९"
BORDER_INTS = (0, 1, 9, 10, 59, 60, 99, 1000, 2**31 - 1, 2**31, 2**32, 2**53, INT64 // 1000,
               INT64 // 1_000_000, INT64, 2**63, 2**64, 10**19, 10**30)
# Linux refuses one exec argument longer than MAX_ARG_STRLEN (32 pages: 131072 bytes, NUL included;
# include/uapi/linux/binfmts.h in torvalds/linux), in a container as anywhere else.
ARG_MAX_BYTES = 131071

_any_text = st.text(max_size=40)
_tricky_text = st.text(st.sampled_from(CONTROLS + OTHER_DIGITS + " a1é/:%"), max_size=12)
GARBAGE_TEXT = st.one_of(_any_text, _tricky_text)
WRONG_TYPES = st.sampled_from(["", "1", "true", 1.5, None, [], {}])


def _digits(draw: Any) -> str:
    """An amount as text: mostly an ordinary one, else a border value, leading zeros, huge digit
    strings or other scripts' digits."""
    kind = draw(st.integers(0, 9))
    if kind <= 4:
        return str(draw(st.integers(1, 10**4)))
    if kind <= 6:
        return str(draw(st.sampled_from(BORDER_INTS) | st.integers(0, 10**6)))
    if kind == 7:
        return "0" * draw(st.integers(1, 3)) + str(draw(st.integers(0, 99)))
    if kind == 8:
        return "9" * draw(st.sampled_from([19, 20, 4300, 4301, 5000]))
    return draw(st.text(st.sampled_from(OTHER_DIGITS + "0123456789"), min_size=1, max_size=4))


DURATION_UNITS = ("y", "w", "d", "h", "m", "s", "ms")
WRONG_DURATION_UNITS = ("", "M", "H", "S", "D", "us", "µs", "ns", "mo", "min", "sec", "\uff4d", "m ")


@st.composite
def duration_text(draw: Any) -> str:
    """``<amount><unit>`` terms: mostly in Prometheus' order, sometimes not; wrong units at times."""
    units = draw(st.lists(st.sampled_from(DURATION_UNITS), min_size=1, max_size=3, unique=True))
    if draw(st.integers(0, 3)):
        units.sort(key=DURATION_UNITS.index)
    if not draw(st.integers(0, 5)):
        units[-1] = draw(st.sampled_from(WRONG_DURATION_UNITS))
    return "".join(_digits(draw) + unit for unit in units)


@st.composite
def plain_duration(draw: Any) -> str:
    """What an operator types: one to three units in Prometheus' order, ordinary amounts."""
    units = sorted(draw(st.lists(st.sampled_from(DURATION_UNITS), min_size=1, max_size=3, unique=True)),
                   key=DURATION_UNITS.index)
    return "".join(f"{draw(st.integers(1, 60) | st.integers(1, 10**4))}{unit}" for unit in units)


DURATIONS = st.one_of(
    plain_duration(),
    duration_text(),
    st.sampled_from(["0", "00", "0s", "0ms", "1ms", "1h30m", "1y2w3d4h5m6s7ms", "1h1h", "1s1m",
                     "1.5h", "-1s", "+1s", "1", "m", "", " 1m", "1m ", "1 m", "1m\n", "1m\x85",
                     "1m\u2028", "292y", "293y", "106751d", "106752d", "9223372036854ms",
                     "9223372036855ms", "15250w", "15251w"]),
    GARBAGE_TEXT,
)

SIZE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB", "EB")
WRONG_SIZE_UNITS = ("", "b", "kb", "kB", "Kb", "KiB", "MiB", "GiB", "K", "k", "M", "G", "iB", "ZB", "YB", " GB")


@st.composite
def size_text(draw: Any) -> str:
    unit = draw(st.sampled_from(SIZE_UNITS) if draw(st.integers(0, 4)) else st.sampled_from(WRONG_SIZE_UNITS))
    return _digits(draw) + unit


SIZES = st.one_of(st.builds(lambda n, u: f"{n}{u}", st.integers(1, 10**4), st.sampled_from(SIZE_UNITS)),
                  size_text(), st.sampled_from(["", "0B", "1.5GB", "-1GB", "8EB", "7EB", "8191PB", "8192PB",
                                                "9223372036854775807B", "9223372036854775808B", "50GB\n"]),
                  GARBAGE_TEXT)

INTS = st.one_of(st.integers(1, 10**5), st.integers(-2, 2 * 10**6), st.sampled_from(BORDER_INTS),
                 st.integers(-(2**64), 2**64), st.sampled_from([-1, -(2**63), -(2**63) - 1]), WRONG_TYPES)
BOOLS = st.one_of(st.booleans(), st.booleans(), WRONG_TYPES)

LOG_LEVELS = st.one_of(
    st.sampled_from(["debug", "info", "warn", "error", "DEBUG", "Info", " warn ", "fatal", "warning", "trace",
                     "panic", "", "  ", "debug\n", "info\x85", "warn\u2028", "\uff24\uff25\uff22\uff35\uff27"]),
    st.none(), GARBAGE_TEXT)

_HOSTS = ("example.com", "prometheus.example.com", "127.0.0.1", "[::1]", "localhost", "a-b.c",
          "xn--bcher-kva.example", "ä.example", "a_b", "[fe80::1%25eth0]", "1.2.3.4.5", "a..b")
_PORTS = ("", "", ":80", ":9090", ":65535", ":0", ":65536", ":99999", ":", ":x", ":-1")
_PATHS = ("", "", "/", "/prom", "/prom/", "/a/b", "/%41", "/a%2Fb", "/ä", "/a//b", "/~u", "/a;b",
          "/a:b", "/!$&()*+,;=", "/'", "/\"", "/%", "/%zz", "/a\\b", "/<>", "/`^|", "/{x}", "/a\x85")
URLS = st.one_of(
    st.builds(lambda s, h, p, q: s + "://" + h + p + q, st.sampled_from(["http", "https", "HTTP", "ftp", "Https"]),
              st.sampled_from(_HOSTS), st.sampled_from(_PORTS), st.sampled_from(_PATHS)),
    st.sampled_from(["http://[", "http://a{b}", "http://a/%zz", "http://", "http:///x", "//a", "http://a b",
                     "http://a\n", "http://a\u2028", "http://[::1", "http://a]", "http://%41", "'http://a'",
                     "http://a/'", "http://u:p@a", "http://a?x", "http://a#f", "", " http://a ", "http:/a"]),
    st.builds(lambda s, rest: s + rest, st.sampled_from(["http://", "https://"]), GARBAGE_TEXT),
    st.none(), GARBAGE_TEXT)

TEXTS = st.one_of(
    st.text(max_size=60), _tricky_text, st.none(),
    st.sampled_from(["", "  padded  ", "Ops' \"Prometheus\" & co", "\u00a0nbsp", "/starts/with/slash",
                     "title\x85", "title\u2028", "title\n", "$HOME", "%s", "-x", "--flag"]),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "\U0001f600"]),
              st.sampled_from([1000, ARG_MAX_BYTES - 40, 2**20])))

_LABEL_NAMES = st.one_of(st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True),
                         st.sampled_from(["__x", "__name__", "a.b", "1a", "", "ä", "a-b", "job", "le"]),
                         st.text(max_size=5))
_LABEL_VALUES = st.one_of(st.text(max_size=20), _tricky_text,
                          st.sampled_from(["", "$HOME", "${x}", "$$", "a\x85", "a\u2028", "a\n", "ok"]))


def _json_labels(labels: Dict[str, str], ascii_only: bool) -> str:
    return json.dumps(labels, ensure_ascii=ascii_only)


EXTERNAL_LABELS = st.one_of(
    st.builds(_json_labels, st.dictionaries(_LABEL_NAMES, _LABEL_VALUES, max_size=3), st.booleans()),
    st.sampled_from(["{}", " {} ", "", "  ", "[]", "1", '"a"', "null", "{", '{"a": 1}', '{"a": null}',
                     '{"a": true}', '{"a": {"b": "c"}}', '{"a": "1", "a": "2"}', '{"a": NaN}',
                     '{"a": "\\ud800"}', '{"a": "b\\u0000"}', '{"a": "b\\u2028"}', '{"\\u0061": "b"}']),
    st.none(), GARBAGE_TEXT)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _pem_cases(pem: str, other: str, marker: str) -> List[str]:
    end = marker.replace("BEGIN", "END")
    body = pem.splitlines()
    return [pem, _b64(pem), pem.replace("\n", "\r\n"), pem + pem, "  " + pem + "  ", marker,
            marker + "\n" + end + "\n", "\n".join(body[:3] + body[-1:]) + "\n", pem.replace("M", "N", 3),
            pem + "trailing garbage", other, _b64(other), _b64("not pem"), "AAAA", "!!!!", "", "  "]


CERTIFICATES = st.one_of(
    st.sampled_from(_pem_cases(CERT_PEM, KEY_PEM, "-----BEGIN CERTIFICATE-----") + [RENEWED_CERT_PEM]),
    st.builds(lambda t: "-----BEGIN CERTIFICATE-----" + t, GARBAGE_TEXT), st.none(), GARBAGE_TEXT)
PRIVATE_KEYS = st.one_of(
    st.sampled_from(_pem_cases(KEY_PEM, CERT_PEM, "-----BEGIN PRIVATE KEY-----")
                    + ["-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----"]),
    st.builds(lambda t: "-----BEGIN PRIVATE KEY-----" + t, GARBAGE_TEXT), st.none(), GARBAGE_TEXT)

HOOKS = st.one_of(st.sampled_from(["", "*", "config-changed", "config-changed,update-status", " install , start ",
                                   "Config-Changed", "a_b", ",", "*,*", "-x", "start\n", "start\x85"]),
                  st.none(), GARBAGE_TEXT)
PORTS = st.one_of(st.integers(1024, 65535),
                  st.sampled_from([1023, 1024, 4444, 65535, 65536, 0, -1, INT64, 2**63]), INTS)

# The Ingress host becomes the host of the derived --web.external-url, its path the route prefix.
_LABELS = st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?\Z")
HOSTNAMES = st.one_of(
    st.builds(".".join, st.lists(_LABELS, min_size=1, max_size=4)),
    st.sampled_from(["prometheus.example.com", "*.example.com", "Prometheus.example.com", "1.2.3.4", "a..b",
                     "a_b.c", "a" * 63 + ".b", "a" * 64 + ".b", "xn--bcher-kva.example", "bücher.example", "",
                     " prom.example.com ", "prom.example.com:443", "[::1]", "-a.b", "a.b.", "*"]),
    st.none(), GARBAGE_TEXT)
INGRESS_CLASSES = st.one_of(st.sampled_from(["", "nginx", "public", "Nginx", "a_b", "a" * 253, "a" * 254]),
                            st.none(), GARBAGE_TEXT)
INGRESS_PATHS = st.one_of(
    st.builds("/{}".format, st.text(st.sampled_from("ab0-._~/"), max_size=12)),
    st.sampled_from(["", "/", "/prom", "/prom/", "prom", "//", "/a//b", "/a/./b", "/a/..", "/a%2fb", "/a b",
                     "/a?b", "/é", "/a(.*)"]),
    st.none(), GARBAGE_TEXT)

STRATEGIES: Dict[str, "st.SearchStrategy[Any]"] = {
    "log-level": LOG_LEVELS,
    "web-max-connections": INTS,
    "web-read-timeout": DURATIONS,
    "web-external-url": URLS,
    "web-enable-admin-api": BOOLS,
    "web-page-title": TEXTS,
    "tsdb-retention-time": st.one_of(DURATIONS, st.none()),
    "tsdb-retention-size": st.one_of(SIZES, st.none()),
    "tsdb-wal-compression": BOOLS,
    "alertmanager-notification-queue-capacity": INTS,
    "alertmanager-timeout": DURATIONS,
    "external-labels": EXTERNAL_LABELS,
    "monitor-k8s": BOOLS,
    "scrape-interval": DURATIONS,
    # within the default scrape-interval (1m), or it is refused for being longer
    "scrape-timeout": st.one_of(st.builds("{}{}".format, st.integers(1, 60), st.sampled_from(["s", "ms"])), DURATIONS),
    "evaluation-interval": DURATIONS,
    "ssl_cert": CERTIFICATES,
    "ssl_key": PRIVATE_KEYS,
    "enforce-pod-restart": BOOLS,
    "debug-at": HOOKS,
    "debug-port": PORTS,
    "ingress-hostname": HOSTNAMES,
    "ingress-class": INGRESS_CLASSES,
    "ingress-path": INGRESS_PATHS,
    "ingress-tls-cert": CERTIFICATES,
    "ingress-tls-key": PRIVATE_KEYS,
}
"""One strategy per option of config.yaml but ``alert-rules`` (tests/e2e/test_rules_promtool.py)."""

BATCHES = st.fixed_dictionaries(STRATEGIES)
"""A batch: one value for every option, judged each on its own by the charm."""

HUGE = "9" * 4301
NAMED: List[Dict[str, Any]] = [
    {"web-read-timeout": "\uff11m", "scrape-interval": "\u0661\u0665s", "evaluation-interval": "\uff11\u0665s",
     "tsdb-retention-size": "9223372036854775808B", "web-max-connections": INT64,
     "alertmanager-notification-queue-capacity": 1_000_000_000_000, "web-external-url": "http://[",
     "web-page-title": "Prometheus\x85", "external-labels": '{"region": "eu\x85"}',
     "ssl_cert": "-----BEGIN CERTIFICATE-----", "tsdb-retention-time": HUGE + "ms"},
    {"alertmanager-timeout": "\uff11m", "scrape-timeout": "\u0661s", "tsdb-retention-time": "\u0661\u0665d",
     "tsdb-retention-size": "8EB", "web-max-connections": 2**63,
     "alertmanager-notification-queue-capacity": 2**63, "web-external-url": "http://a{b}",
     "web-page-title": "Prometheus\u2028", "external-labels": '{"region": "eu\u2028"}',
     "ssl_key": "-----BEGIN PRIVATE KEY-----", "web-read-timeout": HUGE + "s"},
    {"web-external-url": "http://a/%zz", "web-page-title": "Prometheus\n", "external-labels": '{"region": "eu\\n"}',
     "tsdb-retention-size": HUGE + "B", "scrape-interval": HUGE + "s", "debug-port": 2**63,
     "ssl_cert": "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
     "ssl_key": "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"},
    {"web-external-url": "http://a/'", "web-page-title": "a" * (ARG_MAX_BYTES - 16), "web-max-connections": 0,
     "alertmanager-notification-queue-capacity": 0, "web-read-timeout": "0s", "tsdb-retention-time": "0s",
     "external-labels": '{"a.b": "c", "cluster": "$HOME"}', "log-level": "fatal"},
]
"""The values issue 10 names (and a few of their neighbours), as batches of the test's examples."""
