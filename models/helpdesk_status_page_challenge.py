# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math
import threading
from collections import namedtuple
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac as hmac_tool

from ..tools.code import MAX_CODE_INPUT, fold_code, generate_code
from ..tools.limits import get_ip_key, get_next_slot
from ..tools.text import MAX_CONTACT_INPUT

CODE_HASH_SCOPE = "helpdesk_mgmt_status_page.code"
HOUR = timedelta(hours=1)
# The longest window any limit looks at: older rows are purged.
DAY = timedelta(days=1)
# Opens of one ticket with no code (remembered device, "Your requests") per
# hour: a grant lasts hours, so a customer needs a few at most.
OPENS_PER_HOUR = 20
# Old rows the purge cron deletes per batch (and commits).
PURGE_BATCH_SIZE = 1000

# A public limit: the rows it counts (their ``kind``), whose rows (``per``:
# one network, one ticket, one ticket's channel, or the ticket's latest
# code), at most how many (an integer, or the page's setting holding it) in
# which window (a timedelta, or the page's setting holding it in seconds).
RateLimit = namedtuple("RateLimit", "kind per cap window")
# Every public limit of the status page, each enforced by ``_take_slot``.
RATE_LIMITS = {
    # Verification requests (look-ups, contacts, codes entered) of a network.
    "request": RateLimit("request", "ip", "max_requests_per_ip_hour", HOUR),
    # Messages (replies, reopen reasons) through one ticket's page, whoever
    # sends them.
    "reply": RateLimit("reply", "ticket", "max_replies_per_hour", HOUR),
    # Codes sent for a ticket, every channel together.
    "code": RateLimit("code", "ticket", "max_codes_per_hour", HOUR),
    # Codes sent for a ticket by one channel: one per resend delay.
    "resend": RateLimit("code", "channel", 1, "resend_delay"),
    # Wrong codes entered for a ticket, across its codes.
    "failure": RateLimit("failure", "ticket", "max_failures_per_day", DAY),
    # Wrong entries of the ticket's latest code, counted on its row; a code
    # lives a day at most.
    "attempt": RateLimit("code", "code", "max_attempts", DAY),
    # Tickets opened with no code (a remembered device, "Your requests").
    "open": RateLimit("open", "ticket", OPENS_PER_HOUR, HOUR),
}
# What a limit reads of the rows it counts, in one query.
LIMIT_FIELDS = [
    "kind",
    "page_id",
    "channel",
    "create_date",
    "expires_at",
    "attempts",
    "used",
    "code_hash",
]


