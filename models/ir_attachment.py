# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    status_page_shared = fields.Boolean(
        string="Share on status page",
        copy=False,
        help="Offer this file of a ticket for download on its status page, "
        "although it never reached the customer (e.g. a report or a file "
        "added in the chatter). Files of public messages, the customer's "
        "own uploads and those of the request that created the ticket are "
        "offered without it.",
    )
    status_page_reached = fields.Boolean(
        string="Reached the customer",
        compute="_compute_status_page_reached",
        help="The file came with a public message, a reply of the customer "
        "or the request that created the ticket: the status page offers it "
        "when it allows downloads.",
    )

    @api.depends("res_model", "res_id")
    def _compute_status_page_reached(self):
        tickets = self.env["helpdesk.ticket"].browse(
            {
                attachment.res_id
                for attachment in self
                if attachment.res_model == "helpdesk.ticket" and attachment.res_id
            }
        )
        reached = (
            set(tickets._query_status_page_attachments(include_shared=False))
            if tickets
            else set()
        )
        for attachment in self:
            attachment.status_page_reached = attachment.id in reached
