# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        # A company's name is its partner's: renaming the partner renames the
        # company without res.company.write, which clears the status page's
        # cached header (see res.company).
        if "name" in vals and self.env["res.company"].sudo().search_count(
            [("partner_id", "in", self.ids)], limit=1
        ):
            self.env.registry.clear_cache()
        return super().write(vals)
