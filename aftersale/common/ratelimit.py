"""One small fixed-window limiter on the Django cache, for unauthenticated endpoints a flood could
hurt (failed bearer tokens, inbound webhooks, public pages). With a shared cache (CACHE_URL) the
counts are exact across processes; with the default per-process cache each process counts alone."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

View = Callable[..., HttpResponse]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost of them saw (that many entries from the right of X-Forwarded-For; entries further left
    are the client's to forge). Empty when there is none (a sign-in made in code): django-axes
    stores it as NULL."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or ""


@dataclass(frozen=True)
class Limit:
    name: str
    count: int  # how many hits a key may make …
    seconds: int  # … per window of this many seconds

    def _key(self, key: str) -> str:
        window = int(time.time()) // self.seconds
        return f"rl:{self.name}:{key}:{window}"

    def hit(self, key: str) -> bool:
        """Count one hit; False once the key has made more than `count` in this window."""
        cache_key = self._key(key)
        if cache.add(cache_key, 1, timeout=self.seconds + 1):
            return True
        try:
            return cache.incr(cache_key) <= self.count
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=self.seconds + 1)
            return True

    def exceeded(self, key: str) -> bool:
        """Whether the key is over its limit now, without counting a hit."""
        return (cache.get(self._key(key)) or 0) >= self.count


# Failed bearer tokens per address (then every token from it is refused for the rest of the minute).
BAD_TOKEN = Limit("bad-token", count=20, seconds=60)
# Refused inbound webhook calls (unknown platform, bad signature) per address.
WEBHOOK_REFUSED = Limit("webhook-refused", count=30, seconds=60)
# Public pages that search or read the database on every request (the help centre).
PUBLIC_PAGE = Limit("public-page", count=120, seconds=60)


def limit_per_ip(limit: Limit) -> Callable[[View], View]:
    """A page view that answers 429 to an address past `limit` (every request counts)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not limit.hit(client_ip(request)):
                response = HttpResponse(_("请求过于频繁，请稍后再试"), status=429)
                response["Content-Type"] = "text/plain; charset=utf-8"
                response["Retry-After"] = str(limit.seconds)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
