"""The parts of Go's ``net/url.Parse`` that decide whether an http(s) URL's host and path pass. Pure.

Mirrors golang/go src/net/url/url.go (``parseHost``, ``unescape``, ``shouldEscape``,
``validOptionalPort``) and src/net/netip/netip.go (``ParseAddr``, ``parseIPv6``) on the bytes
of the text, as Go reads them. Where Go releases differ, the stricter one is followed, so what
passes here passes every Prometheus image: since Go 1.25.2 and 1.24.8 (CVE-2025-47912)
``parseHost`` refuses a ``[`` anywhere but at the start of the host and brackets around
anything but an IPv6 address; the Go 1.19 of Debian's Prometheus 2.42 took ``http://[1.2.3.4]/``
and ``http://a[/``, the Go of Debian's 3.5 refuses them.
"""

from typing import Optional

from domain.errors import InvalidValue

_HEX = b"0123456789abcdefABCDEF"
_ALNUM = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# shouldEscape(c, encodeHost) is false for these ASCII bytes: unreserved, sub-delims, and
# ":" "[" "]" "<" ">" '"', which Go adds for host:port, IP-literals and compatibility.
_HOST_BYTES = frozenset(_ALNUM + b"-._~!$&'()*+,;=:[]<>\"")


def unescape(raw: bytes, host: bool = False, zone: bool = False) -> bytes:
    """``raw`` with its %XX escapes decoded; ``InvalidValue`` where Go's ``unescape`` fails.

    In a host (``host``) only bytes >= 0x80 may be escaped, and %25; unescaped ASCII must be
    a host byte. In an IPv6 zone (``zone``) an escape must stand for a host byte or a space.
    """
    out = bytearray()
    index = 0
    while index < len(raw):
        byte = raw[index]
        if byte == ord("%"):
            pair = raw[index + 1 : index + 3]
            if len(pair) < 2 or pair[0] not in _HEX or pair[1] not in _HEX:
                raise InvalidValue("has a '%' not followed by two hex digits")
            value = int(pair, 16)
            if host and value < 0x80 and pair != b"25":
                raise InvalidValue("escapes an ASCII character in the host (only %25 and non-ASCII may be)")
            if zone and pair != b"25" and value != 0x20 and value < 0x80 and value not in _HOST_BYTES:
                raise InvalidValue("escapes a character the IPv6 zone may not hold")
            out.append(value)
            index += 3
            continue
        if (host or zone) and byte < 0x80 and byte not in _HOST_BYTES:
            raise InvalidValue(f"has the character {chr(byte)!r}, which a host may not hold")
        out.append(byte)
        index += 1
    return bytes(out)


def valid_optional_port(port: bytes) -> bool:
    """Go's ``validOptionalPort``: empty, or ':' and ASCII digits (any number, even none)."""
    return not port or (port[:1] == b":" and all(0x30 <= b <= 0x39 for b in port[1:]))


def _ipv4(text: bytes) -> bool:
    """netip's ``parseIPv4``: four decimal fields, none over 255, none with a leading zero."""
    fields = text.split(b".")
    return len(fields) == 4 and all(
        field and field.isdigit() and len(field) <= 3 and not (len(field) > 1 and field[:1] == b"0")
        and int(field) <= 255 for field in fields
    )


def _hex_field(text: bytes) -> bool:
    """A colon-separated IPv6 field: hex digits (leading zeros free) worth less than 2^16."""
    return bool(text) and all(b in _HEX for b in text) and int(text.lstrip(b"0") or b"0", 16) <= 0xFFFF


def is_ipv6(text: bytes) -> bool:
    """Whether netip's ``ParseAddr`` reads ``text`` as an IPv6 address (zone allowed, IPv4 not)."""
    first = next((b for b in text if b in b".:%"), None)
    if first != ord(":"):  # ParseAddr: '.' first is IPv4, '%' first or none is an error
        return False
    address, percent, zone = text.partition(b"%")
    if percent and not zone:
        return False
    head, ellipsis, tail = address.partition(b"::")
    if b"::" in tail:
        return False
    before = head.split(b":") if head else []
    after = tail.split(b":") if tail else []
    # An embedded IPv4 address ends the address and takes its last two fields.
    last = after if ellipsis else before
    width = len(before) + len(after)
    if last and b"." in last[-1]:
        if not _ipv4(last.pop()):
            return False
        width += 1
    if not all(_hex_field(group) for group in before + after):
        return False
    return width < 8 if ellipsis else width == 8


def host_error(authority: bytes) -> Optional[str]:
    """Why Go's ``parseHost`` refuses ``authority`` (host[:port], no user info), or None."""
    bracket = authority.rfind(b"[")
    if bracket > 0:
        return "has a '[' that does not open an IPv6 address"
    try:
        if bracket == 0:
            close = authority.rfind(b"]")
            if close < 0:
                return "has a '[' without its ']'"
            if not valid_optional_port(authority[close + 1:]):
                return "has something other than a :port after its ']'"
            inside = authority[1:close]
            zone_at = inside.find(b"%25")
            address = unescape(inside, host=True) if zone_at < 0 else (
                unescape(inside[:zone_at], host=True) + unescape(inside[zone_at:], zone=True))
            return None if is_ipv6(address) else "has brackets around something that is not an IPv6 address"
        colon = authority.rfind(b":")
        if colon >= 0 and not valid_optional_port(authority[colon:]):
            return "has a port that is not a number"
        unescape(authority, host=True)
    except InvalidValue as err:
        return str(err)
    return None
