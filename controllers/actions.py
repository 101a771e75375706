# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from odoo.exceptions import UserError
from odoo.http import request

from ..tools.text import MAX_MESSAGE_LENGTH, NONCE_RE
from ..tools.upload import FORM_OVERHEAD
from .status_page import ID_RE, StatusPageController, status_route

# What is kept of refused text, to give it back: a little more than allowed,
# so the customer sees what to shorten, without filling the session.
MAX_KEPT_TEXT = 2 * MAX_MESSAGE_LENGTH
# Most bytes of a form without files (a reason or a comment of at most
# MAX_MESSAGE_LENGTH characters, percent-encoded in the worst case).
MAX_TEXT_REQUEST = 4 * FORM_OVERHEAD


def max_reply_request(controller):
    """The reply route's body limit, from the pages' upload limits: a
    larger body is refused from its ``Content-Length`` (413) before Odoo
    reads it, instead of Odoo's global 128 MB."""
    return request.env["helpdesk.status.page"].sudo()._get_max_reply_request()


class StatusPageActions(StatusPageController):
    """What a verified customer does on the ticket view: reply with files,
    confirm and rate, or reopen. Every route is POST with CSRF, needs the
    ticket's grant, and answers with a redirect to the view (post, redirect,
    get): errors and the typed text come back once through the session,
    never in the URL."""

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _prepare_ticket_values(self, page, ticket, preview):
        values = super()._prepare_ticket_values(page, ticket, preview)
        before = request.params.get("before")
        before = int(before) if before and ID_RE.fullmatch(before) else None
        values.update(ticket._get_status_conversation(page, before=before))
        values.update(ticket._get_status_actions(page))
        # After a Refresh, what the tab showed: what is new since is marked.
        seen = None if preview else request.params.get("seen")
        values.update(ticket._get_status_updates(values, seen=seen))
        if not preview:
            flash = self._grants._pop_flash(request.session)
            if flash.get("ticket") == str(ticket.id):
                values["flash"] = flash
            values["form_nonce"] = secrets.token_urlsafe(24)
        return values

    def _get_granted(self, slug, token):
        """The page and ticket of an action, if this browser may act on it."""
        page = self._get_page(slug)
        ticket = page and page._find_ticket_by_token(token)
        if ticket and self._grants._is_granted(request.session, page, ticket):
            return page, ticket
        return None, None

    def _back(self, page, ticket, error=None, notice=None, **form):
        """Redirect to the ticket view, with a message and the typed text
        for the next view only."""
        kept = {key: (value or "")[:MAX_KEPT_TEXT] for key, value in form.items()}
        message = {"error": error} if error else {"notice": notice}
        self._grants._set_flash(request.session, ticket=ticket.id, **message, **kept)
        return self._redirect(page._get_path(ticket.status_token))

    def _act(self, page, ticket, action, notice, form):
        """Run ``action`` (the ticket's rule); refused input comes back with
        its message and what was typed."""
        nonce = request.params.get("nonce") or ""
        if not NONCE_RE.fullmatch(nonce):
            return self._back(
                page,
                ticket,
                error=request.env._("This form has expired. Please send it again."),
                **form,
            )
        try:
            action(nonce)
        except UserError as error:
            return self._back(page, ticket, error=error.args[0], **form)
        return self._back(page, ticket, notice=notice)

    def _read_uploads(self, page):
        """The uploaded files, each read up to the page's total size plus one
        byte (enough to refuse, never more in memory)."""
        budget = page.max_upload_mb * 2**20 + 1
        uploads = []
        for upload in request.httprequest.files.getlist("files"):
            if not upload.filename:
                continue
            data = upload.read(budget)
            budget = max(0, budget - len(data))
            uploads.append((upload.filename, data))
        return uploads

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @status_route(
        "/status/<string:slug>/<string:token>/reply",
        "POST",
        max_content_length=max_reply_request,
    )
    def status_reply(self, slug, token, message=None, **kwargs):
        """Post the customer's message and files on the ticket."""
        page, ticket = self._get_granted(slug, token)
        if not ticket:
            return self._not_found()
        message = message or ""
        return self._act(
            page,
            ticket,
            lambda nonce: ticket._post_status_reply(
                page, message, self._read_uploads(page), nonce
            ),
            request.env._("Your message was sent. Thank you."),
            {"message": message},
        )

    @status_route(
        "/status/<string:slug>/<string:token>/solved",
        "POST",
        max_content_length=MAX_TEXT_REQUEST,
    )
    def status_solved(self, slug, token, **kwargs):
        """The customer confirms that the request is solved."""
        page, ticket = self._get_granted(slug, token)
        if not ticket:
            return self._not_found()
        return self._act(
            page,
            ticket,
            lambda nonce: ticket._confirm_status_solved(page),
            request.env._("Thank you for confirming."),
            {},
        )

    @status_route(
        "/status/<string:slug>/<string:token>/rate",
        "POST",
        max_content_length=MAX_TEXT_REQUEST,
    )
    def status_rate(self, slug, token, rating=None, comment=None, **kwargs):
        """The customer rates the resolution from 1 to 5."""
        page, ticket = self._get_granted(slug, token)
        if not ticket:
            return self._not_found()
        value = int(rating) if rating in ("1", "2", "3", "4", "5") else 0
        return self._act(
            page,
            ticket,
            lambda nonce: ticket._rate_status(page, value, comment, nonce),
            request.env._("Thank you for your rating."),
            {"comment": comment},
        )

    @status_route(
        "/status/<string:slug>/<string:token>/reopen",
        "POST",
        max_content_length=MAX_TEXT_REQUEST,
    )
    def status_reopen(self, slug, token, reason=None, **kwargs):
        """The customer says the request is not solved, and why."""
        page, ticket = self._get_granted(slug, token)
        if not ticket:
            return self._not_found()
        return self._act(
            page,
            ticket,
            lambda nonce: ticket._reopen_status(page, reason, nonce),
            request.env._("Your request is open again. We will get back to you."),
            {"reason": reason},
        )

    @status_route(
        "/status/<string:slug>/<string:token>/followup",
        "POST",
        max_content_length=MAX_TEXT_REQUEST,
    )
    def status_followup(self, slug, token, question=None, **kwargs):
        """Past the reopen window, the customer asks a follow-up question:
        a new request, which this browser may see at once (same contact,
        no new code)."""
        page, ticket = self._get_granted(slug, token)
        if not ticket:
            return self._not_found()
        question = question or ""
        nonce = request.params.get("nonce") or ""
        if not NONCE_RE.fullmatch(nonce):
            return self._back(
                page,
                ticket,
                error=request.env._("This form has expired. Please send it again."),
                question=question,
            )
        try:
            followup = ticket._ask_status_followup(page, question, nonce)
        except UserError as error:
            return self._back(page, ticket, error=error.args[0], question=question)
        if not (followup and page._is_ticket_reachable(followup)):
            return self._back(
                page, ticket, notice=request.env._("Your question was sent.")
            )
        notice = request.env._(
            "Your question was sent as a new request, %(number)s. "
            "We will get back to you.",
            number=followup.number,
        )
        self._grants._grant(request.session, page, followup)
        return self._back(page, followup, notice=notice)
