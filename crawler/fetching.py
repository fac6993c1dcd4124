"""Fetching single pages outside Scrapy (``pantau extract URL``) under the crawl's own rules.

:class:`PageFetcher` applies the crawl's downloader settings (:func:`crawler.settings.crawl_settings`: the
User-Agent, robots.txt, retries on the same HTTP codes and network errors, the timeout, the body size limit, the
redirect limit) to a small urllib fetch rather than starting a one-URL Scrapy run: ``pantau extract`` fetches a
stream of inputs (JSON Lines on stdin) and, for each, follow-up pages chosen from the first page's HTML, while
Scrapy's Twisted reactor cannot be restarted in one process and a crawl costs about a second to start. robots.txt
is read with Protego, the parser Scrapy's ``RobotsTxtMiddleware`` uses, with the same User-Agent, so both answer
alike; like that middleware, a robots.txt that cannot be fetched allows everything.

Every connection, redirects included, goes through :func:`guarded_socket`, which resolves the host and
connects only to an address :func:`crawler.addresses.refusal` allows (no loopback, private or link-local
address, whatever the spelling, unless its ``host:port`` is explicitly allowed), to the very address it
checked; bodies are read up to a size limit. :func:`looks_like_html` tells a page from a PDF, an image or a
text file before the extractor is asked to make an article of it.
"""

from __future__ import annotations

import dataclasses
import functools
import http.client
import logging
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

from crawler.addresses import Endpoint, refusal

logger = logging.getLogger(__name__)

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


class FetchError(OSError):
    """A URL could not be fetched; ``str(error)`` is one line naming the URL and the reason."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as 3xx errors: :class:`PageFetcher` follows them itself, each hop under robots.txt
    and the address rule (as Scrapy's redirect middleware sends each hop through the downloader again)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclasses.dataclass(frozen=True)
class FetchRules:
    """The crawl's downloader settings that a single fetch obeys."""

    user_agent: str
    timeout: float
    retry_times: int
    retry_http_codes: frozenset[int]
    max_size: int
    max_redirects: int
    obey_robots: bool

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], timeout: float | None = None) -> FetchRules:
        return cls(user_agent=settings["USER_AGENT"],
                   timeout=float(timeout if timeout is not None else settings["DOWNLOAD_TIMEOUT"]),
                   retry_times=int(settings["RETRY_TIMES"]),
                   retry_http_codes=frozenset(int(code) for code in settings["RETRY_HTTP_CODES"]),
                   max_size=int(settings["DOWNLOAD_MAXSIZE"]),
                   max_redirects=int(settings["REDIRECT_MAX_TIMES"]),
                   obey_robots=bool(settings["ROBOTSTXT_OBEY"]))


@dataclasses.dataclass(frozen=True)
class FetchedPage:
    body: bytes
    url: str  # where the body finally came from, after redirects
    attempts: int


