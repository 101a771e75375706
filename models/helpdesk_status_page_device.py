# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ..tools.text import TOKEN_RE

DEVICE_SCOPE = "helpdesk_mgmt_status_page.device"
SETTINGS_SCOPE = "helpdesk_mgmt_status_page.device_settings"


class HelpdeskStatusPageDevice(models.Model):
    """A browser remembered after a code verification ("Remember this
    device"): it opens, with no code, the tickets of the contact it proved.

    The browser keeps a random token in a cookie; this row keeps only its
    keyed digest, with the verified contact's digest (never the address),
    the page, the ticket verified and its access version, the page's
    verification settings and a fixed expiry. It ends when any of them
    changes (see ``_is_valid``). No access rule for portal or public users:
    only reached through ``sudo()``.
    """

    _name = "helpdesk.status.page.device"
    _description = "Status Page Remembered Device"
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
        string="Ticket verified",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    token_hash = fields.Char(required=True, readonly=True)
    contact_kind = fields.Selection(
        [("email", "E-mail"), ("phone", "Phone")], required=True, readonly=True
    )
    contact_digest = fields.Char(required=True, readonly=True, index=True)
    access_version = fields.Integer(readonly=True)
    settings_fingerprint = fields.Char(required=True, readonly=True)
    expires_at = fields.Datetime(required=True, readonly=True, index=True)

    _sql_constraints = [
        ("token_hash_unique", "unique(token_hash)", "A device token is unique.")
    ]

    # === BUSINESS METHODS: REMEMBERED DEVICES ===#

    @api.model
    def _hash_token(self, token):
        """Keyed digest of a device token: what the database keeps, so that
        a copy of the table (a stolen digest) opens nothing."""
        return hmac(self.env(su=True), DEVICE_SCOPE, token)

    @api.model
    def _get_settings_fingerprint(self, page):
        """What the page's verification settings were when the device was
        remembered: a change of them ends it."""
        return hmac(
            self.env(su=True),
            SETTINGS_SCOPE,
            (page.id, page.verification_field, page.verification_method),
        )

    @api.model
    def _may_remember(self, page):
        """Whether ``page`` remembers devices: only after a one-time code
        (a plain match proves nothing), and only with a number of days."""
        return page.verification_method == "code" and page.remember_days > 0

    @api.model
    def _remember(self, page, ticket, kind):
        """Remember this browser for the contact of ``kind`` of ``ticket``,
        just verified by a code on ``page``.

        :return: the token for the browser's cookie; None when the page
            does not remember devices or the ticket has no such contact
        """
        stored = page._get_stored_contact(ticket, kind)
        if not (self._may_remember(page) and stored):
            return None
        token = secrets.token_urlsafe(32)
        self.sudo().create(
            {
                "page_id": page.id,
                "ticket_id": ticket.id,
                "token_hash": self._hash_token(token),
                "contact_kind": kind,
                "contact_digest": page._contact_digest(stored),
                "access_version": ticket.sudo().status_access_version,
                "settings_fingerprint": self._get_settings_fingerprint(page),
                "expires_at": fields.Datetime.now()
                + timedelta(days=page.remember_days),
            }
        )
        return token

    @api.model
    def _find(self, page, token):
        """The device of ``page`` whose cookie holds ``token``, while it
        still works; an empty recordset otherwise."""
        Device = self.sudo()
        if not (page and isinstance(token, str) and TOKEN_RE.fullmatch(token)):
            return Device
        token_hash = self._hash_token(token)
        device = Device.search_fetch(
            [("token_hash", "=", token_hash), ("page_id", "=", page.id)],
            [name for name, field in Device._fields.items() if field.column_type],
            limit=1,
        )
        if not (device and consteq(device.token_hash, token_hash)):
            return Device
        return device if device._is_valid() else Device

    def _is_valid(self):
        """Whether this device still opens tickets: the page still asks
        for codes and remembers devices for long enough (a lower number of
        days ends older devices), its verification settings and the
        ticket's access version (a new link, a contact change, "Sign out on
        all devices") are unchanged, and the ticket still has the contact
        that was verified."""
        self.ensure_one()
        page, ticket = self.page_id, self.ticket_id.sudo()
        now = fields.Datetime.now()
        if not (
            self._may_remember(page)
            and self.expires_at > now
            and self.create_date + timedelta(days=page.remember_days) > now
            # The ticket exists: its devices are deleted with it.
            and ticket.status_access_version == self.access_version
            and consteq(self.settings_fingerprint, self._get_settings_fingerprint(page))
        ):
            return False
        stored = page._get_stored_contact(ticket, self.contact_kind)
        return bool(stored) and consteq(
            self.contact_digest, page._contact_digest(stored)
        )

    @api.model
    def _forget_token(self, page, token):
        """ "Forget this device": delete the device of ``page`` whose
        cookie holds ``token``, whether it still works or not."""
        if page and isinstance(token, str) and TOKEN_RE.fullmatch(token):
            token_hash = self._hash_token(token)
            devices = self.sudo().search(
                [("token_hash", "=", token_hash), ("page_id", "=", page.id)]
            )
            devices.filtered(
                lambda device: consteq(device.token_hash, token_hash)
            ).unlink()

    @api.model
    def _forget_contact(self, pages, kind, digest):
        """End every device of the contact ``digest`` on ``pages``."""
        self.sudo().search(
            [
                ("page_id", "in", pages.ids),
                ("contact_kind", "=", kind),
                ("contact_digest", "=", digest),
            ]
        ).unlink()

    @api.model
    def _end_for_settings(self, pages):
        """After a change of ``pages``' verification settings or number of
        days: end their devices that no longer hold (all of them when the
        settings changed; the older ones when the days were lowered)."""
        if pages:
            self.sudo().search([("page_id", "in", pages.ids)]).filtered(
                lambda device: not device._is_valid()
            ).unlink()

    @api.model
    def _purge(self):
        """Delete the devices past their fixed expiry (daily purge cron)."""
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
