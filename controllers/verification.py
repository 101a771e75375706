# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..models.helpdesk_status_page_verification_mixin import (
    MAX_CONTACT_INPUT,
    MAX_NUMBER_INPUT,
)
from .status_page import StatusPageController, only_method


class StatusPageVerification(StatusPageController):
    """The verification steps: contact, one-time code, resend, sign out."""

    def _render_code_form(self, page, token, ticket, **values):
        # Right after a code is sent the wait is the whole delay.
        wait = (
            page.resend_delay
            if values.get("sent")
            else request.env["helpdesk.status.page.challenge"]._get_resend_wait(
                page, ticket
            )
        )
        return self._render(
            "helpdesk_mgmt_status_page.status_page_code",
            self._layout_values(page, token, resend_wait=wait, **values),
            status=400 if values.get("error") else 200,
        )

    def _get_pending(self, page, token):
        """The ticket this browser is entering a code for, if any."""
        ticket = page._find_ticket_by_token(token) if token else None
        if token and not ticket:
            return ticket, None
        return self._grants._get_pending(request.session, page, ticket)

    def _rate_limit_ip(self, page):
        request.env["helpdesk.status.page.challenge"]._rate_limit_ip(
            page, request.httprequest.remote_addr
        )

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @http.route(
        ["/status/<string:slug>/verify", "/status/<string:slug>/<string:token>/verify"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["POST"],
    )
    @only_method("POST")
    def status_verify(self, slug, token=None, number=None, contact=None, **kwargs):
        """Check the contact; then grant, or send a code and ask for it."""
        page = self._get_page(slug)
        ticket = page and token and page._find_ticket_by_token(token)
        if not page or (token and not ticket):
            return self._not_found()
        form = {
            "number": (number or "")[:MAX_NUMBER_INPUT],
            "contact": (contact or "")[:MAX_CONTACT_INPUT],
        }
        try:
            request.env["ir.http"]._verify_request_recaptcha_token(
                "helpdesk_status_page"
            )
            self._rate_limit_ip(page)
            if not token:
                ticket = page._find_ticket_by_number(number)
            kind = page._verify_contact(ticket, contact, by_number=not token)
        except (UserError, AccessError) as error:
            return self._render_form(
                page, token, ticket if token else None, error=error.args[0], form=form
            )
        if page.verification_method == "match":
            self._grants._grant(request.session, page, ticket)
            return self._redirect(page._get_path(ticket.status_token))
        self._grants._set_pending(request.session, page, ticket, kind)
        try:
            request.env["helpdesk.status.page.challenge"]._send_code(page, ticket, kind)
        except UserError as error:
            return self._render_code_form(page, token, ticket, error=error.args[0])
        return self._render_code_form(page, token, ticket, sent=kind)

    @http.route(
        ["/status/<string:slug>/code", "/status/<string:slug>/<string:token>/code"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["POST"],
    )
    @only_method("POST")
    def status_code(self, slug, token=None, code=None, **kwargs):
        """Check the one-time code; on success grant and show the ticket."""
        page = self._get_page(slug)
        if not page:
            return self._not_found()
        ticket, _channel = self._get_pending(page, token)
        if not ticket:
            return self._redirect(page._get_path(token))
        try:
            self._rate_limit_ip(page)
            request.env["helpdesk.status.page.challenge"]._check_code(
                page, ticket, code
            )
        except UserError as error:
            return self._render_code_form(page, token, ticket, error=error.args[0])
        self._grants._grant(request.session, page, ticket)
        return self._redirect(page._get_path(ticket.status_token))

    @http.route(
        ["/status/<string:slug>/resend", "/status/<string:slug>/<string:token>/resend"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["POST"],
    )
    @only_method("POST")
    def status_resend(self, slug, token=None, **kwargs):
        """Send a new code to the contact verified before."""
        page = self._get_page(slug)
        if not page:
            return self._not_found()
        ticket, channel = self._get_pending(page, token)
        if not ticket:
            return self._redirect(page._get_path(token))
        try:
            self._rate_limit_ip(page)
            request.env["helpdesk.status.page.challenge"]._send_code(
                page, ticket, channel
            )
        except UserError as error:
            return self._render_code_form(page, token, ticket, error=error.args[0])
        return self._render_code_form(page, token, ticket, sent=channel)

    @http.route(
        [
            "/status/<string:slug>/signout",
            "/status/<string:slug>/<string:token>/signout",
        ],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["POST"],
    )
    @only_method("POST")
    def status_signout(self, slug, token=None, **kwargs):
        """Forget every status grant and pending code of this browser."""
        page = self._get_page(slug)
        if not page:
            return self._not_found()
        self._grants._forget(request.session)
        return self._redirect(page._get_path(token))
