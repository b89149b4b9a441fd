"""alertmanager-dispatch: each Alertmanager unit's bag, v1 (``url``) and v0 (``public_address`` +
``scheme``), read into targets; hostile values dropped alone with the reason."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.facts import AlertmanagerTarget
from domain.relations.alertmanager_dispatch import MAX_URL_BYTES, parse_url, read
from domain.relations.data import Bag, Relation


def relation(*units, rid=7):
    bags = tuple(Bag.of(f"alertmanager/{i}", data) for i, data in enumerate(units))
    return Relation("alertmanager-dispatch", rid, "alertmanager", Bag("alertmanager"), bags)


def one(data):
    found = read(relation(data))
    assert len(found.targets) + len(found.dropped) <= 1
    return found.targets[0] if found.targets else (found.dropped[0].reason if found.dropped else None)


def test_v1_url_in_cluster():
    url = "http://alertmanager-0.alertmanager-endpoints.lma.svc.cluster.local:9093"
    assert one({"url": url}) == AlertmanagerTarget(
        "alertmanager-0.alertmanager-endpoints.lma.svc.cluster.local", 9093, "http", "/")


def test_v1_url_with_a_path_prefix_and_default_port():
    assert one({"url": "https://am.example.com/alerts/"}) == AlertmanagerTarget(
        "am.example.com", 443, "https", "/alerts")


def test_v0_public_address_with_and_without_scheme():
    assert one({"public_address": "10.1.2.3:9093"}) == AlertmanagerTarget("10.1.2.3", 9093)
    assert one({"public_address": "am.lma.svc:9093/x", "scheme": "HTTPS"}) == AlertmanagerTarget(
        "am.lma.svc", 9093, "https", "/x")


def test_v1_wins_over_v0_as_the_real_consumer_reads_it():
    both = {"url": "http://am-0.lma.svc:9093", "public_address": "10.9.9.9:9093", "scheme": "http"}
    assert one(both) == AlertmanagerTarget("am-0.lma.svc", 9093)


def test_a_bad_url_is_not_rescued_by_v0():
    assert "is not an Alertmanager URL" in one({"url": "ftp://x", "public_address": "10.0.0.1:9093"})


def test_a_unit_without_data_is_skipped_without_a_note():
    found = read(relation({}, {"scheme": "https"}))
    assert found.targets == () and found.dropped == ()


def test_unreadable_bag_is_dropped_with_the_reason():
    rel = Relation("alertmanager-dispatch", 1, "am", Bag("am"), (Bag("am/0", (), unreadable="permission denied"),))
    assert [d.reason for d in read(rel).dropped] == ["permission denied"]


def test_several_units_and_a_bad_one_dropped_alone():
    found = read(relation({"url": "http://am-0:9093"}, {"url": "http://user:pw@am-1:9093"},
                          {"public_address": "am-2:9093"}))
    assert [t.host for t in found.targets] == ["am-0", "am-2"]
    assert [(d.relation, d.owner) for d in found.dropped] == [("alertmanager-dispatch:7", "alertmanager/1")]


@pytest.mark.parametrize("data, expected", [
    ({"url": "http://[::1]:9093"}, AlertmanagerTarget("[::1]", 9093)),
    ({"url": "http://[2001:DB8:0:0::1]:9093"}, AlertmanagerTarget("[2001:db8::1]", 9093)),
    ({"public_address": "[fd00::5]:9093"}, AlertmanagerTarget("[fd00::5]", 9093)),
    ({"url": "HTTP://AM-0.Example.COM:9093"}, AlertmanagerTarget("am-0.example.com", 9093)),
    ({"url": "http://127.0.0.1:1"}, AlertmanagerTarget("127.0.0.1", 1)),
    ({"url": "http://am:65535//"}, AlertmanagerTarget("am", 65535, "http", "/")),
    ({"url": "http://am:09093/a/b-c_d~e"}, AlertmanagerTarget("am", 9093, "http", "/a/b-c_d~e")),
])
def test_accepted(data, expected):
    assert one(data) == expected


@pytest.mark.parametrize("data, reason", [
    ({"url": "http://user:pw@am:9093"}, "without credentials"),
    ({"url": "http://user@am:9093"}, "without credentials"),
    ({"url": "http://am:9093/?token=1"}, "without credentials, query"),
    ({"url": "http://am:9093/#x"}, "without credentials, query"),
    ({"url": "http://am:0"}, "port 0 is out of range"),
    ({"url": "http://am:65536"}, "port 65536 is out of range"),
    ({"url": "http://am:99999"}, "port 99999 is out of range"),
    ({"url": "http://am:123456"}, "expected http(s)://"),
    ({"url": "http://am:-1"}, "expected http(s)://"),
    ({"url": "http://am:"}, "expected http(s)://"),
    ({"url": "http://am:\uff19\uff10\uff19\uff13"}, "expected http(s)://"),  # fullwidth digits
    ({"url": "http://am :9093"}, "not a DNS name"),
    ({"url": "http://am\n.evil:9093"}, "not a DNS name"),
    ({"url": "http://am:9093/a\x00b"}, "need escaping"),
    ({"url": "http://am:9093/a%2fb"}, "need escaping"),
    ({"url": "http://am:9093/a/../b"}, "'..' segments"),
    ({"url": "http://[::1%25eth0]:9093"}, "expected http(s)://"),
    ({"url": "http://[1.2.3.4]:9093"}, "is not an IPv6 address"),
    ({"url": "http://[::1:9093"}, "expected http(s)://"),
    ({"url": "http://1.2.3:9093"}, "not a DNS name"),
    ({"url": "http://2130706433:9093"}, "not a DNS name"),
    ({"url": "http://01.2.3.4:9093"}, "not a DNS name"),
    ({"url": "http://169.254.169.254:80"}, "link-local"),
    ({"url": "http://[fe80::1]:9093"}, "link-local"),
    ({"url": "http://[::ffff:169.254.169.254]:80"}, "link-local"),
    ({"url": "http://0.0.0.0:9093"}, "unspecified"),
    ({"url": "http://[::]:9093"}, "unspecified"),
    ({"url": "http://224.0.0.1:9093"}, "multicast"),
    ({"url": "http://" + "a" * 64 + ":9093"}, "not a DNS name"),
    ({"url": "https:///x"}, "expected http(s)://"),
    ({"url": "am:9093"}, "expected http(s)://"),
    ({"public_address": "am:9093", "scheme": "ftp"}, "scheme 'ftp' is not http or https"),
    ({"public_address": "http://am:9093"}, "expected http(s)://"),
    ({"public_address": "am:9093\r\n"}, "expected http(s)://"),
    ({"public_address": "am:9093/\r\n"}, "need escaping"),
])
def test_refused_with_the_reason(data, reason):
    found = one(data)
    assert isinstance(found, str), found
    assert reason in found
    assert ("url" in data) == found.startswith("url ")


def test_huge_values_are_refused_by_size_before_parsing_and_quoted_briefly():
    for key in ("url", "public_address"):
        found = one({key: "http://" + "a." * 500_000})
        assert found.startswith(f"{key} is ") and f"more than the {MAX_URL_BYTES} accepted" in found
    just_over = one({"url": "http://a/" + "b" * MAX_URL_BYTES})
    assert "more than" in just_over
    long_scheme = one({"public_address": "a:1", "scheme": "x" * 100_000})
    assert len(long_scheme) < 200


def test_hostile_hosts_take_no_time():
    started = time.monotonic()
    for text in ("a" * 2000, "a-" * 1000, ("a" * 62 + "-.") * 30, "1." * 1000):
        assert isinstance(one({"url": f"http://{text}:1"}), str)
    assert time.monotonic() - started < 1.0


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_never_raises(text):
    for data in ({"url": text}, {"public_address": text}, {"public_address": "a:1", "scheme": text},
                 {"url": f"http://{text}:9093"}):
        found = one(data)
        if isinstance(found, AlertmanagerTarget):
            # what is accepted is rendered as plain host:port and a path Prometheus joins as is
            assert all(c.isprintable() and c not in " /@?#" for c in found.address)
            assert found.path_prefix.startswith("/")


def test_parse_url_is_the_same_judge():
    assert parse_url("http://am:9093") == AlertmanagerTarget("am", 9093)
    assert parse_url("http://am:0") is None
