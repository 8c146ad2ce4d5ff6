"""Limits on guessing and on mail that strangers can trigger: growing delays, counted in the database.

Every attempt that checks a secret or sends a mail first claims its keys (``Attempts.claim``, shared by
all workers through the database): per account, per client address, and per account *and* address.
The first few attempts are free, then each further one has to wait 1, 2, 4 … seconds, up to a cap.
The cap for an account alone is short (a minute), so a stranger who knows an e-mail address cannot
lock its owner out; the pair of account and address, and the address alone, get long caps.

Nobody waits in the server: a refused attempt is answered at once (429) with how long to wait, so a
flood of failed sign-ins does not tie up the threads that serve everybody else's pages. Password
hashing, the expensive part, runs at most two at a time per worker (``app.state.hashing``).

The client address is the peer of the connection. ``X-Forwarded-For`` is believed only when that peer
is one of ``FOERDERBUCH_TRUSTED_PROXIES``, and then the address is the right-most one in the header
that is not itself a trusted proxy; from anybody else the header is ignored.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Policy:
    """How many attempts are free, how the delay grows after them, and when the count forgets."""

    free: int
    cap: float  # the longest delay, seconds
    quiet: float  # seconds without an attempt after which the count starts again
    base: float = 1.0  # the first delay after the free attempts, doubling with each further one

    def delay(self, count: int) -> float:
        if count <= self.free:
            return 0.0
        return float(min(self.cap, self.base * 2 ** min(count - self.free - 1, 40)))


MINUTE, HOUR = 60.0, 3600.0
# Sign-in and other checks of a secret
ACCOUNT_AND_ADDRESS = Policy(free=5, cap=15 * MINUTE, quiet=15 * MINUTE)
ACCOUNT = Policy(free=10, cap=MINUTE, quiet=HOUR)
ADDRESS = Policy(free=100, cap=5 * MINUTE, quiet=HOUR)  # an office behind one NAT address shares it
SECOND_FACTOR = Policy(free=5, cap=5 * MINUTE, quiet=15 * MINUTE)
# Mail and records strangers can cause
MAIL_PER_RECIPIENT = Policy(free=3, cap=HOUR, quiet=HOUR, base=60.0)
MAIL_PER_ADDRESS = Policy(free=10, cap=HOUR, quiet=HOUR, base=60.0)
INVITATIONS_PER_USER = Policy(free=20, cap=HOUR, quiet=HOUR, base=60.0)


def email_key(email: str) -> str:
    """An e-mail address as part of a key, hashed (the table shows no addresses)."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]


def client_address(request: Request) -> str:
    """The client's address: the peer, or behind a trusted proxy the last untrusted X-Forwarded-For entry."""
    peer = request.client.host if request.client else ""
    config = getattr(request.app.state, "config", None)
    trusted: Sequence[IpNetwork] = getattr(config, "trusted_proxies", ()) if config is not None else ()
    return resolve_client(peer, request.headers.getlist("x-forwarded-for"), trusted)


def resolve_client(peer: str, forwarded: Sequence[str], trusted: Sequence[IpNetwork]) -> str:
    if not _in(peer, trusted):
        return peer or "unknown"
    hops = [part.strip() for header in forwarded for part in header.split(",") if part.strip()]
    for hop in reversed(hops):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed header from behind our own proxy: trust nothing in it
        if not _in(str(address), trusted):
            return str(address)
    return str(ipaddress.ip_address(hops[0])) if hops else peer


def _in(address: str, networks: Sequence[IpNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TooManyAttempts(Exception):
    """Raised when a key is still waiting; ``seconds`` says how long (rounded up)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = max(1, math.ceil(seconds))

    @property
    def message(self) -> str:
        if self.seconds < 90:
            return f"Zu viele Versuche. Bitte warten Sie {self.seconds} Sekunden und versuchen Sie es dann noch einmal."
        minutes = math.ceil(self.seconds / 60)
        return f"Zu viele Versuche. Bitte warten Sie {minutes} Minuten und versuchen Sie es dann noch einmal."


def claim(attempts: Any, keys: Sequence[tuple[str, Policy]]) -> None:
    """Counts one attempt on every key, or raises ``TooManyAttempts`` (nothing counted)."""
    wait = attempts.claim(keys)
    if wait > 0:
        raise TooManyAttempts(wait)


def sign_in_keys(email: str, address: str) -> list[tuple[str, Policy]]:
    account = email_key(email)
    return [
        (f"sign-in:pair:{account}:{address}", ACCOUNT_AND_ADDRESS),
        (f"sign-in:account:{account}", ACCOUNT),
        (f"sign-in:address:{address}", ADDRESS),
    ]


def cleared_on_success(email: str, address: str) -> tuple[str, ...]:
    """A successful sign-in forgets the account's counts (never the address's: one good account must not
    buy an address fresh guesses at others)."""
    account = email_key(email)
    return (f"sign-in:pair:{account}:{address}", f"sign-in:account:{account}")
