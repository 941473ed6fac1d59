"""The client's address as the login throttle counts it.

Behind the documented reverse proxy every request comes from the proxy (REMOTE_ADDR
127.0.0.1); the client is named in `X-Forwarded-For`, to which each proxy appends the
address it received the request from. With `PROXY_COUNT` proxies in front, the client is
the PROXY_COUNT-th address from the right: what lies left of it was sent by the client
itself and can be anything (docs/operations.md)."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The address of the client behind PROXY_COUNT proxies, else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not (fully) through the proxies: only the peer is known
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
