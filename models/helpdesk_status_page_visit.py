# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.session import VISIT_RESOLUTION


class HelpdeskStatusPageVisit(models.Model):
    """When a customer last opened a ticket's status page, one row per
    ticket, apart from the ticket: a page view never writes the ticket row
    (no ``write_uid``/``write_date`` of the Public user, no on-write
    automation, no lock the agents wait for)."""

    _name = "helpdesk.status.page.visit"
    _description = "Status Page Visit"
    _log_access = False
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, readonly=True, ondelete="cascade"
    )
    date = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [
        ("ticket_unique", "unique(ticket_id)", "One visit row per ticket."),
    ]

    @api.model
    def _record(self, ticket):
        """Record that the customer of ``ticket`` opened the page now, at
        most once per ``VISIT_RESOLUTION``, in one statement; a row another
        request is updating right now is left to it."""
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH seen AS (
                    UPDATE helpdesk_status_page_visit SET date = %(now)s
                     WHERE id IN (
                         SELECT id FROM helpdesk_status_page_visit
                          WHERE ticket_id = %(ticket)s AND date < %(since)s
                            FOR UPDATE SKIP LOCKED
                     )
                )
                INSERT INTO helpdesk_status_page_visit (ticket_id, date)
                SELECT %(ticket)s, %(now)s
                 WHERE NOT EXISTS (
                     SELECT 1 FROM helpdesk_status_page_visit
                      WHERE ticket_id = %(ticket)s
                 )
                    ON CONFLICT (ticket_id) DO NOTHING
                """,
                ticket=ticket.id,
                now=now,
                since=now - VISIT_RESOLUTION,
            )
        )
        self.invalidate_model(["date"])
        ticket.invalidate_recordset(["status_page_last_view"])

    @api.model
    def _get_last_views(self, tickets):
        """``{ticket_id: datetime}`` of the tickets' last recorded visits."""
        ids = [ticket_id for ticket_id in tickets.ids if isinstance(ticket_id, int)]
        if not ids:
            return {}
        visits = self.sudo().search_fetch(
            [("ticket_id", "in", ids)], ["ticket_id", "date"]
        )
        return {visit.ticket_id.id: visit.date for visit in visits}
