"""One sign-in throttle for every login form: allauth's /accounts/login/ and the admin's
/admin/login/ (issue 12).

Failed attempts are counted in the cache, in two counters shared by both forms:

- per account and client address: LOGIN_THROTTLE["per_account"] failures for one e-mail
  address from one address, then that pair is refused until the window ends;
- per client address: LOGIN_THROTTLE["per_address"] failures from one address, whatever the
  accounts (password spraying), then that address is refused.

Nobody else is locked out: the account still signs in from another address, and other accounts
from other addresses. The client address is the real one behind the proxies we run
(TRUSTED_PROXY_COUNT, see `client_address`), so a forged X-Forwarded-For does not give an
attacker a fresh counter. When the cache (Redis) is down, the cache answers as a miss and the
attempt is allowed and logged (twinning.cache), as allauth's own rate limits do.
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

PREFIX = "login-throttle"


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR when TRUSTED_PROXY_COUNT is 0; with N trusted proxies
    in front of us (each appending the address it saw to X-Forwarded-For), the Nth address from
    the right. Addresses a client put further left are its own claims and ignored. IPv6
    addresses count per /64 network (one machine can use the whole network)."""
    count = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if count > 0:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        parsed = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address[:64] or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _keys(request, login: str) -> list[tuple[str, int]]:
    address = client_address(request)
    account = hashlib.sha256(f"{login.strip().lower()}|{address}".encode()).hexdigest()[:32]
    limits = settings.LOGIN_THROTTLE
    return [
        (f"{PREFIX}:account:{account}", limits["per_account"]),
        (f"{PREFIX}:address:{address}", limits["per_address"]),
    ]


def refusal(request, login: str) -> str | None:
    """The message to show when this attempt must be refused, else None."""
    now = time.time()
    for key, limit in _keys(request, login):
        if (cache.get(key) or 0) >= limit:
            until = cache.get(f"{key}:until") or now + settings.LOGIN_THROTTLE["window_seconds"]
            minutes = max(1, math.ceil((until - now) / 60))
            return ngettext(
                "Too many failed sign-in attempts. Please try again in %(minutes)d minute.",
                "Too many failed sign-in attempts. Please try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
    return None


def record_failure(request, login: str) -> None:
    window = settings.LOGIN_THROTTLE["window_seconds"]
    for key, _limit in _keys(request, login):
        # The first failure opens the window; later ones count in it.
        if cache.add(key, 0, window):
            cache.set(f"{key}:until", time.time() + window, window)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.set(key, 1, window)


def record_success(request, login: str) -> None:
    """The right password: that account's count from this address starts again. The address's
    own count stays (signing in to one's own account between guesses must not reset it)."""
    key, _limit = _keys(request, login)[0]
    cache.delete(key)
