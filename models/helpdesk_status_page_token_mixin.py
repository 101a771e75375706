# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ..tools.text import TOKEN_RE


class HelpdeskStatusPageTokenMixin(models.AbstractModel):
    """A secret token that opens a ticket with no code, for the contact it
    was given to: a remembered device's cookie, a one-tap link's e-mail.

    The holder keeps a random token; the row keeps only its keyed digest
    (scope ``_token_scope``, so that a copy of the table, a stolen digest,
    opens nothing), with the page, the ticket, the digest of the contact it
    was given to (never the address), the ticket's access version and a
    fixed expiry. It opens nothing once the ticket's access version or that
    contact changes (``_holds_contact``). No access rule for portal or public
    users: only reached through ``sudo()``.
    """

    _name = "helpdesk.status.page.token.mixin"
    _description = "Status Page Token"
    _order = "id desc"
    # Scope of the tokens' keyed digests, one per model.
    _token_scope = None

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
        ondelete="cascade",
    )
    token_hash = fields.Char(required=True, readonly=True)
    contact_digest = fields.Char(required=True, readonly=True)
    access_version = fields.Integer(readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True, index=True)

    # === BUSINESS METHODS: TOKENS ===#

    @api.model
    def _hash_token(self, token):
        """Keyed digest of a token: what the database keeps."""
        return hmac(self.env(su=True), self._token_scope, token)

    @api.model
    def _new_token(self, page, ticket, digest, expires_at):
        """A new random token for the contact ``digest`` of ``ticket`` on
        ``page``, and the values of its row (the caller creates it).

        :return: ``(token, values)``
        """
        token = secrets.token_urlsafe(32)
        return token, {
            "page_id": page.id,
            "ticket_id": ticket.id,
            "token_hash": self._hash_token(token),
            "contact_digest": digest,
            "access_version": ticket.sudo().status_access_version,
            "expires_at": expires_at,
        }

    @api.model
    def _search_token(self, page, token, domain=(), limit=None):
        """The rows of ``page`` (and ``domain``) holding ``token``, whatever
        their state, their columns read; empty when ``token`` cannot be
        one."""
        Token = self.sudo()
        if not (page and isinstance(token, str) and TOKEN_RE.fullmatch(token)):
            return Token
        token_hash = self._hash_token(token)
        rows = Token.search_fetch(
            [("token_hash", "=", token_hash), ("page_id", "=", page.id), *domain],
            [name for name, field in Token._fields.items() if field.column_type],
            limit=limit,
        )
        return rows.filtered(lambda row: consteq(row.token_hash, token_hash))

    def _holds_contact(self, kind):
        """Whether the ticket still has the access version (no new link,
        contact change nor "Sign out on all devices" since) and the contact
        of ``kind`` this token was given for."""
        self.ensure_one()
        page, ticket = self.page_id, self.ticket_id.sudo()
        if ticket.status_access_version != self.access_version:
            return False
        stored = page._get_stored_contact(ticket, kind)
        return bool(stored) and consteq(
            self.contact_digest, page._contact_digest(stored)
        )

    @api.model
    def _purge(self):
        """Delete the tokens past their expiry (daily purge cron)."""
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
