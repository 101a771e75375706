# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class WebsiteMenu(models.Model):
    _inherit = "website.menu"

    status_page_id = fields.Many2one(
        "helpdesk.status.page",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="The status page whose 'Track my request' entry this is: the "
        "page keeps it in step with its address and its option.",
    )
