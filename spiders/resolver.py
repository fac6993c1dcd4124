"""The crawl's name resolver: every address a connection is about to use is checked, at connect time.

Twisted's ``HostnameEndpoint`` asks the reactor's name resolver for every connection, IP literals and odd
numeric spellings included, and connects only to the addresses the resolver hands back. This resolver sits in
front of the system's (``getaddrinfo``) and passes on only the addresses :func:`crawler.addresses.refusal`
allows, so no spelling of a host and no DNS answer (rebinding included: the check is on the very answer used to
connect) reaches a loopback, private or link-local address, except the sources' own configured hosts on their
own ports (``PANTAU_OWN_ENDPOINTS``, set by :mod:`crawler.crawl`). A host with no allowed address fails with
Twisted's DNS lookup error; :func:`refusal_for` then gives the spider the reason to record.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

from crawler.addresses import Endpoint, refusal

logger = logging.getLogger(__name__)

_refused: dict[Endpoint, str] = {}
_refused_lock = threading.Lock()


def refusal_for(host: str, port: int) -> str | None:
    """The reason the resolver last refused ``host:port``, if it did."""
    with _refused_lock:
        return _refused.get((host.lower().rstrip("."), port))


def parse_endpoints(values: Sequence[str]) -> set[Endpoint]:
    """``["host:port", "[::1]:8080"]`` (the PANTAU_OWN_ENDPOINTS setting) as a set of endpoints."""
    endpoints = set()
    for value in values:
        host, _, port = value.rpartition(":")
        endpoints.add((host.strip("[]").lower(), int(port)))
    return endpoints


@provider(IResolutionReceiver)
class _CheckingReceiver:
    def __init__(self, receiver: IResolutionReceiver, host: str, port: int, own: set[Endpoint],
                 allow_private: bool) -> None:
        self.receiver, self.host, self.port, self.own, self.allow_private = receiver, host, port, own, allow_private
        self.passed = 0
        self.refused: list[str] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802 - Twisted's interface
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:  # noqa: N802
        host = getattr(address, "host", None)
        reason = None if self.allow_private or host is None else refusal(self.host, self.port, host, self.own)
        if reason is None:
            self.passed += 1
            self.receiver.addressResolved(address)
        else:
            self.refused.append(reason)

    def resolutionComplete(self) -> None:  # noqa: N802
        key = (self.host.lower().rstrip("."), self.port)
        with _refused_lock:
            if self.refused and not self.passed:
                _refused[key] = self.refused[0]
                logger.warning("%s", self.refused[0])
            else:
                _refused.pop(key, None)
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedHostnameResolver:
    """An ``IHostnameResolver`` (Scrapy's ``TWISTED_DNS_RESOLVER``) that drops addresses the crawl may not use."""

    def __init__(self, reactor: Any, own_endpoints: set[Endpoint], allow_private: bool) -> None:
        self.reactor = reactor
        self.original_resolver: IHostnameResolver = reactor.nameResolver
        self.own_endpoints = own_endpoints
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedHostnameResolver:
        settings = crawler.settings
        return cls(reactor, parse_endpoints(settings.getlist("PANTAU_OWN_ENDPOINTS")),
                   settings.getbool("PANTAU_ALLOW_PRIVATE_ADDRESSES"))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str,  # noqa: N802, N803
                        portNumber: int = 0, addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
                        transportSemantics: str = "TCP") -> IHostResolution:  # noqa: N803
        receiver = _CheckingReceiver(resolutionReceiver, hostName, portNumber, self.own_endpoints,
                                     self.allow_private)
        return self.original_resolver.resolveHostName(receiver, hostName, portNumber,
                                                      addressTypes,
                                                      transportSemantics)
