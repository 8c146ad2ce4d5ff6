"""What the web app is told by the composition root: where it is reachable, HTTPS, proxies and limits.

``foerderbuch.wiring`` fills this from the settings (``FOERDERBUCH_BASE_URL``, ``FOERDERBUCH_HTTPS``,
``FOERDERBUCH_TRUSTED_PROXIES``, ``FOERDERBUCH_SEPA_DEBTOR_*`` …); tests build it directly. ``base_url``
starts every link that leaves the application (e-mails, letters): the request's ``Host`` header is never used for that.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from exports.sepa import Debtor

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class WebConfig:
    base_url: str = "http://127.0.0.1:8000"
    https: bool = False  # Secure cookies and Strict-Transport-Security
    trusted_proxies: tuple[IpNetwork, ...] = ()
    max_body_bytes: int = 110 * 1024 * 1024  # a signed-in request (uploads)
    max_anonymous_body_bytes: int = 64 * 1024  # sign-in, password reset, account request
    session_idle_seconds: int = 30 * 60
    session_hours: int = 8
    two_factor_roles: frozenset[str] = frozenset()  # wiring passes FOERDERBUCH_TWO_FACTOR_ROLES (admin, finance)
    sepa_debtor: Debtor | None = (
        None  # the city's account for payment runs (FOERDERBUCH_SEPA_DEBTOR_*); None: not set up
    )

    def link(self, path: str) -> str:
        """An absolute link for mail and letters: ``base_url`` + path."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    @property
    def session_seconds(self) -> int:
        return self.session_hours * 3600