class HelpdeskStatusPageChallenge(models.Model):
    """One-time codes and rate-limit counters of the public status page.

    Kept in the database, not in memory, so that the limits hold across
    workers and servers. Every public limit (``RATE_LIMITS``) goes through
    ``_take_slot``, which locks its key before counting (see
    ``helpdesk.status.page.lock``). No access rule for portal or public
    users: only reached through ``sudo()``.
    """

    _name = "helpdesk.status.page.challenge"
    _description = "Status Page Verification Challenge"
    _order = "create_date desc, id desc"

    # === FIELDS ===#

    kind = fields.Selection(
        [
            ("code", "Code sent"),
            ("failure", "Wrong code entered"),
            ("request", "Verification request"),
            ("reply", "Message from the page"),
            ("open", "Opened with no code"),
        ],
        required=True,
        readonly=True,
    )
    page_id = fields.Many2one(
        "helpdesk.status.page", required=True, readonly=True, ondelete="cascade"
    )
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True, ondelete="cascade")
    ip = fields.Char(readonly=True)
    channel = fields.Selection([("email", "E-mail"), ("phone", "SMS")], readonly=True)
    code_hash = fields.Char(readonly=True)
    expires_at = fields.Datetime(readonly=True)
    attempts = fields.Integer(readonly=True)
    used = fields.Boolean(readonly=True)

    # === SCHEMA ===#

    def init(self):
        res = super().init()
        # The purge cron reads old rows by date.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS helpdesk_status_page_challenge_date_index
                ON helpdesk_status_page_challenge (create_date);
            CREATE INDEX IF NOT EXISTS helpdesk_status_page_challenge_ticket_index
                ON helpdesk_status_page_challenge (ticket_id, kind, create_date)
                WHERE ticket_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS helpdesk_status_page_challenge_ip_index
                ON helpdesk_status_page_challenge (ip, kind, create_date)
                WHERE ip IS NOT NULL;
            """
        )
        return res

    # === BUSINESS METHODS: RATE LIMITS ===#

    @api.model
    def _take_slot(self, page, limits, ticket=None, ip=None, channel=None, values=None):
        """The one lock-and-count of every public limit: lock the key of
        ``ticket`` (else of the network ``ip``), count its rows against each
        of ``limits`` in turn, refuse at the first one reached, else record
        ``values`` as a new row.

        The key is locked before counting and bumped after the insert (see
        ``helpdesk.status.page.lock``), so that parallel requests cannot
        pass a limit together, on any worker or server.

        :param page: ``helpdesk.status.page`` whose settings cap the limits
        :param limits: names in ``RATE_LIMITS``, checked in this order
        :param str ip: the client's network (see ``_get_ip_key``)
        :param str channel: the channel a code would go by (``resend``)
        :param dict values: the row to record (its ``kind`` included) when
            no limit is reached; None to count only, when what happens next
            is recorded by the caller (a wrong code, see ``_check_code``)
        :return: the rows counted, newest first, the new row first
        :raise UserError: the refusal of the first limit reached
        """
        key = self._get_limit_key(ticket, ip)
        Lock = self.env["helpdesk.status.page.lock"]
        Lock._lock_keys(key)
        rows = self._get_limit_rows(limits, ticket=ticket, ip=ip)
        for limit in limits:
            until, message = self._get_limit_refusal(page, limit, rows, ticket, channel)
            if until is not None:
                raise UserError(message)
        if values is None:
            return rows
        row = self.sudo().create(
            {
                "page_id": page.id,
                "ticket_id": ticket and ticket.id,
                "ip": ip if not ticket else None,
                **values,
            }
        )
        Lock._bump_keys(key)
        return row | rows

    @api.model
    def _get_limit_key(self, ticket=None, ip=None):
        """The lock key of the limits of ``ticket``, else of network ``ip``."""
        return f"ticket:{ticket.id}" if ticket else f"ip:{ip}"

    @api.model
    def _get_limit_rows(self, limits, ticket=None, ip=None):
        """The rows ``limits`` count, of ``ticket`` (else of network ``ip``),
        in the longest of their windows, newest first, read in one query."""
        kinds = {RATE_LIMITS[limit].kind for limit in limits}
        windows = [RATE_LIMITS[limit].window for limit in limits]
        # A window read from a setting is at most an hour (resend delay).
        window = max((w for w in windows if isinstance(w, timedelta)), default=HOUR)
        return self.sudo().search_fetch(
            [
                ("kind", "in", list(kinds)),
                ("ticket_id", "=", ticket.id) if ticket else ("ip", "=", ip),
                ("create_date", ">", fields.Datetime.now() - window),
            ],
            LIMIT_FIELDS,
            order="create_date desc, id desc",
        )

    @api.model
    def _get_limit_state(self, page, limit, rows, channel=None):
        """Where ``limit`` stands among ``rows``, for ``page``.

        :return: ``(until, counted)``: ``until`` is None while the limit
            lets one more pass, else when it will (False: never, a cap of
            0); ``counted`` are the rows it counts, newest first
        """
        rule = RATE_LIMITS[limit]
        cap = page[rule.cap] if isinstance(rule.cap, str) else rule.cap
        window = rule.window
        if isinstance(window, str):
            window = timedelta(seconds=page[window])
        counted = rows.filtered(lambda row: row.kind == rule.kind)
        if rule.per == "channel":
            counted = counted.filtered(lambda row: row.channel == channel)
        if rule.per == "code":
            # Counted on the latest code's own row: only it can be tried.
            code = counted[:1]
            return (False if code.attempts >= cap else None), code
        now = fields.Datetime.now()
        return get_next_slot(counted.mapped("create_date"), cap, window, now), counted

    @api.model
    def _get_limit_refusal(self, page, limit, rows, ticket=None, channel=None):
        """Whether ``limit`` refuses one more now, and in which words.

        :param rows: the rows of the limit's key (see ``_get_limit_rows``)
        :return: ``(until, message)``; ``until`` is None when it passes
            (then the message is empty), else as ``_get_limit_state``
        """
        if limit == "attempt":
            return self._get_code_refusal(page, rows)
        until, counted = self._get_limit_state(page, limit, rows, channel)
        if until is None:
            return None, ""
        if limit == "request":
            return until, self.env._(
                "Too many attempts from your network. Try again after %(time)s.",
                time=page._format_customer_time(until),
            )
        if limit == "reply":
            if not until:
                return until, self.env._(
                    "Messages cannot be sent from this page. Please contact support."
                )
            return until, self.env._(
                "You have sent many messages in the last hour. You can send "
                "another after %(time)s.",
                time=ticket._format_status_time(
                    until, ticket._get_status_shown_tz(page)
                ),
            )
        if limit == "open":
            return until, self.env._(
                "This request was opened many times in the last hour. Try "
                "again after %(time)s.",
                time=page._format_customer_time(until, ticket),
            )
        if limit == "code":
            return until, self.env._(
                "Too many codes were sent for this ticket; the last one went "
                "%(channel)s. You can ask for a new one after %(time)s.",
                channel=self._get_channel_label(counted[0].channel),
                time=page._format_customer_time(until, ticket),
            )
        if limit == "resend":
            return until, self.env._(
                "A code was just sent %(channel)s. You can ask for a new one "
                "in %(seconds)s seconds.",
                channel=self._get_channel_label(channel),
                seconds=self._get_wait_seconds(until),
            )
        # failure: every code of the ticket waits.
        return until, self.env._(
            "Too many wrong codes. For your security, verification is "
            "paused until %(time)s.",
            time=page._format_customer_time(until, ticket),
        )

    @api.model
    def _get_code_refusal(self, page, rows):
        """May the ticket's latest code be tried on ``page``: the per-code
        limit. Only the latest code counts (asking for a new one voids the
        others); it must be of this page, unused, unexpired, with attempts
        left.

        :return: ``(until, message)`` as ``_get_limit_refusal``
        """
        challenge = rows.filtered(lambda row: row.kind == "code")[:1]
        if (
            not challenge
            or challenge.used
            or challenge.page_id != page
            or challenge.expires_at <= fields.Datetime.now()
        ):
            return False, self.env._("This code has expired. Ask for a new code.")
        if self._get_limit_state(page, "attempt", rows)[0] is not None:
            return False, self.env._(
                "This code can no longer be used. Ask for a new code."
            )
        return None, ""

    @api.model
    def _get_wait_seconds(self, until):
        """Whole seconds from now until ``until``, rounded up."""
        return math.ceil((until - fields.Datetime.now()).total_seconds())

    @api.model
    def _get_channel_label(self, channel):
        """How a code went, for a sentence: "by e-mail", "by SMS"."""
        if channel == "email":
            return self.env._("by e-mail")
        return self.env._("by SMS")

    @api.model
    def _get_ip_key(self, ip):
        """The network a limit counts ``ip`` in (see ``get_ip_key``)."""
        return get_ip_key(ip)

    @api.model
    def _rate_limit_ip(self, page, ip):
        """Count one verification request of ``ip``; refuse over the limit.

        :param page: ``helpdesk.status.page`` (``max_requests_per_ip_hour``)
        :param str ip: the client's address (IPv6: counted by /64)
        :raise UserError: too many requests this hour
        """
        self._take_slot(
            page, ["request"], ip=self._get_ip_key(ip), values={"kind": "request"}
        )

    @api.model
    def _rate_limit_open(self, page, ticket, ip):
        """Count one opening of ``ticket`` with no code (a remembered
        device, "Your requests"): a verification request of ``ip``'s
        network, refused while the ticket's verification is paused after
        wrong codes, and at most ``OPENS_PER_HOUR`` per ticket.

        :raise UserError: a limit is reached
        """
        self._rate_limit_ip(page, ip)
        self._take_slot(
            page, ["failure", "open"], ticket=ticket, values={"kind": "open"}
        )

    @api.model
    def _get_code_step(self, page, ticket, channel):
        """What the code step shows for ``ticket`` without sending anything:
        when a new code may be asked, until when verification is paused,
        and until when the latest code works.

        :param channel: the channel a new code would go by
        :return: dict with ``resend_wait`` (seconds), ``paused_until`` (naive
            UTC datetime or False) and ``code_channel``, the channel of the
            code that works now (False when none does)
        """
        limits = ["code", "resend", "failure"]
        rows = self._get_limit_rows(limits, ticket=ticket)
        code = rows.filtered(lambda row: row.kind == "code")[:1]
        works = code and not code.used and code.expires_at > fields.Datetime.now()
        resend_wait = 0
        for limit in ("code", "resend"):
            until = self._get_limit_state(page, limit, rows, channel)[0]
            if until is not None:
                resend_wait = self._get_wait_seconds(until)
                break
        return {
            "resend_wait": resend_wait,
            "paused_until": self._get_limit_state(page, "failure", rows)[0] or False,
            "code_channel": works and code.channel,
        }

    # === BUSINESS METHODS: CODES ===#

    @api.model
    def _hash_code(self, ticket, code):
        return hmac_tool(self.env(su=True), CODE_HASH_SCOPE, (ticket.id, code))

    @api.model
    def _send_code(self, page, ticket, kind, lang=None):
        """Create a one-time code for ``ticket`` and queue it to its contact.

        The code is stored only as a keyed hash; only the ticket's latest
        code can be used. The ticket's limits (paused after wrong codes,
        codes per hour, resend delay per channel) are locked and counted
        first, so that parallel requests cannot each send a code.

        :param page: ``helpdesk.status.page`` serving the ticket
        :param ticket: ``helpdesk.ticket``
        :param str kind: ``email`` or ``phone``
        :param str lang: language of the message (the page the customer is
            using); the template's (the ticket's status language) when not given
        :return: the ``code`` row
        :raise UserError: asked again too early on this channel, too many
            codes this hour, or too many wrong codes today
        """
        code = generate_code(page.code_length)
        challenge = self._take_slot(
            page,
            ["failure", "code", "resend"],
            ticket=ticket,
            channel=kind,
            values={
                "kind": "code",
                "channel": kind,
                "code_hash": self._hash_code(ticket, code),
                "expires_at": fields.Datetime.now()
                + timedelta(minutes=page.code_lifetime),
            },
        )[:1]
        self._queue_code(page, ticket, kind, code, lang)
        return challenge

    @api.model
    def _normalize_code(self, code):
        """What the customer typed, as ASCII digits: spaces dropped, and
        Arabic-Indic or full-width digits (phone keyboards) read as digits.

        :raise UserError: too long to be a code
        """
        code = fold_code(
            self.env["helpdesk.status.page"]._clean_input(code, MAX_CONTACT_INPUT)
        )
        if len(code) > MAX_CODE_INPUT:
            raise UserError(self.env._("This is not a code we sent."))
        return code

    @api.model
    def _check_code(self, page, ticket, code, lang=None):
        """Check a code entered for ``ticket``; a right code works once.

        Nothing typed, or a code of the wrong length or with other
        characters than digits, is refused without using an attempt: it
        cannot be one of ours. The messages are GOV.UK's ("Enter the
        4-digit code", "The code must be 4 numbers").

        The latest code, entered right but too late, sends a new one by
        the same channel when the limits allow it (see
        ``_resend_expired_code``).

        :param str code: what the customer typed
        :param str lang: language of a new code's message (the page's)
        :return: True
        :raise UserError: wrong, expired or used-up code,
            or too many wrong codes today
        """
        code = self._normalize_code(code)
        if not code:
            raise UserError(
                self.env._("Enter the %(count)s-digit code", count=page.code_length)
            )
        if len(code) != page.code_length or not code.isdigit():
            raise UserError(
                self.env._("The code must be %(count)s numbers", count=page.code_length)
            )
        try:
            rows = self._take_slot(page, ["failure", "attempt"], ticket=ticket)
        except UserError:
            self._resend_expired_code(page, ticket, code, lang)
            raise
        codes = rows.filtered(lambda row: row.kind == "code")
        challenge = codes[:1]
        key = self._get_limit_key(ticket)
        Lock = self.env["helpdesk.status.page.lock"]
        code_hash = self._hash_code(ticket, code)
        if consteq(code_hash, challenge.code_hash):
            challenge.used = True
            Lock._bump_keys(key)
            return True
        # An older code is a customer reading the wrong message, not a guess:
        # say so, without using an attempt.
        if any(consteq(code_hash, older.code_hash) for older in codes[1:]):
            raise UserError(
                self.env._(
                    "This code was replaced by a newer one. Enter the code of "
                    "the last message we sent."
                )
            )
        # A wrong code: counted against the code and the ticket's day, under
        # the lock taken above.
        challenge.attempts += 1
        failure = self.sudo().create(
            {"kind": "failure", "page_id": page.id, "ticket_id": ticket.id}
        )
        Lock._bump_keys(key)
        until, paused = self._get_limit_refusal(page, "failure", failure | rows, ticket)
        if until is not None:
            raise UserError(paused)
        left = page.max_attempts - challenge.attempts
        if not left:
            raise UserError(
                self.env._(
                    "Wrong code, and it cannot be tried again. Ask for a new code."
                )
            )
        raise UserError(self.env._("Wrong code. Attempts left: %(count)s.", count=left))

    @api.model
    def _resend_expired_code(self, page, ticket, code, lang=None):
        """After a refused code: when ``code`` is the ticket's latest code,
        unused but expired, send a new one by its channel, as a resend
        would (every limit of ``_send_code`` applies), and say so.

        Only the right code of a customer who came back late sends one: a
        wrong code never makes a message go to the customer.

        :raise UserError: "That code has expired – we sent you a new one",
            when one was sent; returns (nothing sent) otherwise
        """
        latest = self._get_limit_rows(["attempt"], ticket=ticket)
        latest = latest.filtered(lambda row: row.kind == "code")[:1]
        if not (
            latest
            and not latest.used
            and latest.page_id == page
            and latest.expires_at <= fields.Datetime.now()
            and consteq(self._hash_code(ticket, code), latest.code_hash)
        ):
            return
        try:
            self._send_code(page, ticket, latest.channel, lang=lang)
        except UserError:
            return
        raise UserError(self.env._("That code has expired – we sent you a new one"))

    # === BUSINESS METHODS: CODE MESSAGES ===#

    @api.model
    def _queue_code(self, page, ticket, kind, code, lang):
        """Queue the message carrying ``code`` by the channel ``kind``
        (``email``, else ``phone``: an SMS); other channels (bridges) add
        theirs here."""
        if kind == "email":
            self._queue_code_mail(ticket, code, lang)
        else:
            self._queue_code_sms(ticket, code, lang)

    @api.model
    def _queue_code_mail(self, ticket, code, lang):
        """Queue the code e-mail, linked to no record: never in the chatter,
        deleted once sent. Rendered without a notification layout, a code
        needs none and the customer waits for it."""
        # A data record, looked up from the cache without a query for its
        # existence: the customer waits for this e-mail.
        template_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "helpdesk_mgmt_status_page.mail_template_status_code"
        )
        template = self.env["mail.template"].sudo().browse(template_id)
        # The customer (language) and the company (sender) in one read.
        (ticket.partner_id | ticket.company_id.partner_id).fetch(
            ["lang", "name", "email"]
        )
        values = template.with_context(
            status_code=code, template_preview_lang=lang
        )._generate_template(ticket.ids, ("subject", "body_html", "email_from"))[
            ticket.id
        ]
        self.env["mail.mail"].sudo().create(
            {
                "subject": values["subject"],
                "body_html": values["body_html"],
                "email_from": values["email_from"],
                "reply_to": values["email_from"],
                "author_id": ticket.company_id.partner_id.id,
                "email_to": ticket._get_status_email(),
                "auto_delete": True,
            }
        )

    @api.model
    def _queue_code_sms(self, ticket, code, lang):
        """Queue the code SMS, without a chatter message."""
        template = self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_status_code"
        ).sudo()
        body = template.with_context(
            status_code=code, template_preview_lang=lang
        )._render_field("body", ticket.ids, compute_lang=True)[ticket.id]
        # WebOTP: phones offer a code whose last line names the page's host.
        body += f"\n\n@{ticket.status_page_id._get_webotp_host()} #{code}"
        self.env["sms.sms"].sudo().create(
            {
                "number": ticket._format_status_phone() or ticket.partner_phone,
                "body": body,
                "partner_id": ticket.partner_id.id,
                "state": "outgoing",
            }
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()

    # === BUSINESS METHODS: CRON ===#

    @api.model
    def _cron_purge(self, batch_size=PURGE_BATCH_SIZE):
        """Delete rows older than the longest window any limit looks at,
        ``batch_size`` at a time (each batch committed, in the same number
        of queries, in bounded memory), and the lock rows of the keys seen
        so far (made again on next use)."""
        domain = [("create_date", "<", fields.Datetime.now() - DAY)]
        Challenge = self.sudo()
        Cron = self.env["ir.cron"]
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        remaining = Challenge.search_count(domain)
        done, last_id = 0, 0
        while batch := Challenge.search(
            domain + [("id", ">", last_id)], order="id", limit=batch_size
        ):
            last_id = batch[-1].id
            batch.unlink()
            done, remaining = done + len(batch), max(remaining - len(batch), 0)
            Cron._notify_progress(done=done, remaining=remaining)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.invalidate_all()
        self.env["helpdesk.status.page.lock"]._purge()
        self.env["helpdesk.status.page.device"]._purge()
        self.env["helpdesk.status.page.tap"]._purge()
