# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html


class HelpdeskStatusActionMixin(models.AbstractModel):
    """What a verified customer does from the status page, as the ticket's
    contact: reply with files, confirm the resolution and rate it, or
    reopen. Inherited by ``helpdesk.ticket``; the page's options
    (``helpdesk.status.page.action.mixin``) decide what is allowed.
    """

    _name = "helpdesk.status.action.mixin"
    _description = "Status Page Customer Actions"

    status_solved_confirmed = fields.Datetime(
        string="Solution confirmed",
        copy=False,
        readonly=True,
        help="When the customer last confirmed on the status page that the "
        "request is solved.",
    )

    # ------------------------------------------------------------
    # What the page offers
    # ------------------------------------------------------------

    def _get_status_resolved_at(self):
        """When the ticket last entered the resolved status (from its
        history), in one query; False when it is not resolved now."""
        self.ensure_one()
        if self.stage_id.main_status != "resolved":
            return False
        self.env["helpdesk.ticket.status.log"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT max(date) FROM (
                    SELECT date, main_status,
                           lag(main_status) OVER (ORDER BY date, id) AS previous
                      FROM helpdesk_ticket_status_log WHERE ticket_id = %s
                ) rows
                 WHERE main_status = 'resolved'
                   AND previous IS DISTINCT FROM 'resolved'
                """,
                self.id,
            )
        )
        return self.env.cr.fetchone()[0] or self.last_stage_update

    def _get_status_solved_state(self, page):
        """Where the customer stands with a resolved ticket.

        :return: ``(state, deadline)``; state is False (not resolved),
            ``ask`` (is it solved?), ``rate`` (confirmed, not rated yet),
            ``done`` (confirmed and rated) or ``expired`` (past the window)
        """
        resolved_at = self._get_status_resolved_at()
        if not resolved_at:
            return False, False
        deadline = page._get_reopen_deadline(self, resolved_at)
        if not page._is_reopen_window_open(self, resolved_at):
            return "expired", deadline
        confirmed = self.status_solved_confirmed
        if not confirmed or confirmed < resolved_at:
            return "ask", deadline
        if self._get_status_rating(resolved_at):
            return "done", deadline
        return "rate", deadline

    def _get_status_rating(self, since):
        """The customer's rating of the current resolution, if any."""
        return (
            self.env["rating.rating"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "helpdesk.ticket"),
                    ("res_id", "=", self.id),
                    ("consumed", "=", True),
                    ("create_date", ">=", since),
                ],
                limit=1,
            )
        )

    def _get_status_actions(self, page):
        """What the view offers the customer now, for the template."""
        self.ensure_one()
        stage = self.stage_id
        solved, deadline = self._get_status_solved_state(page)
        return {
            "waiting": stage.waiting_on_customer,
            "instructions": stage.waiting_on_customer and stage.customer_instructions,
            "can_reply": page._is_reply_allowed(self),
            "solved": solved,
            "can_reopen": bool(page.reopen_stage_id) and page._accepts_messages(),
            "reopen_until": solved == "ask"
            and self.env._(
                "You can answer until %(time)s.",
                time=self._format_status_time(deadline, self._get_status_page_tz()),
            ),
            "upload_accept": ",".join(
                f".{ext}" for ext in page._get_upload_extensions()
            ),
            "upload_help": self.env._(
                "Up to %(files)s files, %(size)s MB in all.",
                files=page.max_upload_files,
                size=page.max_upload_mb,
            ),
        }

    # ------------------------------------------------------------
    # Limits
    # ------------------------------------------------------------

    def _rate_limit_status_post(self, page):
        """Count one message sent through this ticket's page, whoever its
        author, accepted or not; refuse over the page's hourly limit.

        Counted by ``helpdesk.status.page.challenge._take_slot`` (the lock
        and count of every public limit), so that parallel posts cannot pass
        the limit together; called before the costly checks (files), so that
        refused uploads count too.

        :raise UserError: too many messages this hour, or none allowed
        """
        self.ensure_one()
        self.env["helpdesk.status.page.challenge"]._take_slot(
            page, ["reply"], ticket=self, values={"kind": "reply"}
        )

    @contextmanager
    def _claim_status_form(self, nonce):
        """Claim the form with ``nonce`` for what runs inside; yields whether
        it acts now (False: already sent).

        The claim is undone with the rest when the form is refused (a
        ``UserError`` from inside): refused forms leave no claim behind,
        and the same form can be sent again once corrected.
        """
        with self.env.cr.savepoint():
            yield self.env["helpdesk.status.page.lock"]._claim_key(
                f"form:{self.id}:{nonce}"
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _post_status_message(self, text, attachments=None):
        """Post ``text`` (plain) as the customer, a comment notified to the
        followers the standard way."""
        return (
            self.sudo()
            .with_context(mail_create_nosubscribe=True)
            .message_post(
                body=plaintext2html(text),
                author_id=self.partner_id.id or None,
                email_from=self.partner_id.email_formatted or self.partner_email,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=attachments or [],
            )
        )

    def _post_status_reply(self, page, text, uploads, nonce):
        """Post the customer's reply with files; from a waiting stage, move
        the ticket to the stage's reply stage. The message is counted
        against the hourly limit first (refused files count too), then the
        files are checked; nothing else is written unless all checks pass.

        :param page: ``helpdesk.status.page`` serving the ticket
        :param str text: the customer's plain text
        :param uploads: ``[(file name, bytes)]``
        :param str nonce: the form's one-time nonce
        :return: the message, or False when this form was already sent
        :raise UserError: replies not allowed now, or refused input
        """
        self.ensure_one()
        if not page._is_reply_allowed(self):
            raise UserError(self.env._("Replies are not possible at this stage."))
        text = page._clean_reply_text(text)
        self._rate_limit_status_post(page)
        with self._claim_status_form(nonce) as claimed:
            if not claimed:
                return False
            uploads = page._check_uploads(uploads)
            message = self._post_status_message(text, uploads)
            stage = self.stage_id
            if stage.waiting_on_customer and stage.customer_reply_stage_id:
                self.sudo().stage_id = stage.customer_reply_stage_id
        return message

    def _check_status_solved_state(self, page, *states):
        state, _deadline = self._get_status_solved_state(page)
        if state not in states:
            raise UserError(
                self.env._(
                    "This is no longer possible from this page. Please contact support."
                )
            )
        return state

    def _confirm_status_solved(self, page):
        """The customer says the request is solved: record it, once per
        resolution, and note it on the chatter."""
        self.ensure_one()
        if self._check_status_solved_state(page, "ask", "rate", "done") != "ask":
            return  # a double submit: confirmed already
        self.sudo().status_solved_confirmed = fields.Datetime.now()
        self.sudo()._message_log(
            body=self.env._("The customer confirmed that the request is solved."),
            author_id=self.partner_id.id or None,
        )

    def _rate_status(self, page, value, comment, nonce):
        """Store the customer's 1-5 rating of this resolution as a core
        ``rating.rating`` (rated partner: the assigned agent).

        :return: the rating, or False when this form was already sent
        :raise UserError: not confirmed, already rated, or a wrong value
        """
        self.ensure_one()
        if value not in range(1, 6):
            raise UserError(self.env._("Choose a rating from 1 to 5."))
        comment = page._clean_reply_text(comment, required=False)
        with self._claim_status_form(nonce) as claimed:
            if not claimed:
                return False
            self.env["helpdesk.status.page.lock"]._lock_keys(f"rate:{self.id}")
            self._check_status_solved_state(page, "rate")
            rating = (
                self.env["rating.rating"]
                .sudo()
                .create(
                    {
                        "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                        "res_id": self.id,
                        "rating": value,
                        "feedback": comment,
                        "partner_id": self.partner_id.id,
                        "rated_partner_id": self.user_id.partner_id.id,
                        "consumed": True,
                    }
                )
            )
            self.env["helpdesk.status.page.lock"]._bump_keys(f"rate:{self.id}")
        self.sudo()._message_log(
            body=plaintext2html(
                self.env._("Rating: %(value)s/5", value=value)
                + (f"\n{comment}" if comment else "")
            ),
            author_id=self.partner_id.id or None,
        )
        return rating

    def _reopen_status(self, page, reason, nonce):
        """The customer says the request is not solved: post the reason as
        theirs and move the ticket to the page's reopen stage.

        :return: the message, or False when this form was already sent
        :raise UserError: past the window, no reopen stage, or no reason
        """
        self.ensure_one()
        self._check_status_solved_state(page, "ask", "rate", "done")
        if not (page.reopen_stage_id and page._accepts_messages()):
            raise UserError(
                self.env._("To reopen this request, please contact support.")
            )
        reason = page._clean_reply_text(reason)
        self._rate_limit_status_post(page)
        with self._claim_status_form(nonce) as claimed:
            if not claimed:
                return False
            message = self._post_status_message(reason)
            self.sudo().stage_id = page.reopen_stage_id
        return message
