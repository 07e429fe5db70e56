"""The client's address, as far as it can be trusted.

Behind ``KITU_TRUSTED_PROXIES`` reverse proxies each proxy appends the address it received the request
from to ``X-Forwarded-For``. The client address is therefore the entry that the outermost trusted proxy
appended: the N-th entry from the right. Anything further left was written by the client and is never
trusted. With 0 trusted proxies (the default) the header is ignored and ``REMOTE_ADDR`` is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "")
    hops: int = settings.KITU_TRUSTED_PROXIES
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        # Fewer entries than trusted proxies: the request did not pass all of them; the nearest sender counts.
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
