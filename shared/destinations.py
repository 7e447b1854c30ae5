"""Which addresses an outgoing webhook may reach: the one classification both the service that
stores a webhook URL and the service that sends to it apply (against SSRF).

A webhook URL is chosen by a référent, so the platform must never be made to call into its own
network: loopback, private, link-local (the cloud metadata service 169.254.169.254 among them),
unspecified, multicast and reserved addresses are refused, also when written as an IPv4-mapped
or 6to4 IPv6 address, and also when a name resolves to one of them. The check runs on every
address a name resolves to, and the sender then connects to a vetted address itself (a second
resolution could answer differently: DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

_METADATA = ipaddress.IPv4Address("169.254.169.254")
_PRIVATE = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class DestinationRefused(ValueError):
    """The URL may not be called; `reason` says why, in French, for the person who set it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DestinationUnresolved(DestinationRefused):
    """The name does not resolve (now): at send time, worth another try later."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (::ffff:a.b.c.d, ::a.b.c.d, 2002:ab.cd::/16)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = address.packed
    if packed[:12] == bytes(12) and int(address) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(packed[12:])
    return None


def address_refusal(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why a webhook may not be sent to `address`, or None when it is a public address.

    `allow_loopback` lets a development or test receiver on 127.0.0.1 / ::1 through; the
    settings refuse it in production.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_refusal(embedded, allow_loopback=allow_loopback)
    if address.is_unspecified:
        return f"adresse non spécifiée ({address})"
    if address.is_loopback:
        return None if allow_loopback else f"adresse de bouclage ({address})"
    if address == _METADATA:
        return f"adresse du service de métadonnées du nuage ({address})"
    if address.is_link_local:
        return f"adresse lien-local ({address})"
    if address.is_multicast:
        return f"adresse multicast ({address})"
    if any(address in network for network in _PRIVATE):
        return f"adresse privée ({address})"
    if address.is_reserved or not address.is_global:
        return f"adresse réservée ou non publique ({address})"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host names directly ('10.0.0.1', '[::1]'), None for a DNS name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def split_destination(url: str, *, require_https: bool) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook URL; refused when the scheme is not allowed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise DestinationRefused("adresse illisible") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise DestinationRefused("seules les adresses http(s) sont acceptées")
    if require_https and scheme != "https":
        raise DestinationRefused("https obligatoire en production")
    if not parts.hostname:
        raise DestinationRefused("adresse sans nom d'hôte")
    return scheme, parts.hostname, port or _DEFAULT_PORTS[scheme]


RESOLVE_SECONDS = 3.0  # a slow DNS answer must not hold a request or a sender longer


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host` (DNS, /etc/hosts)."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError) as exc:
        raise DestinationUnresolved(f"nom d'hôte introuvable ({host})") from exc
    # sockaddr[0] of an IPv6 link-local answer may carry a zone ('fe80::1%eth0').
    return list(dict.fromkeys(ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos))


async def vet_destination(
    url: str,
    *,
    require_https: bool,
    allow_loopback: bool = False,
    resolver: Resolver = system_resolver,
) -> tuple[str, int, list[IPAddress]]:
    """(host, port, addresses) of a URL whose every address is allowed; DestinationRefused if
    any is not (one bad answer is enough: the caller could be handed that one)."""
    _, host, port = split_destination(url, require_https=require_https)
    literal = literal_address(host)
    addresses = [literal] if literal is not None else await resolver(host, port)
    if not addresses:
        raise DestinationUnresolved(f"nom d'hôte introuvable ({host})")
    for address in addresses:
        reason = address_refusal(address, allow_loopback=allow_loopback)
        if reason is not None:
            shown = host if literal is not None else f"{host} → {address}"
            raise DestinationRefused(reason.replace(f"({address})", f"({shown})"))
    return host, port, addresses
