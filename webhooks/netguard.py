"""Server-side request forgery guard: webhooks go to public addresses only.

``resolve_public`` resolves the host once and refuses it when any address it has is private,
loopback, link-local, multicast, reserved, unspecified or otherwise not global (IPv4 and IPv6,
IPv4-mapped IPv6 judged by the IPv4 address inside). The sender then connects to exactly the
address checked (``webhooks.http``), so a DNS answer that changes between check and connect
(DNS rebinding) cannot steer it elsewhere. ``WEBHOOKS_ALLOW_PRIVATE`` lifts the check (tests,
a receiver on the same private network).
"""

from __future__ import annotations

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address we never call."""


def address_refusal(address: IPAddress) -> str:
    """Why ``address`` is not one we call, or "" when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            reason = address_refusal(mapped)
            return f"{reason} (inside {address})" if reason else ""
    checks = (
        ("loopback", address.is_loopback),
        ("private", address.is_private),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
        ("not public", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{address} is {name}"
    return ""


def resolve_public(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to for ``host``: resolved once, and public unless allowed otherwise.

    Raises ``AddressRefused`` if any address the name has is not public: a name with one public
    and one private address is refused, so which one a connection would pick never matters.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise AddressRefused(f"{host} does not resolve: {exc}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    if not allow_private:
        for address in addresses:
            reason = address_refusal(address)
            if reason:
                raise AddressRefused(f"{host}: {reason}")
    return str(addresses[0])
