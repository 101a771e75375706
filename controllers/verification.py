# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools

from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..tools.text import MAX_CONTACT_INPUT, MAX_NUMBER_INPUT
from .status_page import StatusPageController, page_and_ticket_paths, status_route


def checked_post(handler):
    """POST only, its form's CSRF token checked here rather than by the
    framework (the route says ``csrf=False``): a form left open past its
    session gets the branded page with a way back, not a bare 400."""

    @functools.wraps(handler)
    def wrapper(self, *args, csrf_token=None, **kwargs):
        if not request.validate_csrf(csrf_token):
            return self._not_found(kwargs.get("slug"), status=400, expired=True)
        return handler(self, *args, **kwargs)

    return wrapper


class StatusPageVerification(StatusPageController):
    """The verification steps: contact, one-time code, resend, sign out.

    Every POST answers with a redirect to a GET page (post/redirect/get):
    the contact form or the code step, which reload, Back and a language
    switch show again without sending anything. A refusal travels to that
    page in the session (``helpdesk.status.grant._set_flash``).
    """

    def _get_code_path(self, page, token):
        return f"{page._get_path(token)}/code"

    def _flash(self, **values):
        self._grants._set_flash(request.session, **values)

    def _get_pending(self, page, token):
        """The ticket this browser is entering a code for, and the channel
        it chose; an empty ticket when none."""
        ticket = page._find_ticket_by_token(token) if token else None
        if token and not ticket:
            return ticket, None
        return self._grants._get_pending(request.session, page, ticket)

    def _rate_limit_ip(self, page):
        request.env["helpdesk.status.page.challenge"]._rate_limit_ip(
            page, request.httprequest.remote_addr
        )

    def _render_code_step(self, page, token, ticket, channel):
        """The code step of the pending verification; sends nothing."""
        return self._render(
            "helpdesk_mgmt_status_page.status_page_code",
            self._layout_values(
                page, token, **self._get_code_step_values(page, ticket, channel)
            ),
        )

    def _get_code_step_values(self, page, ticket, channel):
        """What the code step's template shows of the pending verification
        of ``ticket`` by ``channel``; the flashed refusal is consumed."""
        flash = self._grants._pop_flash(request.session)
        step = request.env["helpdesk.status.page.challenge"]._get_code_step(
            page, ticket, channel
        )
        paused = step["paused_until"]
        code_channel = step["code_channel"]
        return {
            # While paused, the pause says it all.
            "error": not paused and flash.get("error"),
            "notice": flash.get("notice"),
            "code_channel": code_channel,
            # Where the customer's codes go, even with none working now.
            "help_channel": code_channel or channel,
            "sent_to": code_channel and page._get_contact_hint(ticket, code_channel),
            "code_rules": request.env._(
                "The code has %(digits)s digits and works for %(minutes)s minutes.",
                digits=page.code_length,
                minutes=page.code_lifetime,
            ),
            "paused_until": paused and page._format_customer_time(paused, ticket),
            "paused_iso": paused and f"{paused.replace(microsecond=0).isoformat()}Z",
            "resend_wait": step["resend_wait"],
        }

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @status_route(page_and_ticket_paths("verify"), "POST", csrf=False)
    @checked_post
    def status_verify(self, slug, token=None, number=None, contact=None, **kwargs):
        """Check the contact; then grant, or send a code and go to the code
        step. A refusal goes back to the form with what was typed."""
        page = self._get_page(slug)
        ticket = page and token and page._find_ticket_by_token(token)
        if not page or (token and not ticket):
            return self._not_found(slug)
        try:
            request.env["ir.http"]._verify_request_recaptcha_token(
                "helpdesk_status_page"
            )
            self._rate_limit_ip(page)
            if not token:
                ticket = page._find_ticket_by_number(number)
            kind = page._verify_contact(ticket, contact, by_number=not token)
        except (UserError, AccessError) as error:
            self._flash(
                error=error.args[0],
                number=(number or "")[:MAX_NUMBER_INPUT],
                contact=(contact or "")[:MAX_CONTACT_INPUT],
            )
            return self._redirect(page._get_path(token))
        if page.verification_method == "match":
            self._grants._grant(request.session, page, ticket)
            return self._redirect(page._get_path(ticket.status_token))
        self._grants._set_pending(request.session, page, ticket, kind)
        try:
            request.env["helpdesk.status.page.challenge"]._send_code(
                page, ticket, kind, lang=request.env.lang
            )
        except UserError as error:
            self._flash(error=error.args[0])
        return self._redirect(self._get_code_path(page, token))

    @status_route(page_and_ticket_paths("code"))
    def status_code_step(self, slug, token=None, **kwargs):
        """The code step: where the code went, its rules, resend; the
        contact form when no verification is pending."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        ticket, channel = self._get_pending(page, token)
        if not ticket:
            return self._redirect(page._get_path(token))
        return self._render_code_step(page, token, ticket, channel)

    @status_route(page_and_ticket_paths("code"), "POST", csrf=False)
    @checked_post
    def status_code(self, slug, token=None, code=None, remember=None, **kwargs):
        """Check the one-time code; on success grant and show the ticket,
        keep the contact proved for "Your requests", and remember this
        device when the customer ticked it."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        ticket, channel = self._get_pending(page, token)
        if not ticket:
            return self._redirect(page._get_path(token))
        try:
            self._rate_limit_ip(page)
            request.env["helpdesk.status.page.challenge"]._check_code(
                page, ticket, code, lang=request.env.lang
            )
        except UserError as error:
            self._flash(error=error.args[0])
            return self._redirect(self._get_code_path(page, token))
        self._grants._grant(request.session, page, ticket)
        self._grants._set_proof(request.session, page, ticket, channel)
        response = self._redirect(page._get_path(ticket.status_token))
        device_token = remember and request.env[
            "helpdesk.status.page.device"
        ]._remember(page, ticket, channel)
        if device_token:
            self._set_device_cookie(response, page, device_token)
        return response

    @status_route(page_and_ticket_paths("resend"), "POST", csrf=False)
    @checked_post
    def status_resend(self, slug, token=None, **kwargs):
        """Send a new code to the contact verified before."""
        return self._resend_code(slug, token)

    def _resend_code(self, slug, token, kind=None):
        """Send a new code for the pending verification, and go back to
        the code step, which says it went or why not.

        :param str kind: how the code goes, when not to the contact
            verified (``_check_code_kind`` says whether it may)
        """
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        ticket, channel = self._get_pending(page, token)
        if not ticket:
            return self._redirect(page._get_path(token))
        kind = kind or channel
        try:
            self._rate_limit_ip(page)
            self._check_code_kind(page, ticket, channel, kind)
            request.env["helpdesk.status.page.challenge"]._send_code(
                page, ticket, kind, lang=request.env.lang
            )
        except UserError as error:
            self._flash(error=error.args[0])
        else:
            self._flash(notice="resent")
        return self._redirect(self._get_code_path(page, token))

    def _check_code_kind(self, page, ticket, channel, kind):
        """Hook: refuse to send the code of a customer verifying with
        ``channel`` by ``kind``; the contact verified may always get it.

        :raise UserError: the code step offers no code by ``kind``
        """

    @status_route(page_and_ticket_paths("another"), "POST", csrf=False)
    @checked_post
    def status_another(self, slug, token=None, **kwargs):
        """ "Use another e-mail or phone": drop the pending verification and
        go back to the form, the ticket number kept."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        ticket, _channel = self._get_pending(page, token)
        self._grants._clear_pending(request.session)
        if ticket and not token:
            self._flash(number=ticket.number)
        return self._redirect(page._get_path(token))

    @status_route(
        [
            path
            for action in (
                "verify",
                "resend",
                "another",
                "signout",
                "open",
                "forget",
                "signout-all",
            )
            for path in page_and_ticket_paths(action)
        ]
    )
    def status_form_answer(self, slug, token=None, **kwargs):
        """A GET on a form's address (a tab restored on an answer of
        before, an address copied from the bar) goes to the step the
        customer is on; it changes nothing."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        ticket, _channel = self._get_pending(page, token)
        if ticket:
            return self._redirect(self._get_code_path(page, token))
        return self._redirect(page._get_path(token))

    @status_route(page_and_ticket_paths("signout"), "POST", csrf=False)
    @checked_post
    def status_signout(self, slug, token=None, **kwargs):
        """Forget every status grant and pending code of this browser, and
        its remembered device: signed out means signed out."""
        page = self._get_page(slug)
        if not page:
            return self._not_found(slug)
        self._grants._forget(request.session)
        if self._get_device_token():
            request.env["helpdesk.status.page.device"]._forget_token(
                page, self._get_device_token()
            )
            response = self._redirect(page._get_path(token))
            return self._delete_device_cookie(response, page)
        return self._redirect(page._get_path(token))
