"""The crawler refuses private, loopback, link-local and metadata addresses and non-HTTP schemes."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.destination_guard import DestinationGuardMiddleware
from crawler.destinations import DestinationPolicy, ForbiddenDestination

FORBIDDEN = [
    "http://127.0.0.1/",
    "http://127.8.9.10:8080/admin",
    "http://[::1]/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/login",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://localhost:6379/",
    "file:///etc/passwd",
    "ftp://example.com/pub",
    "data:text/html,<h1>hi</h1>",
    "javascript:alert(1)",
]
ALLOWED = ["http://93.184.216.34/item/1", "https://1.1.1.1/", "http://172.32.0.1/", "http://[2606:4700::1111]/"]


@pytest.mark.parametrize("url", FORBIDDEN)
def test_forbidden_destinations_are_refused(url: str):
    with pytest.raises(ForbiddenDestination):
        DestinationPolicy().check(url)


@pytest.mark.parametrize("url", ALLOWED)
def test_public_addresses_are_allowed(url: str):
    DestinationPolicy().check(url)


def test_a_host_allowed_by_configuration_passes_and_only_that_host():
    policy = DestinationPolicy.with_allowed(["127.0.0.1"])
    policy.check("http://127.0.0.1:8765/plain/search?q=象牙")
    with pytest.raises(ForbiddenDestination):
        policy.check("http://127.0.0.2:8765/")
    with pytest.raises(ForbiddenDestination):
        policy.check("file:///127.0.0.1")


def test_a_hosts_answer_is_kept_and_a_refusal_stays_a_refusal(monkeypatch: pytest.MonkeyPatch):
    from crawler import destinations

    policy = DestinationPolicy.with_allowed(["127.0.0.1"])
    for page in range(3):  # every page of a host gets the same answer, whether it was worked out or kept
        assert policy.check_syntax(f"http://127.0.0.1:8765/plain/item/{page}") == ("127.0.0.1", None)
        assert policy.check_syntax(f"https://www.Goofish.com/item?id={page}") == ("www.goofish.com", "www.goofish.com")
        with pytest.raises(ForbiddenDestination, match=r"169\.254\.169\.254"):
            policy.check_syntax(f"http://169.254.169.254/latest/meta-data/{page}")
        with pytest.raises(ForbiddenDestination, match="scheme"):
            policy.check_syntax(f"ftp://127.0.0.1/{page}")
    monkeypatch.setattr(destinations, "MAX_KEPT_HOSTS", len(policy._syntax))  # a full memory still decides
    with pytest.raises(ForbiddenDestination):
        policy.check_syntax("http://10.1.2.3/")
    assert ("http", "10.1.2.3") not in policy._syntax


def _middleware(allowed: list[str]) -> DestinationGuardMiddleware:
    crawler = get_crawler(settings_dict={"TRADEWATCH_ALLOWED_HOSTS": allowed})
    return DestinationGuardMiddleware.from_crawler(crawler)


def test_middleware_drops_a_redirect_to_the_metadata_service_and_counts_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRADEWATCH_ALLOWED_HOSTS", "[]")
    middleware = _middleware(["127.0.0.1"])
    ok = asyncio.run(middleware.process_request(Request("http://127.0.0.1:8765/plain/item/1")))
    assert ok is None
    with pytest.raises(IgnoreRequest):
        asyncio.run(middleware.process_request(Request("http://169.254.169.254/latest/meta-data/")))
    with pytest.raises(IgnoreRequest):
        asyncio.run(middleware.process_request(Request("http://localhost:5432/")))
    assert middleware.crawler.stats.get_value("tradewatch/requests/forbidden_destination") == 2
