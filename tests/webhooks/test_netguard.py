"""The SSRF guard: only public addresses, IPv4 and IPv6, mapped IPv4 judged by what it maps."""

from __future__ import annotations

import ipaddress

import pytest

from webhooks import http as webhook_http
from webhooks.netguard import AddressRefused, address_refusal, resolve_public

REFUSED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",  # noqa: S104 - a test value
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.1.2.3",
    "::ffff:169.254.169.254",
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "2001:db8::1",  # documentation
]
ALLOWED = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address):
    assert address_refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) == ""


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1", "[::1]".strip("[]")])
def test_resolving_to_loopback_is_refused(host):
    with pytest.raises(AddressRefused):
        resolve_public(host, 443, allow_private=False)


def test_the_setting_allows_private_addresses():
    assert resolve_public("127.0.0.1", 80, allow_private=True) == "127.0.0.1"


def test_post_refuses_a_loopback_receiver_before_connecting(receiver):
    with pytest.raises(AddressRefused):
        webhook_http.post(receiver.url, body=b"{}", headers={}, timeout=1, allow_private=False, allow_http=True)
    assert receiver.received == []


def test_post_refuses_plain_http_unless_allowed(receiver):
    with pytest.raises(webhook_http.UrlRefused):
        webhook_http.post(receiver.url, body=b"{}", headers={}, timeout=1, allow_private=True, allow_http=False)
    assert receiver.received == []


def test_post_ignores_proxy_settings_from_the_environment(receiver, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    result = webhook_http.post(receiver.url, body=b"{}", headers={}, timeout=1, allow_private=True, allow_http=True)
    assert result.status_code == 200
    assert len(receiver.received) == 1
