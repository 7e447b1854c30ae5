"""The webhook destination rules (shared/destinations.py), with a fake resolver: no test here
sends a packet anywhere."""

from __future__ import annotations

import ipaddress

import pytest

from shared.destinations import (
    DestinationRefused,
    DestinationUnresolved,
    IPAddress,
    address_refusal,
    vet_destination,
)

REFUSED = [
    ("127.0.0.1", "bouclage"),
    ("127.0.0.2", "bouclage"),
    ("::1", "bouclage"),
    ("::ffff:127.0.0.1", "bouclage"),
    ("::ffff:10.1.2.3", "privée"),
    ("2002:7f00:1::", "bouclage"),  # 6to4 carrying 127.0.0.1
    ("10.1.2.3", "privée"),
    ("172.16.0.1", "privée"),
    ("172.31.255.254", "privée"),
    ("192.168.1.1", "privée"),
    ("fc00::1", "privée"),
    ("fd12:3456::1", "privée"),
    ("169.254.169.254", "métadonnées"),
    ("::ffff:169.254.169.254", "métadonnées"),
    ("169.254.1.1", "lien-local"),
    ("fe80::1", "lien-local"),
    ("0.0.0.0", "non spécifiée"),
    ("::", "non spécifiée"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "réservée"),
    ("100.64.0.1", "non publique"),  # carrier-grade NAT
    ("192.0.2.10", "non publique"),  # documentation range
]


@pytest.mark.parametrize(("address", "why"), REFUSED)
def test_an_internal_address_is_refused_with_the_reason(address: str, why: str) -> None:
    reason = address_refusal(ipaddress.ip_address(address))
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_a_public_address_is_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_the_development_allowance_lets_loopback_through_and_nothing_else() -> None:
    assert address_refusal(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert address_refusal(ipaddress.ip_address("::1"), allow_loopback=True) is None
    for other in ("10.1.2.3", "169.254.169.254", "0.0.0.0"):
        assert address_refusal(ipaddress.ip_address(other), allow_loopback=True) is not None


def resolver(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    asked: list[str] = []

    async def resolve(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return [ipaddress.ip_address(a) for a in answers.get(host, [])]

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


async def test_a_name_is_refused_when_any_of_its_addresses_is_internal() -> None:
    fake = resolver({"hooks.example": ["93.184.215.14", "10.0.0.7"]})
    with pytest.raises(DestinationRefused, match=r"privée \(hooks.example → 10.0.0.7\)"):
        await vet_destination("https://hooks.example/x", require_https=True, resolver=fake)


async def test_a_name_resolving_to_public_addresses_is_vetted_with_them() -> None:
    fake = resolver({"hooks.example": ["93.184.215.14"]})
    host, port, addresses = await vet_destination(
        "https://hooks.example:8443/x", require_https=True, resolver=fake
    )
    assert (host, port, [str(a) for a in addresses]) == ("hooks.example", 8443, ["93.184.215.14"])


async def test_an_ip_literal_is_judged_without_asking_the_resolver() -> None:
    fake = resolver({})
    with pytest.raises(DestinationRefused, match="bouclage"):
        await vet_destination("http://[::ffff:7f00:1]/x", require_https=False, resolver=fake)
    await vet_destination("https://93.184.215.14/hook", require_https=True, resolver=fake)
    assert fake.asked == []


async def test_a_name_that_does_not_resolve_is_refused_as_unresolved() -> None:
    with pytest.raises(DestinationUnresolved, match="introuvable"):
        await vet_destination("https://nowhere.example/", require_https=True, resolver=resolver({}))


@pytest.mark.parametrize(
    "url", ["http://93.184.215.14/hook", "ftp://93.184.215.14/", "file:///etc"]
)
async def test_only_https_passes_when_https_is_required(url: str) -> None:
    with pytest.raises(DestinationRefused):
        await vet_destination(url, require_https=True, resolver=resolver({}))


async def test_localhost_is_refused_through_the_system_resolver() -> None:
    # Resolved from /etc/hosts: no DNS query leaves the machine.
    with pytest.raises(DestinationRefused, match="bouclage"):
        await vet_destination("http://localhost:8080/x", require_https=False)
