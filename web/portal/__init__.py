"""The association portal: a Verein's own applications and grants, in plain German, under ``/portal``."""

from web.portal.conversation import conversation_routes
from web.portal.members import member_routes
from web.portal.pages import portal_routes

# members, invitations and news first (web/portal/members.py), the conversation before the grant forms
portal_routes = [*member_routes, *conversation_routes, *portal_routes]

__all__ = ["portal_routes"]
