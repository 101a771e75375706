# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def cache_invalidation_fields(self):
        # The status page's header caches the company's name and logo.
        return super().cache_invalidation_fields() | {"name", "logo"}