_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class PageFetcher:
    """Fetches pages one at a time under :class:`FetchRules` and the address rule; robots.txt is read once per
    site and kept for the life of the fetcher."""

    def __init__(self, rules: FetchRules, allowed: Iterable[Endpoint] = ()) -> None:
        self.rules = rules
        self.allowed = set(allowed)
        self._opener = urllib.request.build_opener(_GuardedHTTPHandler(self.allowed),
                                                   _GuardedHTTPSHandler(self.allowed), _NoRedirects())
        # "scheme://netloc" -> (parsed robots.txt, its text), or None when it could not be fetched (allows all)
        self._robots: dict[str, tuple[Any, str] | None] = {}

    def fetch(self, url: str) -> FetchedPage:
        """The body of ``url``, or :class:`FetchError` whose message names ``url`` and the reason."""
        current = url
        for _ in range(self.rules.max_redirects + 1):
            self._check_robots(url, current)
            status, location, body, attempts = self._get(url, current)
            if status in _REDIRECT_CODES:
                if not location:
                    raise FetchError(f"could not fetch {url}: HTTP {status} redirect without a Location")
                current = urllib.parse.urljoin(current, location)
                if urllib.parse.urlsplit(current).scheme not in ("http", "https"):
                    raise FetchError(f"could not fetch {url}: redirected to {current:.200}, not an http(s) URL")
                continue
            return FetchedPage(body, current, attempts)
        raise FetchError(f"could not fetch {url}: more than {self.rules.max_redirects} redirects")

    def _get(self, url: str, current: str) -> tuple[int, str | None, bytes, int]:
        """One GET of ``current``, retried like the crawl's RetryMiddleware: on its HTTP codes and on network
        errors (timeouts, refused connections, failed lookups), never on a refused address."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._get_once(current) + (attempts,)
            except _Retryable as problem:
                if attempts > self.rules.retry_times:
                    where = "" if current == url else f" (redirected to {current})"
                    tries = f" after {attempts} attempts" if attempts > 1 else ""
                    raise FetchError(f"could not fetch {url}{where}: {problem}{tries}") from None
                logger.info("retrying %s (%s), attempt %d", current, problem, attempts + 1)
            except AddressRefused as error:
                raise FetchError(f"could not fetch {url}: {error}") from None

    def _get_once(self, url: str) -> tuple[int, str | None, bytes]:
        request = urllib.request.Request(url, headers={"User-Agent": self.rules.user_agent,
                                                       "Accept": "text/html,*/*;q=0.8"})
        try:
            with self._opener.open(request, timeout=self.rules.timeout) as response:
                return response.status, None, self._read(url, response)
        except urllib.error.HTTPError as error:
            with error:
                if error.code in _REDIRECT_CODES:
                    return error.code, error.headers.get("Location"), b""
                if error.code in self.rules.retry_http_codes:
                    raise _Retryable(f"HTTP {error.code} {error.reason}") from None
                raise FetchError(f"could not fetch {url}: HTTP {error.code} {error.reason}") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, AddressRefused):
                raise error.reason from None
            raise _Retryable(_network_reason(error.reason)) from None
        except (TimeoutError, http.client.HTTPException, ConnectionError) as error:
            raise _Retryable(_network_reason(error)) from None

    def _read(self, url: str, response: Any) -> bytes:
        body = response.read(self.rules.max_size + 1)
        if len(body) > self.rules.max_size:
            raise FetchError(f"could not fetch {url}: the page is larger than {self.rules.max_size} bytes "
                             "(DOWNLOAD_MAXSIZE)")
        return body

    def _check_robots(self, url: str, current: str) -> None:
        if not self.rules.obey_robots:
            return
        parts = urllib.parse.urlsplit(current)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            self._robots[site] = self._read_robots(site)
        robots = self._robots[site]
        if robots is None or robots[0].can_fetch(current, self.rules.user_agent):
            return
        rule = robots_rule(robots[1], current, self.rules.user_agent)
        where = "" if current == url else f" (redirected to {current})"
        raise FetchError(f"could not fetch {url}{where}: refused by {site}/robots.txt ({rule}); Pantau's crawls "
                         "obey it too (save the page from a browser and run pantau extract PAGE.html --url URL)")

    def _read_robots(self, site: str) -> tuple[Any, str] | None:
        from protego import Protego

        try:
            page = PageFetcher(dataclasses.replace(self.rules, obey_robots=False), self.allowed).fetch(
                site + "/robots.txt")
        except FetchError as error:
            logger.info("no robots.txt rules for %s: %s", site, error)
            return None
        text = page.body.decode("utf-8", "replace")
        return Protego.parse(text), text


class _Retryable(Exception):
    """A failure the crawl's RetryMiddleware would retry; ``str()`` is the reason."""


def _network_reason(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(error, socket.gaierror):
        return f"cannot resolve the host ({error.strerror or error})"
    text = getattr(error, "strerror", None) or str(error)
    return text or type(error).__name__


def robots_rule(robots_text: str, url: str, user_agent: str) -> str:
    """The ``Disallow:`` line of ``robots_text`` that refuses ``url`` (the longest that matches, as robots.txt
    precedence goes), for the refusal message; each line is tried through Protego alone, so patterns with ``*``
    and ``$`` read as Protego reads them."""
    from protego import Protego

    matches = []
    for line in robots_text.splitlines():
        field, _, value = line.split("#", 1)[0].partition(":")
        value = value.strip()
        if field.strip().lower() == "disallow" and value:
            if not Protego.parse(f"User-agent: *\nDisallow: {value}\n").can_fetch(url, user_agent):
                matches.append(value)
    if not matches:
        return "its rules for this User-Agent"
    return f"Disallow: {max(matches, key=len)}"
