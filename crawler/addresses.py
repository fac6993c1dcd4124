"""Which network addresses a crawl may connect to: the rule behind Pantau's SSRF guard (issues #17, #21).

Pure: no Scrapy, no sockets. A news site's links and redirects must never make the crawler reach the
operator's own network, so every address a connection is about to use — after the resolver turned the host
into an address, whatever spelling the host had (``2130706433``, ``127.1``, ``0x7f000001``, ``0177.0.0.1``,
``[::ffff:127.0.0.1]``, a name that resolves to loopback) — is checked here, and anything not globally routable
is refused, except the sources' own configured hosts on their own ports (an intranet portal, the demo site on
loopback: the operator's explicit choice). :func:`numeric_host` reads the numeric spellings the way the C
library's ``inet_aton`` does, so that a request can be refused before it is even scheduled.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

Endpoint = tuple[str, int]  # (lower-case host as written in the URL, port)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}


def url_endpoint(url: str) -> Endpoint | None:
    """``(host, port)`` of an http(s) URL, the port made explicit; None when the URL has neither."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.scheme.lower() not in _DEFAULT_PORTS:
        return None
    return host, port if port is not None else _DEFAULT_PORTS[parts.scheme.lower()]


def source_endpoints(urls: Iterable[str]) -> set[Endpoint]:
    """The endpoints of a source's configured URLs (home page, sitemaps, feeds, listing pages)."""
    return {endpoint for url in urls if (endpoint := url_endpoint(url)) is not None}


def _inet_aton_part(text: str) -> int:
    if text[:2].lower() == "0x":
        return int(text[2:] or "0", 16)
    if len(text) > 1 and text.startswith("0"):
        return int(text[1:], 8)
    return int(text, 10)


def numeric_host(host: str) -> IPAddress | None:
    """The address a numeric host stands for, in any spelling ``inet_aton``/``getaddrinfo`` accept; else None."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if not host:
        return None
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    try:
        values = [_inet_aton_part(part) for part in parts]
    except ValueError:
        return None
    # a, a.b (b: 24 bits), a.b.c (c: 16 bits), a.b.c.d: inet_aton's classful forms
    *leading, last = values
    if any(not 0 <= value <= 255 for value in leading) or not 0 <= last < 256 ** (5 - len(values)):
        return None
    number = 0
    for value in leading:
        number = number * 256 + value
    number = number * 256 ** (5 - len(values)) + last
    return ipaddress.IPv4Address(number) if number < 2 ** 32 else None


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address is judged by its IPv4 part)."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public(mapped)
    return address.is_global and not address.is_multicast


def refusal(host: str, port: int, address: IPAddress | str, own_endpoints: set[Endpoint]) -> str | None:
    """Why connecting to ``address`` for ``host:port`` is refused, or None when it is allowed."""
    if isinstance(address, str):
        try:
            address = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"refused: {host} resolved to {address!r}, which is not an IP address"
    if is_public(address):
        return None
    if (host.lower().rstrip("."), port) in own_endpoints:
        return None
    return (f"refused: {host}:{port} is (or resolves to) the non-public address {address}; only a source's own "
            "configured host and port may be on a private network")
