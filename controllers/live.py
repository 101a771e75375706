# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from .status_page import StatusPageController, status_route


class StatusPageLive(StatusPageController):
    """The version an open ticket view polls to offer a refresh."""

    @status_route("/status/<string:slug>/<string:token>/version")
    def status_version(self, slug, token, **kwargs):
        """The ticket's opaque version, as plain text, for a browser with a
        grant; the branded 404 otherwise. Records no view, writes nothing."""
        page = self._get_page(slug)
        ticket = page and page._find_ticket_by_token(token)
        if not (ticket and self._grants._is_granted(request.session, page, ticket)):
            return self._not_found()
        response = request.make_response(
            ticket._get_status_version(),
            headers=[("Content-Type", "text/plain; charset=utf-8")],
        )
        return self._secure(response)
