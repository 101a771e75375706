# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq

TAP_SCOPE = "helpdesk_mgmt_status_page.one_tap"


class HelpdeskStatusPageTap(models.Model):
    """A one-tap link of a status e-mail: it opens its ticket once, with no
    code, for a few hours (page option ``email_one_tap``).

    The e-mail carries a random token (see the token mixin for what the row
    keeps: here the digest of the address it was sent to). "Used once" is
    the database's: the POST that uses it flips ``state`` from ``ready`` to
    ``used`` in one conditional UPDATE, so that parallel POSTs grant once.
    A newer e-mail to the same address supersedes the older links.
    """

    _name = "helpdesk.status.page.tap"
    _inherit = "helpdesk.status.page.token.mixin"
    _description = "Status Page One-Tap Link"
    _token_scope = TAP_SCOPE

    # === FIELDS ===#

    # A newer e-mail supersedes the ticket's ready links.
    ticket_id = fields.Many2one(index=True)
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
        tokens, values = {}, []
        for ticket in tickets.sudo().browse(list(digests)):
            tokens[ticket.id], row = self._new_token(
                page, ticket, digests[ticket.id], expires_at
            )
            values.append(row)
        Tap.create(values)
        return tuple(tokens.items())

    @api.model
    def _find(self, page, ticket, token):
        """The one-tap link of ``ticket`` on ``page`` holding ``token``,
        whatever its state; an empty recordset when none."""
        if not ticket:
            return self.sudo()
        return self._search_token(page, token, [("ticket_id", "=", ticket.id)], limit=1)

    def _get_refusal(self):
        """Why this link opens nothing now, as the verification form says
        it; None while it works. Reads only: a GET may call it."""
        if not self:
            return self.env._(
                "This link cannot open your request. Confirm your contact "
                "details below."
            )
        self.ensure_one()
        page = self.page_id
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
        if not self._holds_contact("email"):
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
