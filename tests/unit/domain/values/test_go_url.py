"""Go's net/url host rules and netip's IPv6 grammar, mirrored on bytes."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values.go_url import host_error, is_ipv6, unescape, valid_optional_port


@pytest.mark.parametrize("text", [
    "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::1.2.3.4",
    "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5::1.2.3.4", "fe80::1%en0", "FE80::ABCD", "00000001::",
    "::ffff:255.255.255.255",
])
def test_ipv6_addresses_netip_reads(text):
    assert is_ipv6(text.encode())


@pytest.mark.parametrize("text", [
    "", "1.2.3.4", "1", "%en0", "::1%", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::",
    "1::2::3", "1:::2", ":1::", "1::2:", "10000::", "::g", "1:2:3:4:5:6::1.2.3.4", "1:2:1.2.3.4::",
    "::01.2.3.4", "::1.2.3.256", "::1.2.3", "::1.2.3.4.5", "1.2::", "::\uff11",
])
def test_what_netip_refuses(text):
    assert not is_ipv6(text.encode())


@given(st.integers(0, 2**128 - 1))
def test_every_ipv6_address_in_its_usual_forms_is_read(number):
    address = ipaddress.IPv6Address(number)

    assert is_ipv6(address.compressed.encode())
    assert is_ipv6(address.exploded.encode())
    assert is_ipv6(f"{address.compressed}%eth0".encode())


@pytest.mark.parametrize("port, valid", [("", True), (":", True), (":80", True), (":99999999999", True),
                                         ("80", False), (":8a", False), (":\uff18\uff10", False), ("::80", False)])
def test_optional_port_is_a_colon_and_ascii_digits(port, valid):
    assert valid_optional_port(port.encode()) is valid


@pytest.mark.parametrize("raw, decoded", [
    (b"/a%7Eb", b"/a~b"), (b"/%2F", b"//"), (b"/%e2%82%ac", "/€".encode()), (b"/plain", b"/plain"),
])
def test_path_escapes_decode_to_bytes(raw, decoded):
    assert unescape(raw) == decoded


@pytest.mark.parametrize("raw", [b"%", b"%4", b"%zz", b"a%4g"])
def test_a_percent_needs_two_hex_digits(raw):
    with pytest.raises(InvalidValue, match="two hex digits"):
        unescape(raw)


@pytest.mark.parametrize("authority, problem", [
    ("example.com", None), ("example.com:443", None), ("[::1]:9090", None), ("a%25b", None),
    ("%C3%A9", None), ("[fe80::1%25en%30]", None),
    ("a{b}", "may not hold"), ("%41", "escapes an ASCII"), ("[fe80::1%25a%0Ab]", "IPv6 zone"),
    ("[::1", "without its ']'"), ("a[b", "does not open"), ("a:b", "not a number"),
])
def test_host_error_says_why_go_refuses_a_host(authority, problem):
    found = host_error(authority.encode())

    assert found is None if problem is None else problem in found
