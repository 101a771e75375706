# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}
PENDING_KEY = "helpdesk_status_pending"


class StatusPageController(http.Controller):
    """Public status page: parse the request, call the page's rules, render.

    Every rule lives on ``helpdesk.status.page`` and
    ``helpdesk.status.page.challenge``; this class only translates HTTP.
    """

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _secure(self, response):
        response.headers.update(SECURITY_HEADERS)
        return response

    def _render(self, template, values, status=200):
        return self._secure(request.render(template, values, status=status))

    def _redirect(self, url):
        return self._secure(request.redirect(url, code=303))

    def _not_found(self):
        return self._render(
            "helpdesk_mgmt_status_page.status_page_not_found", {}, status=404
        )

    def _get_page(self, slug):
        website = request.website
        Page = request.env["helpdesk.status.page"].sudo()
        return Page.search_fetch(
            [
                ("slug", "=", (slug or "").lower()),
                ("website_id", "in", [website.id, False]),
                ("company_id", "in", [website.company_id.id]),
            ],
            [name for name, field in Page._fields.items() if field.column_type],
            limit=1,
        )

    def _page_url(self, page, token=None):
        path = f"/status/{page.slug}"
        return f"{path}/{token}" if token else path

    def _layout_values(self, page, token=None, **values):
        lang = request.env["res.lang"]._get_data(code=request.env.lang)
        return {
            "direction": lang.direction or "ltr",
            "page": page,
            "company": page.company_id,
            "base_path": self._page_url(page, token),
            "token": token,
            "contact_kinds": page._get_contact_kinds(),
            "languages": request.website.language_ids,
            **values,
        }

    def _get_grant(self, page, ticket):
        key = page._grant_session_key(ticket)
        return page._check_grant(ticket, request.session.get(key))

    def _grant(self, page, ticket):
        request.session[page._grant_session_key(ticket)] = page._make_grant(ticket)
        request.session.pop(PENDING_KEY, None)

    def _render_ticket(self, page, ticket, preview=False):
        if not preview:
            ticket._touch_status_page_view()
        values = ticket.with_context(lang=request.env.lang)._get_status_page_values(
            page
        )
        return self._render(
            "helpdesk_mgmt_status_page.status_page_ticket",
            self._layout_values(
                page, ticket.sudo().status_token, preview=preview, **values
            ),
        )

    def _render_form(self, page, token=None, ticket=None, **values):
        if ticket:
            values["hints"] = {
                kind: page._get_contact_hint(ticket, kind)
                for kind in page._get_contact_kinds()
            }
        return self._render(
            "helpdesk_mgmt_status_page.status_page_form",
            self._layout_values(page, token, **values),
            status=400 if values.get("error") else 200,
        )

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
        pending = request.session.get(PENDING_KEY) or {}
        if pending.get("page_id") != page.id:
            return None, None
        ticket = (
            request.env["helpdesk.ticket"]
            .sudo()
            .with_context(active_test=False)
            .browse(pending.get("ticket_id"))
            .exists()
        )
        if not page._is_ticket_reachable(ticket):
            return None, None
        if token and ticket.status_token != token:
            return None, None
        return ticket, pending.get("channel")

    def _check_ip(self, page):
        request.env["helpdesk.status.page.challenge"]._check_ip_limit(
            page, request.httprequest.remote_addr
        )

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @http.route(
        ["/status/<string:slug>", "/status/<string:slug>/<string:token>"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["GET"],
    )
    def status_page(self, slug, token=None, **kwargs):
        """Verification form; the ticket view when this browser has a grant.
        Never sends a code nor grants anything."""
        page = self._get_page(slug)
        if not page:
            return self._not_found()
        ticket = None
        if token:
            ticket = page._find_ticket_by_token(token)
            if not ticket:
                return self._not_found()
            if self._get_grant(page, ticket):
                return self._render_ticket(page, ticket)
        return self._render_form(page, token, ticket)

    @http.route(
        ["/status/<string:slug>/verify", "/status/<string:slug>/<string:token>/verify"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["POST"],
    )
    def status_verify(self, slug, token=None, number=None, contact=None, **kwargs):
        """Check the contact; then grant, or send a code and ask for it."""
        page = self._get_page(slug)
        ticket = page and (
            page._find_ticket_by_token(token)
            if token
            else page._find_ticket_by_number(number)
        )
        if not page or (token and not ticket):
            return self._not_found()
        form = {"number": number or "", "contact": contact or ""}
        hint_ticket = ticket if token else None
        kinds = page._get_contact_kinds()
        kind = page._guess_contact_kind(contact) if len(kinds) > 1 else kinds[0]
        try:
            request.env["ir.http"]._verify_request_recaptcha_token(
                "helpdesk_status_page"
            )
            self._check_ip(page)
            matched = ticket and page._match_contact(ticket, kind, contact)
        except (UserError, AccessError) as error:
            return self._render_form(
                page, token, hint_ticket, error=error.args[0], form=form
            )
        if not matched:
            if token:
                error = request.env._(
                    "This e-mail or phone does not match the ticket's contact."
                )
            else:
                error = request.env._(
                    "We could not find a ticket with this number and contact. "
                    "Check both and try again."
                )
            return self._render_form(page, token, hint_ticket, error=error, form=form)
        if page.verification_method == "match":
            self._grant(page, ticket)
            return self._redirect(self._page_url(page, ticket.status_token))
        request.session[PENDING_KEY] = {
            "page_id": page.id,
            "ticket_id": ticket.id,
            "channel": kind,
        }
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
    def status_code(self, slug, token=None, code=None, **kwargs):
        """Check the one-time code; on success grant and show the ticket."""
        page = self._get_page(slug)
        if not page:
            return self._not_found()
        ticket, _channel = self._get_pending(page, token)
        if not ticket:
            return self._redirect(self._page_url(page, token))
        try:
            self._check_ip(page)
            request.env["helpdesk.status.page.challenge"]._check_code(
                page, ticket, code
            )
        except UserError as error:
            return self._render_code_form(page, token, ticket, error=error.args[0])
        self._grant(page, ticket)
        return self._redirect(self._page_url(page, ticket.status_token))

    @http.route(
        ["/status/<string:slug>/resend", "/status/<string:slug>/<string:token>/resend"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["POST"],
    )
    def status_resend(self, slug, token=None, **kwargs):
        """Send a new code to the contact verified before."""
        page = self._get_page(slug)
        if not page:
            return self._not_found()
        ticket, channel = self._get_pending(page, token)
        if not ticket:
            return self._redirect(self._page_url(page, token))
        try:
            self._check_ip(page)
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
    def status_signout(self, slug, token=None, **kwargs):
        """Forget every status grant and pending code of this browser."""
        page = self._get_page(slug)
        if not page:
            return self._not_found()
        for key in list(request.session):
            if key.startswith("helpdesk_status_"):
                request.session.pop(key)
        return self._redirect(self._page_url(page, token))

    @http.route(
        "/status/<string:slug>/<string:token>/attachment/<int:attachment_id>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
        methods=["GET"],
    )
    def status_attachment(self, slug, token, attachment_id, **kwargs):
        """Download one attachment of a ticket this browser may see."""
        page = self._get_page(slug)
        ticket = page and page._find_ticket_by_token(token)
        if not (
            ticket and page.allow_attachment_download and self._get_grant(page, ticket)
        ):
            return self._not_found()
        if attachment_id not in ticket._get_status_page_attachments():
            return self._not_found()
        attachment = request.env["ir.attachment"].sudo().browse(attachment_id)
        stream = request.env["ir.binary"]._get_stream_from(attachment)
        return self._secure(stream.get_response(as_attachment=True))

    @http.route(
        "/status/preview/<int:ticket_id>",
        type="http",
        auth="user",
        website=True,
        sitemap=False,
        methods=["GET"],
    )
    def status_preview(self, ticket_id, page_id=None, **kwargs):
        """What the customer sees, for helpdesk users who may read the
        ticket, through its page or the page given; nothing is recorded."""
        user = request.env.user
        ticket = request.env["helpdesk.ticket"].browse(ticket_id).exists()
        if not (ticket and user.has_group("helpdesk_mgmt.group_helpdesk_user_own")):
            return self._not_found()
        try:
            ticket.check_access("read")
        except AccessError:
            return self._not_found()
        page = (
            request.env["helpdesk.status.page"].browse(int(page_id)).exists()
            if page_id and page_id.isdigit()
            else ticket.status_page_id
        )
        if not page:
            return self._not_found()
        return self._render_ticket(page.sudo(), ticket.sudo(), preview=True)
