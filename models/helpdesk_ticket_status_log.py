# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .helpdesk_ticket_stage import MAIN_STATUSES


class HelpdeskTicketStatusLog(models.Model):
    _name = "helpdesk.ticket.status.log"
    _description = "Helpdesk Ticket Status History"
    _order = "date desc, id desc"
    _rec_name = "stage_id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="ticket_id.company_id")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    stage_id = fields.Many2one(
        "helpdesk.ticket.stage", readonly=True, ondelete="set null", index=True
    )
    stage_name = fields.Char(
        readonly=True, help="Stage name at the time, kept if the stage is deleted."
    )
    main_status = fields.Selection(MAIN_STATUSES, required=True, readonly=True)
    author_id = fields.Many2one("res.users", readonly=True, ondelete="set null")

    def init(self):
        # Timeline and history read a ticket's rows by date.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_status_log_ticket_date_index
            ON helpdesk_ticket_status_log (ticket_id, date)
            """
        )

    @api.model
    def _log_tickets(self, tickets, date=None):
        """Write one history row per ticket for its current stage, in one batch.

        :param tickets: ``helpdesk.ticket`` records
        :param date: time of the change, default now
        :return: the created log rows
        """
        date = date or fields.Datetime.now()
        author = self.env.user.id
        return self.sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "date": date,
                    "stage_id": ticket.stage_id.id,
                    "stage_name": ticket.stage_id.name,
                    "main_status": ticket.stage_id.main_status or "received",
                    "author_id": author,
                }
                for ticket in tickets
            ]
        )

    @api.model
    def _get_first_reached(self, tickets):
        """First time each ticket reached each main status, in one query.

        :return: ``{ticket_id: {main_status: datetime}}``
        """
        result = {ticket_id: {} for ticket_id in tickets.ids}
        groups = self.sudo()._read_group(
            [("ticket_id", "in", tickets.ids)],
            ["ticket_id", "main_status"],
            ["date:min"],
        )
        for ticket, status, first_date in groups:
            result[ticket.id][status] = first_date
        return result
