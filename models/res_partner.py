# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# What the status page verifies tickets against, when it is the contact's.
STATUS_CONTACT_FIELDS = {"email", "phone", "mobile"}
# The partner's fields a company shows as its own name and logo.
BRAND_FIELDS = {"name", "image_1920"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        tickets = self.env["helpdesk.ticket"]
        if STATUS_CONTACT_FIELDS.intersection(vals):
            tickets = (
                tickets.sudo()
                .with_context(active_test=False)
                .search([("partner_id", "in", self.ids)])
            )
            before = tickets._get_status_contact_snapshot()
        # A company's name and logo are its partner's: changing them on the
        # partner changes the company without res.company.write, which
        # clears the status page's cached header (see res.company).
        if BRAND_FIELDS.intersection(vals) and self.env[
            "res.company"
        ].sudo().search_count([("partner_id", "in", self.ids)], limit=1):
            self.env.registry.clear_cache()
        res = super().write(vals)
        if tickets:
            tickets._follow_status_contact(before)
        return res
