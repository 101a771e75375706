# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# The partner's fields a company shows as its own name and logo.
BRAND_FIELDS = {"name", "image_1920"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        # A company's name and logo are its partner's: changing them on the
        # partner changes the company without res.company.write, which
        # clears the status page's cached header (see res.company).
        if BRAND_FIELDS.intersection(vals) and self.env[
            "res.company"
        ].sudo().search_count([("partner_id", "in", self.ids)], limit=1):
            self.env.registry.clear_cache()
        return super().write(vals)
