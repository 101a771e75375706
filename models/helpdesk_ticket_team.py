# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    status_page_id = fields.Many2one(
        "helpdesk.status.page",
        string="Status page",
        check_company=True,
        index="btree_not_null",
        help="Public status page of this team's tickets. Empty: the company's "
        "default status page.",
    )
