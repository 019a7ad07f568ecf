"""Where the crawler may go: public http(s) hosts only, unless configuration allows a private one.

Scraped pages choose the links the crawler follows, so a hostile page could point it at the bureau's own
network (a router, a metadata service, a database on localhost). Every request, redirect and browser
sub-request is checked here first.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_KEPT_HOSTS = 4096  # hosts whose answer a policy keeps (a hostile page may link to any number of them)
FORBIDDEN_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
)


class ForbiddenDestination(Exception):
    """The URL points somewhere the crawler must not go."""


def is_forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in FORBIDDEN_NETWORKS)


def literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


@dataclass
class DestinationPolicy:
    """Decides whether a URL may be fetched. `allowed_hosts` are host names or addresses let through."""

    allowed_hosts: frozenset[str] = frozenset()
    _resolved: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # (scheme, netloc) -> check_syntax's answer: a crawl asks again for every page of the same few hosts
    _syntax: dict[tuple[str, str], tuple[str, str | None] | ForbiddenDestination] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def with_allowed(cls, hosts: Iterable[str]) -> DestinationPolicy:
        return cls(allowed_hosts=frozenset(host.strip().lower().strip("[]") for host in hosts if host.strip()))

    def check_syntax(self, url: str) -> tuple[str, str | None]:
        """Scheme and host checks that need no DNS. Returns (host, the name to resolve or None).

        The answer depends on the URL's scheme and network location alone, and is kept for each of them."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        answer = self._syntax.get(key)
        if answer is None:
            try:
                answer = self._check_host(parts.scheme, parts.hostname)
            except ForbiddenDestination as refusal:
                answer = refusal
            if len(self._syntax) < MAX_KEPT_HOSTS:
                self._syntax[key] = answer
        if isinstance(answer, ForbiddenDestination):
            raise ForbiddenDestination(*answer.args)
        return answer

    def _check_host(self, scheme: str, hostname: str | None) -> tuple[str, str | None]:
        if scheme.lower() not in ALLOWED_SCHEMES:
            raise ForbiddenDestination(f"scheme {scheme or '(none)'!r} is not allowed")
        host = (hostname or "").lower()
        if not host:
            raise ForbiddenDestination("no host in URL")
        literal = literal_ip(host)
        if host in self.allowed_hosts or (literal and literal in self.allowed_hosts):
            return host, None
        if literal is not None:
            if is_forbidden_address(literal):
                raise ForbiddenDestination(f"address {literal} is private, loopback or link-local")
            return host, None
        return host, host

    def check_addresses(self, host: str, addresses: Iterable[str]) -> None:
        for address in addresses:
            if is_forbidden_address(address):
                raise ForbiddenDestination(f"{host} resolves to private address {address}")

    def check(self, url: str) -> None:
        """Raise ForbiddenDestination unless the URL may be fetched (resolves names, cached)."""
        host, name = self.check_syntax(url)
        if name is None:
            return
        if name not in self._resolved:
            try:
                infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
            except OSError:
                self._resolved[name] = ()
            else:
                self._resolved[name] = tuple(str(info[4][0]) for info in infos)
        self.check_addresses(host, self._resolved[name])

    def allows(self, url: str) -> bool:
        try:
            self.check(url)
        except ForbiddenDestination:
            return False
        return True
