"""Serves one demo outlet over HTTP: a ``ThreadingHTTPServer`` in a background thread on its own loopback
address, moving the bytes of :meth:`Outlet.handle` responses. A response with a delay (the faulty outlet's
hanging page) waits in small steps so that :meth:`OutletServer.stop` ends it promptly. Outlets that send
validators (``Outlet.validators``) get an ETag (a hash of the body) and/or a Last-Modified (the story's modified
or publication time) on their pages, and conditional requests that match are answered ``304 Not Modified``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from crawler.demo.outlet import Outlet, Response

logger = logging.getLogger(__name__)


def can_bind(host: str) -> bool:
    """Whether this machine lets us listen on ``host`` (Linux routes all of 127/8 to loopback; macOS does not)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
        return True
    except OSError:
        return False


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True  # a hanging request must not keep the process alive
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - signature from socketserver
        # Clients that give up (a crawler's timeout on the hanging page) reset the connection; not an error here.
        logger.debug("demo server: connection from %s ended abruptly", client_address)


class OutletServer:
    """One outlet on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, outlet: Outlet, host: str, port: int = 0) -> None:
        self.outlet = outlet
        self.host, self.requested_port = host, port
        self.stopping = threading.Event()
        self.httpd: _QuietServer | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> OutletServer:
        handler = _handler_for(self.outlet, self.stopping)
        self.httpd = _QuietServer((self.host, self.requested_port), handler)
        self.outlet.host, self.outlet.port = self.host, self.httpd.server_address[1]
        self.outlet.index_paths()
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                       name=f"demo-{self.outlet.key}", daemon=True)
        self.thread.start()
        logger.info("demo outlet %s serving at %s", self.outlet.key, self.outlet.home_url)
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None


def _handler_for(outlet: Outlet, stopping: threading.Event) -> type[BaseHTTPRequestHandler]:
    class OutletHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "PantauDemo/1.0"
        # One segment per response, sent at once: unbuffered headers then body, with Nagle's algorithm on,
        # meet the client's delayed ACK and stall keep-alive connections.
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            self._answer(with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            response = outlet.handle(self.path)
            if response.delay and stopping.wait(response.delay):
                return  # the site is shutting down: drop the hanging request
            payload = response.payload
            validators = _validators(outlet, response, payload)
            not_modified = validators and _not_modified(validators, self.headers.get("If-None-Match"),
                                                        self.headers.get("If-Modified-Since"))
            try:
                outlet.status_counts[(304 if not_modified else response.status)] += 1
                if not_modified:
                    self.send_response(304)
                    for name, value in validators.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in {**response.headers, **validators}.items():
                    self.send_header(name, value)
                self.end_headers()
                if with_body:
                    self.wfile.write(payload)
                    outlet.bytes_sent += len(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server naming
            logger.debug("%s %s", outlet.key, format % args)

    return OutletHandler


def _validators(outlet: Outlet, response: Response, payload: bytes) -> dict[str, str]:
    if response.status != 200:
        return {}
    headers = {}
    if "etag" in outlet.validators:
        headers["ETag"] = '"' + hashlib.sha1(payload).hexdigest()[:20] + '"'
    if "last-modified" in outlet.validators and response.last_modified is not None:
        headers["Last-Modified"] = email.utils.format_datetime(
            response.last_modified.astimezone(dt.timezone.utc), usegmt=True)
    return headers


def _not_modified(validators: dict[str, str], if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 13.1: If-None-Match decides when sent; If-Modified-Since only without it."""
    if if_none_match is not None:
        etag = validators.get("ETag")
        return etag is not None and (if_none_match.strip() == "*" or etag in
                                     [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")])
    last_modified = validators.get("Last-Modified")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return email.utils.parsedate_to_datetime(last_modified) <= since
