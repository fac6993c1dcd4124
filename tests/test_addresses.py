"""The address rule of the SSRF guard (crawler.addresses): every spelling of a non-public address is read as
the C library reads it, and only the sources' own host:port may be one."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from crawler.addresses import is_public, numeric_host, refusal, source_endpoints, url_endpoint


@pytest.mark.parametrize("spelling", ["2130706433", "127.1", "0x7f000001", "0177.0.0.1", "017700000001",
                                      "0x7f.1", "127.0.0.1.", "[::ffff:127.0.0.1]", "::1", "10.1", "0xa000001",
                                      "169.254.169.254", "0251.0376.0251.0376", "192.168.1.1", "100.64.0.1",
                                      "[::ffff:a9fe:a9fe]", "0.0.0.0", "0", "fc00::1", "fe80::1"])
def test_non_public_spellings_are_read_and_refused(spelling):
    address = numeric_host(spelling)
    assert address is not None, spelling
    assert not is_public(address)
    assert refusal(spelling, 80, address, set()) is not None


@pytest.mark.parametrize("spelling", ["2130706433", "127.1", "0x7f000001", "0177.0.0.1", "10.1", "0xa000001"])
def test_numeric_spellings_agree_with_the_c_library(spelling):
    resolved = socket.getaddrinfo(spelling, 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
    assert str(numeric_host(spelling)) == resolved


@pytest.mark.parametrize("host", ["diksi.co", "1.2.3.4.5", "256.1.1.1", "0x1g", "", "example..com"])
def test_names_and_non_addresses_are_not_numeric(host):
    assert numeric_host(host) is None


def test_public_addresses_pass():
    for text in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"):
        assert refusal("news.example", 443, ipaddress.ip_address(text), set()) is None


def test_only_the_sources_own_host_and_port_may_be_private():
    own = source_endpoints(["http://127.0.0.12:8080/", "http://127.0.0.12:8080/sitemap.xml",
                            "https://intranet.local/berita"])
    assert own == {("127.0.0.12", 8080), ("intranet.local", 443)}
    assert refusal("127.0.0.12", 8080, "127.0.0.12", own) is None
    assert refusal("127.0.0.12", 22, "127.0.0.12", own) is not None  # the same host on another port
    assert refusal("2130706433", 8080, "127.0.0.1", own) is not None
    assert refusal("intranet.local", 443, "10.0.0.5", own) is None
    assert url_endpoint("http://[::1]:9/x") == ("::1", 9) and url_endpoint("ftp://x/") is None
