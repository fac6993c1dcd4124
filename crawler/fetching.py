"""Fetching single pages outside Scrapy (``pantau extract URL``) under the crawl's own rules.

Every connection, redirects included, goes through :func:`guarded_socket`, which resolves the host and
connects only to an address :func:`crawler.addresses.refusal` allows (no loopback, private or link-local
address, whatever the spelling, unless its ``host:port`` is explicitly allowed), to the very address it
checked; bodies are read up to a size limit. :func:`looks_like_html` tells a page from a PDF, an image or a
text file before the extractor is asked to make an article of it.
"""

from __future__ import annotations

import functools
import http.client
import re
import socket
import urllib.error
import urllib.request
from typing import Any

from crawler.addresses import Endpoint, refusal

_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|main|section|span|h[1-6]|"
                       rb"script|link|table|header|nav|a)\b", re.I)


class AddressRefused(OSError):
    """Every address of a host was refused by the address rule; ``str()`` says why."""


def looks_like_html(data: bytes | str, sample: int = 65536) -> bool:
    """True when the start of ``data`` has HTML tags and no NUL bytes (binary files have them)."""
    head = data[:sample].encode("utf-8", "replace") if isinstance(data, str) else data[:sample]
    return b"\x00" not in head[:4096] and _HTML_TAG.search(head) is not None


def guarded_socket(host: str, port: int, timeout: float | None, allowed: set[Endpoint]) -> socket.socket:
    """A socket connected to an allowed address of ``host:port``, or :class:`AddressRefused`."""
    reasons = []
    last_error: OSError | None = None
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        reason = refusal(host, port, address[0], allowed)
        if reason:
            reasons.append(reason)
            continue
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            sock.connect(address)  # the address just checked: no second lookup to race
            return sock
        except OSError as error:
            sock.close()
            last_error = error
    if last_error is not None:
        raise last_error
    raise AddressRefused(reasons[0] if reasons else f"{host} has no address")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, allowed: set[Endpoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def connect(self) -> None:
        self.sock = guarded_socket(self.host, self.port, self.timeout, self.allowed)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, allowed: set[Endpoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def connect(self) -> None:
        sock = guarded_socket(self.host, self.port, self.timeout, self.allowed)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allowed: set[Endpoint]) -> None:
        super().__init__()
        self.allowed = allowed

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTPConnection, allowed=self.allowed), req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allowed: set[Endpoint]) -> None:
        super().__init__()
        self.allowed = allowed

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTPSConnection, allowed=self.allowed), req,
                            context=self._context)


def guarded_opener(allowed: set[Endpoint]) -> urllib.request.OpenerDirector:
    """A urllib opener whose every connection (redirects too) passes :func:`guarded_socket`."""
    return urllib.request.build_opener(_GuardedHTTPHandler(allowed), _GuardedHTTPSHandler(allowed))


def reason_of(error: urllib.error.URLError) -> str:
    reason = error.reason
    return str(reason) if isinstance(reason, AddressRefused | str) else (str(reason) or type(reason).__name__)
