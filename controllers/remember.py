# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import consteq

from ..tools.text import TOKEN_RE
from .status_page import StatusPageController, page_and_ticket_paths, status_route
from .verification import checked_post


class StatusPageRemember(StatusPageController):
    """A contact proved once: open the contact's other tickets with no code
    ("Your requests", a remembered device), forget this device, sign out on
    all devices. POST only, with CSRF: a GET grants and ends nothing."""

    def _find_any_ticket(self, token):
        """The ticket whose status link holds ``token``, whatever page
        serves it (the proof decides whether it may be opened)."""
        Ticket = request.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        if not (isinstance(token, str) and TOKEN_RE.fullmatch(token)):
            return Ticket
        ticket = Ticket.search([("status_token", "=", token)], limit=1)
        return ticket if ticket and consteq(ticket.status_token, token) else Ticket

    @status_route("/status/<string:slug>/open", "POST", csrf=False)
    @checked_post
    def status_open(self, slug, ticket=None, **kwargs):
        """Open ``ticket`` (its status token) with the contact this browser
        proved: grant it through the page that serves it, within the
        per-network and per-ticket limits, and show it."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        proof = self._get_proof(page)
        target = self._find_any_ticket(ticket)
        origin = proof and proof["page"]
        if not (
            proof
            and origin._is_contact_ticket(
                proof["kind"],
                origin._contact_digest(proof["contact"]),
                target,
                request.website,
            )
        ):
            # Nothing proved for it (any more): the ticket's own form, or
            # this page's when the ticket is unknown.
            if target and target.status_page_id == page:
                return self._redirect(page._get_path(target.status_token))
            return self._redirect(page._get_path())
        target_page = target.status_page_id
        path = target_page._get_path(target.status_token)
        if self._grants._is_granted(request.session, target_page, target):
            return self._redirect(path)
        try:
            request.env["helpdesk.status.page.challenge"]._rate_limit_open(
                target_page, target, request.httprequest.remote_addr
            )
        except UserError as error:
            self._flash(error=error.args[0])
            return self._redirect(path)
        self._grants._grant(request.session, target_page, target)
        # A device's proof goes on in the session: "Your requests" then
        # shows on pages whose paths do not receive the device's cookie.
        if not self._grants._get_session_proof(request.session):
            self._grants._set_proof(
                request.session, origin, proof["ticket"], proof["kind"]
            )
        return self._redirect(path)

    @status_route(page_and_ticket_paths("forget"), "POST", csrf=False)
    @checked_post
    def status_forget(self, slug, token=None, **kwargs):
        """ "Forget this device": end this browser's remembered device, its
        grants and its proved contact; the next visit asks for a code."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        request.env["helpdesk.status.page.device"]._forget_token(
            page, self._get_device_token()
        )
        self._grants._forget(request.session)
        response = self._redirect(page._get_path(token))
        return self._delete_device_cookie(response, page)

    @status_route(page_and_ticket_paths("signout-all"), "POST", csrf=False)
    @checked_post
    def status_signout_all(self, slug, token=None, **kwargs):
        """ "Sign out on all devices": end every remembered device, grant
        and proved contact of this browser's contact, in every browser."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        proof = self._get_proof(page)
        if proof:
            self._grants._sign_out_everywhere(request.session, proof, request.website)
        else:
            self._grants._forget(request.session)
        response = self._redirect(page._get_path(token))
        return self._delete_device_cookie(response, page)

    def _flash(self, **values):
        self._grants._set_flash(request.session, **values)
