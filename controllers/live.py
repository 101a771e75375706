# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request

from .status_page import StatusPageController, status_route


class StatusPageLive(StatusPageController):
    """The version an open ticket view polls to offer a refresh."""

    # Not a website route: only the page's script reads the answer, so no
    # language, website context nor branded 404 (SPEC §17: a poll costs a
    # small fraction of a page).
    @status_route("/status/<string:slug>/<string:token>/version", website=False)
    def status_version(self, slug, token, **kwargs):
        """The ticket's opaque version, as plain text, for a browser with a
        grant; an empty 404 otherwise, whatever the reason. One query,
        records no view, writes nothing."""
        version = request.env["helpdesk.ticket"]._get_status_poll_version(
            slug,
            token,
            request.session,
            # The website the request was routed for.
            request.env["website"].browse(request.website_routing),
        )
        response = request.make_response(
            version or "",
            headers=[("Content-Type", "text/plain; charset=utf-8")],
            status=200 if version else 404,
        )
        return self._secure(response)
