"""The client address for rate limits: X-Forwarded-For counts only as far as trusted proxies wrote it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from kitu.core.clientip import client_ip

LB = "10.0.0.5"  # the load balancer, as the application server sees it


def ip(proxies: int, forwarded: str | None, remote: str = LB) -> str:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    with override_settings(KITU_TRUSTED_PROXIES=proxies):
        return client_ip(request)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert ip(0, "198.51.100.7") == LB
    assert ip(0, "198.51.100.7, 203.0.113.9") == LB
    assert ip(0, None, remote="203.0.113.9") == "203.0.113.9"


def test_one_trusted_proxy_takes_the_entry_it_appended() -> None:
    assert ip(1, "203.0.113.9") == "203.0.113.9"
    # whatever the client wrote itself stands further left and is never used
    assert ip(1, "198.51.100.7, 203.0.113.9") == "203.0.113.9"
    assert ip(1, "1.2.3.4,198.51.100.7 ,  203.0.113.9") == "203.0.113.9"


def test_two_trusted_proxies_take_the_second_entry_from_the_right() -> None:
    # client -> CDN (appends the client) -> load balancer (appends the CDN) -> application
    assert ip(2, "203.0.113.9, 192.0.2.44") == "203.0.113.9"
    assert ip(2, "198.51.100.7, 203.0.113.9, 192.0.2.44") == "203.0.113.9"
    assert ip(2, "2001:DB8::1, 192.0.2.44") == "2001:db8::1"  # IPv6, written the one canonical way


@pytest.mark.parametrize(
    ("proxies", "forwarded"),
    [
        (1, None),  # the header is missing: the request did not pass the proxy
        (1, ""),
        (1, " , ,"),
        (2, "203.0.113.9"),  # fewer entries than trusted proxies
        (1, "unknown"),
        (1, "203.0.113.9, nicht-ip"),
        (1, "203.0.113.300"),
        (1, "203.0.113.9:443"),
        (2, "<script>, 192.0.2.44"),
    ],
)
def test_too_few_entries_and_garbage_fall_back_to_the_remote_address(proxies: int, forwarded: str | None) -> None:
    assert ip(proxies, forwarded) == LB
