# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.http import request

from .status_page import StatusPageController, status_route
from .verification import checked_post

TAP_PATH = "/status/<string:slug>/<string:token>/tap/<string:tap>"


class StatusPageOneTap(StatusPageController):
    """The one-tap link of a status e-mail. Its GET changes nothing (mail
    scanners follow links): it shows "Open my request", whose POST uses the
    link once and grants the ticket. A link that opens nothing goes to the
    verification form, with a sentence saying why."""

    def _refuse(self, page, token, message):
        self._grants._set_flash(request.session, error=message)
        return self._redirect(page._get_path(token))

    @status_route(TAP_PATH)
    def status_tap(self, slug, token, tap, **kwargs):
        page = self._get_page(slug)
        ticket = page and page._find_ticket_by_token(token)
        if not ticket:
            return self._not_found(slug)
        if self._grants._is_granted(request.session, page, ticket):
            return self._redirect(page._get_path(token))
        refusal = (
            request.env["helpdesk.status.page.tap"]
            ._find(page, ticket, tap)
            ._get_refusal()
        )
        if refusal:
            return self._refuse(page, token, refusal)
        return self._render(
            "helpdesk_mgmt_status_page.status_page_one_tap",
            self._layout_values(
                page, token, ticket_number=ticket.number, tap_token=tap
            ),
        )

    @status_route(TAP_PATH, "POST", csrf=False)
    @checked_post
    def status_tap_open(self, slug, token, tap, **kwargs):
        page = self._get_page(slug)
        ticket = page and page._find_ticket_by_token(token)
        if not ticket:
            return self._not_found(slug)
        if self._grants._is_granted(request.session, page, ticket):
            return self._redirect(page._get_path(token))
        try:
            request.env["helpdesk.status.page.tap"]._open(
                page, ticket, tap, request.httprequest.remote_addr
            )
        except UserError as error:
            return self._refuse(page, token, error.args[0])
        self._grants._grant(request.session, page, ticket)
        return self._redirect(page._get_path(token))
