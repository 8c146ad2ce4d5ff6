"""The association portal: a Verein's own applications and grants, in plain German, under ``/portal``."""

from web.portal import i18n as _i18n  # noqa: F401 - joins the portal's English texts
from web.portal.pages import portal_routes

__all__ = ["portal_routes"]
