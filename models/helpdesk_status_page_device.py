# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

DEVICE_SCOPE = "helpdesk_mgmt_status_page.device"
SETTINGS_SCOPE = "helpdesk_mgmt_status_page.device_settings"


class HelpdeskStatusPageDevice(models.Model):
    """A browser remembered after a code verification ("Remember this
    device"): it opens, with no code, the tickets of the contact it proved.

    The browser keeps a random token in a cookie (see the token mixin for
    what the row keeps), with the kind of contact verified, the page's
    verification settings and a fixed expiry. It ends when any of them
    changes (see ``_is_valid``).
    """

    _name = "helpdesk.status.page.device"
    _inherit = "helpdesk.status.page.token.mixin"
    _description = "Status Page Remembered Device"
    _token_scope = DEVICE_SCOPE

    # === FIELDS ===#

    ticket_id = fields.Many2one(string="Ticket verified")
    contact_kind = fields.Selection(
        [("email", "E-mail"), ("phone", "Phone")], required=True, readonly=True
    )
    # "Sign out on all devices" finds the contact's devices by it.
    contact_digest = fields.Char(index=True)
    settings_fingerprint = fields.Char(required=True, readonly=True)

    _sql_constraints = [
        ("token_hash_unique", "unique(token_hash)", "A device token is unique.")
    ]

    # === BUSINESS METHODS: REMEMBERED DEVICES ===#

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
        token, values = self._new_token(
            page,
            ticket,
            page._contact_digest(stored),
            fields.Datetime.now() + timedelta(days=page.remember_days),
        )
        self.sudo().create(
            {
                **values,
                "contact_kind": kind,
                "settings_fingerprint": self._get_settings_fingerprint(page),
            }
        )
        return token

    @api.model
    def _find(self, page, token):
        """The device of ``page`` whose cookie holds ``token``, while it
        still works; an empty recordset otherwise."""
        device = self._search_token(page, token, limit=1)
        return device if device and device._is_valid() else self.sudo()

    def _is_valid(self):
        """Whether this device still opens tickets: the page still asks
        for codes and remembers devices for long enough (a lower number of
        days ends older devices), its verification settings and the
        ticket's access version (a new link, a contact change, "Sign out on
        all devices") are unchanged, and the ticket still has the contact
        that was verified."""
        self.ensure_one()
        page = self.page_id
        now = fields.Datetime.now()
        return bool(
            self._may_remember(page)
            and self.expires_at > now
            and self.create_date + timedelta(days=page.remember_days) > now
            and consteq(self.settings_fingerprint, self._get_settings_fingerprint(page))
            # The ticket exists: its devices are deleted with it.
            and self._holds_contact(self.contact_kind)
        )

    @api.model
    def _forget_token(self, page, token):
        """ "Forget this device": delete the device of ``page`` whose
        cookie holds ``token``, whether it still works or not."""
        self._search_token(page, token).unlink()

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
