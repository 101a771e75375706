# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ..tools.text import TOKEN_RE

TAP_SCOPE = "helpdesk_mgmt_status_page.one_tap"


class HelpdeskStatusPageTap(models.Model):
    """A one-tap link of a status e-mail: it opens its ticket once, with no
    code, for a few hours (page option ``email_one_tap``).

    The e-mail carries a random token; this row keeps only its keyed
    digest, with the ticket, the digest of the address it was sent to, the
    ticket's access version and a fixed expiry. "Used once" is the
    database's: the POST that uses it flips ``state`` from ``ready`` to
    ``used`` in one conditional UPDATE, so that parallel POSTs grant once.
    A newer e-mail to the same address supersedes the older links. No
    access rule for portal or public users: only reached through ``sudo()``.
    """

    _name = "helpdesk.status.page.tap"
    _description = "Status Page One-Tap Link"
    _order = "id desc"

    # === FIELDS ===#

    page_id = fields.Many2one(
        "helpdesk.status.page",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    token_hash = fields.Char(required=True, readonly=True)
    contact_digest = fields.Char(required=True, readonly=True)
    access_version = fields.Integer(readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True, index=True)
    state = fields.Selection(
        [("ready", "Ready"), ("used", "Used"), ("superseded", "Superseded")],
        required=True,
        readonly=True,
        default="ready",
    )

    _sql_constraints = [
        ("token_hash_unique", "unique(token_hash)", "A one-tap token is unique.")
    ]

    # === BUSINESS METHODS: ONE-TAP LINKS ===#

    @api.model
    def _hash_token(self, token):
        """Keyed digest of a one-tap token: what the database keeps."""
        return hmac(self.env(su=True), TAP_SCOPE, token)

    @api.model
    def _issue(self, page, tickets):
        """New one-tap tokens for the status e-mails ``page`` sends now to
        ``tickets``: one per ticket with an address, the older ready links
        to that same address superseded.

        :return: tuple of ``(ticket id, token)`` pairs, empty when the page
            does not offer one-tap links
        """
        if not (page.email_one_tap and tickets):
            return ()
        Tap = self.sudo()
        digests = {}
        for ticket in tickets.sudo():
            stored = page._get_stored_contact(ticket, "email")
            if stored:
                digests[ticket.id] = page._contact_digest(stored)
        if not digests:
            return ()
        Tap.search(
            [("ticket_id", "in", list(digests)), ("state", "=", "ready")]
        ).filtered(
            lambda tap: consteq(tap.contact_digest, digests[tap.ticket_id.id])
        ).write({"state": "superseded"})
        expires_at = fields.Datetime.now() + timedelta(hours=page.email_one_tap_hours)
        tokens = {ticket_id: secrets.token_urlsafe(32) for ticket_id in digests}
        versions = {
            ticket.id: ticket.status_access_version
            for ticket in tickets.sudo().browse(list(digests))
        }
        Tap.create(
            [
                {
                    "page_id": page.id,
                    "ticket_id": ticket_id,
                    "token_hash": self._hash_token(token),
                    "contact_digest": digests[ticket_id],
                    "access_version": versions[ticket_id],
                    "expires_at": expires_at,
                }
                for ticket_id, token in tokens.items()
            ]
        )
        return tuple(tokens.items())

    @api.model
    def _find(self, page, ticket, token):
        """The one-tap link of ``ticket`` on ``page`` holding ``token``,
        whatever its state; an empty recordset when none."""
        Tap = self.sudo()
        if not (
            page and ticket and isinstance(token, str) and TOKEN_RE.fullmatch(token)
        ):
            return Tap
        token_hash = self._hash_token(token)
        tap = Tap.search(
            [
                ("token_hash", "=", token_hash),
                ("page_id", "=", page.id),
                ("ticket_id", "=", ticket.id),
            ],
            limit=1,
        )
        return tap if tap and consteq(tap.token_hash, token_hash) else Tap

    def _get_refusal(self):
        """Why this link opens nothing now, as the verification form says
        it; None while it works. Reads only: a GET may call it."""
        if not self:
            return self.env._(
                "This link cannot open your request. Confirm your contact "
                "details below."
            )
        self.ensure_one()
        page, ticket = self.page_id, self.ticket_id.sudo()
        if self.state == "used":
            return self.env._(
                "This link from your e-mail was already used. Confirm your "
                "contact details below."
            )
        if self.state == "superseded":
            return self.env._(
                "A newer e-mail was sent about this request: use its link, or "
                "confirm your contact details below."
            )
        stored = page._get_stored_contact(ticket, "email")
        if ticket.status_access_version != self.access_version or not (
            stored and consteq(self.contact_digest, page._contact_digest(stored))
        ):
            return self.env._(
                "The contact details of this request changed since this e-mail "
                "was sent. Confirm your contact details below."
            )
        now = fields.Datetime.now()
        if not (
            page.email_one_tap
            and self.expires_at > now
            # Fewer hours on the page shorten the links already sent.
            and self.create_date + timedelta(hours=page.email_one_tap_hours) > now
        ):
            return self.env._(
                "This link from your e-mail has expired. Confirm your contact "
                "details below."
            )
        return None

    @api.model
    def _open(self, page, ticket, token, ip):
        """Use the one-tap link ``token`` of ``ticket`` on ``page`` (the
        POST of "Open my request"), within the per-network and per-ticket
        limits of an opening with no code; the caller then grants.

        :raise UserError: the link opens nothing (why, in one sentence), or
            a limit is reached (the link stays usable)
        """
        tap = self._find(page, ticket, token)
        refusal = tap._get_refusal()
        if refusal:
            raise UserError(refusal)
        self.env["helpdesk.status.page.challenge"]._rate_limit_open(page, ticket, ip)
        if not tap._use():
            raise UserError(tap._get_refusal())

    def _use(self):
        """Use this link, once: True for the one request whose conditional
        UPDATE flips it from ready to used. A parallel one waits for the
        row's lock, then updates nothing, or (Odoo's repeatable read) fails
        to serialize and is retried by Odoo, which then finds it used."""
        self.ensure_one()
        self.flush_recordset(["state"])
        self.env.cr.execute(
            "UPDATE helpdesk_status_page_tap SET state = 'used', "
            "write_date = (now() at time zone 'UTC') "
            "WHERE id = %s AND state = 'ready' RETURNING id",
            [self.id],
        )
        used = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["state"])
        return used

    @api.model
    def _purge(self):
        """Delete the links past their expiry (daily purge cron)."""
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
