# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ipaddress
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac as hmac_tool

from ..tools.code import MAX_CODE_INPUT, fold_code, generate_code
from .helpdesk_status_page_verification_mixin import MAX_CONTACT_INPUT, clean_input

CODE_HASH_SCOPE = "helpdesk_mgmt_status_page.code"
HOUR = timedelta(hours=1)
# The longest window any limit looks at: older rows are purged.
DAY = timedelta(days=1)


class HelpdeskStatusPageChallenge(models.Model):
    """One-time codes and rate-limit counters of the public status page.

    Kept in the database, not in memory, so that the limits hold across
    workers and servers. Every limit locks its key before counting (see
    ``helpdesk.status.page.lock``). No access rule for portal or public
    users: only reached through ``sudo()``.
    """

    _name = "helpdesk.status.page.challenge"
    _inherit = ["helpdesk.status.page.code.message"]
    _description = "Status Page Verification Challenge"
    _order = "create_date desc, id desc"

    kind = fields.Selection(
        [
            ("code", "Code sent"),
            ("failure", "Wrong code entered"),
            ("request", "Verification request"),
            ("reply", "Message from the page"),
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

    def init(self):
        res = super().init()
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS helpdesk_status_page_challenge_ticket_index
                ON helpdesk_status_page_challenge (ticket_id, kind, create_date)
                WHERE ticket_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS helpdesk_status_page_challenge_ip_index
                ON helpdesk_status_page_challenge (ip, kind, create_date)
                WHERE ip IS NOT NULL;
            """
        )
        return res

    @api.model
    def _ticket_key(self, ticket):
        return f"ticket:{ticket.id}"

    # ------------------------------------------------------------
    # Rate limits
    # ------------------------------------------------------------

    @api.model
    def _take_slot(self, page, kind, cap, refusal, ticket=None, ip=None):
        """The one lock-and-count of the page's hourly limits: count the
        rows of ``kind`` of the last hour for ``ticket`` (else ``ip``),
        refuse at ``cap``, else record one more.

        The key is locked before counting and bumped after the insert (see
        ``helpdesk.status.page.lock``), so that parallel requests cannot
        pass the limit together, on any worker or server.

        :param int cap: rows allowed per hour; 0 refuses every request
        :param refusal: ``function(until)`` giving the message; ``until``
            is when the next request may pass (False with a cap of 0)
        :return: the new row
        :raise UserError: ``refusal(until)`` at the cap
        """
        key = f"{kind}:{ticket.id if ticket else ip}"
        Lock = self.env["helpdesk.status.page.lock"]
        Lock._lock_keys(key)
        Challenge = self.sudo()
        domain = [
            ("kind", "=", kind),
            ("ticket_id", "=", ticket.id) if ticket else ("ip", "=", ip),
            ("create_date", ">", fields.Datetime.now() - HOUR),
        ]
        if cap <= 0:
            raise UserError(refusal(False))
        # The cap-th latest row: the next request passes when it leaves
        # the hour.
        rows = Challenge.search(domain, order="create_date desc, id desc", limit=cap)
        if len(rows) >= cap:
            raise UserError(refusal(rows[-1].create_date + HOUR))
        row = Challenge.create(
            {
                "kind": kind,
                "page_id": page.id,
                "ticket_id": ticket and ticket.id,
                "ip": ip,
            }
        )
        Lock._bump_keys(key)
        return row

    @api.model
    def _get_ip_key(self, ip):
        """The network a limit counts ``ip`` in: an IPv4 address alone, an
        IPv6 address with its /64 (one customer's line or LAN gets a whole
        /64, and picks any address in it); anything else as given."""
        try:
            address = ipaddress.ip_address(ip or "")
        except ValueError:
            return (ip or "")[:64]
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.version == 6:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        return str(address)

    @api.model
    def _rate_limit_ip(self, page, ip):
        """Count one verification request of ``ip``; refuse over the limit.

        :param page: ``helpdesk.status.page`` (``max_requests_per_ip_hour``)
        :param str ip: the client's address (IPv6: counted by /64)
        :raise UserError: too many requests this hour
        """
        self._take_slot(
            page,
            "request",
            page.max_requests_per_ip_hour,
            lambda until: self.env._(
                "Too many attempts from your network. Try again after %(time)s.",
                time=page._format_customer_time(until),
            ),
            ip=self._get_ip_key(ip),
        )

    @api.model
    def _check_failures(self, page, ticket, rows):
        """Refuse codes for a ticket with too many wrong entries in 24 hours.

        ``max_failures_per_day`` counts across codes: with 10 and 4 digits a
        code is guessed with at most 10 / 10,000 = 0.1 % chance per ticket
        per day, however many codes are asked for.

        :param rows: the ticket's rows of the last 24 hours, newest first
        :raise UserError: the ticket is paused for now
        """
        unlock = self._get_pause_end(page, rows)
        if unlock:
            raise UserError(
                self.env._(
                    "Too many wrong codes. For your security, verification is "
                    "paused until %(time)s.",
                    time=page._format_customer_time(unlock, ticket),
                )
            )

    @api.model
    def _get_pause_end(self, page, rows):
        """When verification resumes for the ticket of ``rows``, or False."""
        failures = rows.filtered(lambda row: row.kind == "failure")
        cap = page.max_failures_per_day
        if len(failures) < cap:
            return False
        # Verification resumes when the cap-th latest failure leaves the window.
        return failures[cap - 1].create_date + DAY

    @api.model
    def _get_ticket_rows(self, ticket):
        """The ticket's codes and wrong entries of the last 24 hours, newest
        first, read in one query: every per-ticket limit counts from them."""
        return self.sudo().search_fetch(
            [
                ("kind", "in", ("code", "failure")),
                ("ticket_id", "=", ticket.id),
                ("create_date", ">", fields.Datetime.now() - DAY),
            ],
            [
                "kind",
                "page_id",
                "channel",
                "create_date",
                "expires_at",
                "attempts",
                "used",
                "code_hash",
            ],
        )

    @api.model
    def _get_codes_sent(self, rows):
        """The codes of the last hour among ``rows``, newest first."""
        since = fields.Datetime.now() - HOUR
        return rows.filtered(lambda row: row.kind == "code" and row.create_date > since)

    @api.model
    def _get_channel_label(self, channel):
        """How a code went, for a sentence: "by e-mail", "by SMS"."""
        if channel == "email":
            return self.env._("by e-mail")
        return self.env._("by SMS")

    @api.model
    def _get_send_refusal(self, page, ticket, rows, channel):
        """Why no code may go by ``channel`` now, and for how long.

        The resend delay holds per channel: it keeps a customer from
        flooding one inbox or phone, and choosing the phone after an e-mail
        code sent nothing to the phone yet. The hourly cap counts every
        channel, so that switching channels sends no more codes.

        :param rows: the ticket's rows of the last 24 hours, newest first
        :return: ``(seconds, message)``; ``(0, "")`` when a code may go
        """
        sent = self._get_codes_sent(rows)
        now = fields.Datetime.now()
        cap = page.max_codes_per_hour
        if len(sent) >= cap:
            # A code may go when the cap-th latest code leaves the hour.
            until = sent[cap - 1].create_date + HOUR
            return int((until - now).total_seconds()) + 1, self.env._(
                "Too many codes were sent for this ticket; the last one went "
                "%(channel)s. You can ask for a new one after %(time)s.",
                channel=self._get_channel_label(sent[0].channel),
                time=page._format_customer_time(until, ticket),
            )
        same = sent.filtered(lambda row: row.channel == channel)[:1]
        wait = same and page.resend_delay - int(
            (now - same.create_date).total_seconds()
        )
        if wait and wait > 0:
            return wait, self.env._(
                "A code was just sent %(channel)s. You can ask for a new one "
                "in %(seconds)s seconds.",
                channel=self._get_channel_label(channel),
                seconds=wait,
            )
        return 0, ""

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
        rows = self._get_ticket_rows(ticket)
        code = rows.filtered(lambda row: row.kind == "code")[:1]
        works = code and not code.used and code.expires_at > fields.Datetime.now()
        return {
            "resend_wait": self._get_send_refusal(page, ticket, rows, channel)[0],
            "paused_until": self._get_pause_end(page, rows),
            "code_channel": works and code.channel,
        }

    # ------------------------------------------------------------
    # Codes
    # ------------------------------------------------------------

    @api.model
    def _hash_code(self, ticket, code):
        return hmac_tool(self.env(su=True), CODE_HASH_SCOPE, (ticket.id, code))

    @api.model
    def _send_code(self, page, ticket, kind, lang=None):
        """Create a one-time code for ``ticket`` and queue it to its contact.

        The code is stored only as a keyed hash; only the ticket's latest
        code can be used. The ticket's limits are locked first, so that
        parallel requests cannot each send a code.

        :param page: ``helpdesk.status.page`` serving the ticket
        :param ticket: ``helpdesk.ticket``
        :param str kind: ``email`` or ``phone``
        :param str lang: language of the message (the page the customer is
            using); the template's (the ticket's status language) when not given
        :return: the ``code`` row
        :raise UserError: asked again too early on this channel, too many
            codes this hour, or too many wrong codes today
        """
        key = self._ticket_key(ticket)
        self.env["helpdesk.status.page.lock"]._lock_keys(key)
        rows = self._get_ticket_rows(ticket)
        self._check_failures(page, ticket, rows)
        refusal = self._get_send_refusal(page, ticket, rows, kind)[1]
        if refusal:
            raise UserError(refusal)
        code = generate_code(page.code_length)
        challenge = self.sudo().create(
            {
                "kind": "code",
                "page_id": page.id,
                "ticket_id": ticket.id,
                "channel": kind,
                "code_hash": self._hash_code(ticket, code),
                "expires_at": fields.Datetime.now()
                + timedelta(minutes=page.code_lifetime),
            }
        )
        self.env["helpdesk.status.page.lock"]._bump_keys(key)
        if kind == "email":
            self._queue_code_mail(ticket, code, lang)
        else:
            self._queue_code_sms(ticket, code, lang)
        return challenge

    @api.model
    def _normalize_code(self, code):
        """What the customer typed, as ASCII digits: spaces dropped, and
        Arabic-Indic or full-width digits (phone keyboards) read as digits.

        :raise UserError: too long to be a code
        """
        code = fold_code(clean_input(self.env, code, MAX_CONTACT_INPUT))
        if len(code) > MAX_CODE_INPUT:
            raise UserError(self.env._("This is not a code we sent."))
        return code

    @api.model
    def _check_code(self, page, ticket, code):
        """Check a code entered for ``ticket``; a right code works once.

        A code of the wrong length or with other characters than digits is
        refused without using an attempt: it cannot be one of ours.

        :param str code: what the customer typed
        :return: True
        :raise UserError: wrong, expired or used-up code,
            or too many wrong codes today
        """
        code = self._normalize_code(code)
        if len(code) != page.code_length or not code.isdigit():
            raise UserError(
                self.env._(
                    "Enter the %(count)s digits of the code we sent.",
                    count=page.code_length,
                )
            )
        key = self._ticket_key(ticket)
        self.env["helpdesk.status.page.lock"]._lock_keys(key)
        rows = self._get_ticket_rows(ticket)
        self._check_failures(page, ticket, rows)
        # Only the latest code counts: asking for a new one voids the others.
        codes = rows.filtered(lambda row: row.kind == "code")
        challenge = codes[:1]
        if (
            not challenge
            or challenge.used
            or challenge.page_id != page
            or challenge.expires_at <= fields.Datetime.now()
        ):
            raise UserError(self.env._("This code has expired. Ask for a new code."))
        if challenge.attempts >= page.max_attempts:
            raise UserError(
                self.env._("This code can no longer be used. Ask for a new code.")
            )
        code_hash = self._hash_code(ticket, code)
        if consteq(code_hash, challenge.code_hash):
            challenge.used = True
            self.env["helpdesk.status.page.lock"]._bump_keys(key)
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
        challenge.attempts += 1
        failure = self.sudo().create(
            {"kind": "failure", "page_id": page.id, "ticket_id": ticket.id}
        )
        self.env["helpdesk.status.page.lock"]._bump_keys(key)
        self._check_failures(page, ticket, failure | rows)
        left = page.max_attempts - challenge.attempts
        if not left:
            raise UserError(
                self.env._(
                    "Wrong code, and it cannot be tried again. Ask for a new code."
                )
            )
        raise UserError(self.env._("Wrong code. Attempts left: %(count)s.", count=left))

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_purge(self):
        """Delete rows older than the longest window any limit looks at, and
        the lock rows of the keys seen so far (made again on next use)."""
        self.sudo().search([("create_date", "<", fields.Datetime.now() - DAY)]).unlink()
        self.env["helpdesk.status.page.lock"]._purge()
