"""web-external-url cases: what the charm makes of them and what each real Prometheus does.

Shared by the unit tests (tests/unit/domain/values/test_url.py) and the differential check against
the real binaries (tests/e2e/test_option_bounds.py). ``REFUSED`` says who refuses a URL: ``both``
generations' Go, only the Go of ``3`` (stricter IP-literals since Go 1.24.8/1.25.2), or only the
``charm`` (Prometheus starts, but the URL is no usable base for every endpoint).
"""

# URLs the charm accepts, with the route prefix Prometheus derives ("/" + strings.Trim(path, "/")),
# "" for the root. Both generations take every one.
ACCEPTED = [
    ("http://prom.example.com", ""),
    ("http://prom.example.com/", ""),
    ("https://prom.example.com/prom", "/prom"),
    ("https://prom.example.com/prom/", "/prom"),
    ("https://prom.example.com/prom///", "/prom"),
    ("http://10.0.0.1:9090/a/b/", "/a/b"),
    ("HTTPS://Prom.Example.COM/X", "/X"),  # Go lowercases the scheme
    ("http://[::1]/", ""),
    ("http://[::1]:9090/prom", "/prom"),
    ("http://[fe80::1%25en0]:80/x", "/x"),  # a zone, %25-escaped (RFC 6874)
    ("http://[::ffff:10.0.0.1]/", ""),
    ("http://a:/", ""),  # an empty port: Go's validOptionalPort takes it
    ("http://a:1:2/", ""),  # Go splits the port at the last colon
    ("http://a]/", ""),
    ("http://%C3%A9t%C3%A9.example/", ""),  # non-ASCII may be escaped in a host
    ("http://été.example/", ""),
    ("http://a'b/", ""),
    ("http://a<b>/", ""),
    ("http://a/%7Eprom/", "/~prom"),  # the prefix is the decoded path
    ("http://a/x%2Fy", "/x/y"),
    ("http://a/x@y:z/(1)/*,;=&$+!", "/x@y:z/(1)/*,;=&$+!"),
]

REFUSED = [
    # The URLs, refused by Go's url.Parse in both Prometheus generations:
    ("http://[", "without its ']'", "both"),
    ("http://a{b}", "which a host may not hold", "both"),
    ("http://a/%zz", "not followed by two hex digits", "both"),
    # more of Go's refusals
    ("http://a b/", "which a host may not hold", "both"),
    ("http://a|b/", "which a host may not hold", "both"),
    ("http://a\\b/", "which a host may not hold", "both"),
    ("http://%41/", "escapes an ASCII character", "both"),
    ("http://a%zzb/", "not followed by two hex digits", "both"),
    ("http://a:port/", "port that is not a number", "both"),
    ("http://a:\uff18\uff10/", "port that is not a number", "both"),
    ("http://[::1]x/", "other than a :port", "both"),
    ("http://[::1%eth0]/", "not followed by two hex digits", "both"),
    # refused by the Go of Prometheus 3.5 (CVE-2025-47912), taken by the Go 1.19 of 2.42
    ("http://[notipv6]/", "not an IPv6 address", "3"),
    ("http://[1.2.3.4]/", "not an IPv6 address", "3"),
    ("http://[]/", "not an IPv6 address", "3"),
    ("http://[::1]]/", "not an IPv6 address", "3"),
    ("http://[[::1]/", "does not open an IPv6 address", "3"),
    ("http://a[/", "does not open an IPv6 address", "3"),
    # computeExternalURL's own rule
    ("http://a/b'", "must not begin or end with quotes", "both"),
    ("'http://a/'", "must not begin or end with quotes", "both"),
    # what the charm needs: http(s), a host, a path usable as a route prefix
    ("prom.example.com", "not an http:// or https:// URL", "charm"),
    ("ftp://prom.example.com", "not an http:// or https:// URL", "charm"),
    ("http:a", "not an http:// or https:// URL", "charm"),
    ("http://", "not an http:// or https:// URL", "charm"),
    ("http:///x", "not an http:// or https:// URL", "charm"),
    ("http://:80/", "not an http:// or https:// URL", "charm"),
    ("http://user@host/", "user name or password", "charm"),
    ("http://host/?q", "must not have a query", "charm"),
    ("http://host/#top", "must not have a fragment", "charm"),
    ("http://a/b c", "need escaping", "charm"),
    ("http://a/b%20c", "need escaping", "charm"),
    ("http://a/%25", "need escaping", "charm"),
    ("http://a/été", "need escaping", "charm"),
    ("http://a//prom", "empty, '.' or '..' segment", "charm"),
    ("http://a/x/../y", "empty, '.' or '..' segment", "charm"),
    ("http://a/./y", "empty, '.' or '..' segment", "charm"),
    ("http://a/x\u2028", "control characters", "charm"),
]
