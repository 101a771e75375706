# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.statuses import FINISHING_STATUSES, MAIN_STATUSES, OPEN_STATUSES


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
    author_partner_id = fields.Many2one(
        "res.partner",
        string="Moved by contact",
        readonly=True,
        ondelete="set null",
        help="The ticket's contact, when the customer moved it from the status "
        "page (a reply from a waiting stage, a reopening).",
    )
    moved_by = fields.Char(
        compute="_compute_moved_by",
        help="Who moved the ticket: the user, or the contact from the status page.",
    )

    @api.depends("author_id", "author_partner_id")
    def _compute_moved_by(self):
        for log in self:
            if log.author_partner_id:
                log.moved_by = self.env._(
                    "%(name)s (status page)", name=log.author_partner_id.name
                )
            else:
                log.moved_by = log.author_id.name or False

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
        """Write one history row per ticket for its current stage.

        A single INSERT for any number of tickets (the ORM splits its own
        every 100 rows), so a bulk move costs the same queries at any size.

        :param tickets: ``helpdesk.ticket`` records
        :param date: time of the change, default now

        A move made for the customer from the status page (context key
        ``status_log_partner_id``: their contact) is credited to the
        contact, not to the user serving the page.
        """
        if not tickets:
            return
        tickets.flush_recordset(["stage_id"])
        now = fields.Datetime.now()
        # Microseconds keep two changes within one second in order: the
        # Refresh link tells "new status since" by comparing these times.
        date = date or datetime.now()
        partner_id = self.env.context.get("status_log_partner_id") or None
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO helpdesk_ticket_status_log
                    (ticket_id, date, stage_id, stage_name, main_status, author_id,
                     author_partner_id,
                     create_uid, create_date, write_uid, write_date)
                SELECT t.id, %(date)s, t.stage_id,
                       COALESCE(s.name->>%(lang)s, s.name->>'en_US'),
                       COALESCE(s.main_status, 'received'), %(author)s,
                       %(partner)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM helpdesk_ticket t
                  LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                 WHERE t.id = ANY(%(ids)s)
                """,
                date=date,
                lang=self.env.lang or "en_US",
                author=None if partner_id else self.env.uid,
                partner=partner_id,
                uid=self.env.uid,
                now=now,
                ids=tickets.ids,
            )
        )
        tickets.invalidate_recordset(["status_log_ids"])

    @api.model
    def _get_status_dates(self, tickets):
        """When each ticket reached each main status, and its last status
        change and latest re-opening, in one query.

        A re-opening is a move from a finishing status (resolved, closed)
        back to an open one; what the ticket reached before it stays known,
        as history.

        :return: ``{ticket_id: {...}}`` with ``first`` (first time each
            status was reached), ``since_reopened`` (first time since the
            latest re-opening), ``last`` (latest time each status was
            reached), ``reopened`` (latest re-opening or False) and
            ``last_change`` (the history's last row or False)
        """
        result = {
            ticket_id: {
                "first": {},
                "since_reopened": {},
                "last": {},
                "reopened": False,
                "last_change": False,
            }
            for ticket_id in tickets.ids
        }
        if not result:
            return result
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH moves AS (
                    SELECT ticket_id, main_status, date,
                           main_status IN %(open)s AND lag(main_status) OVER (
                               PARTITION BY ticket_id ORDER BY date, id
                           ) IN %(finishing)s AS reopening
                      FROM helpdesk_ticket_status_log
                     WHERE ticket_id = ANY(%(ids)s)
                ), cycles AS (
                    SELECT *, max(date) FILTER (WHERE reopening)
                              OVER (PARTITION BY ticket_id) AS reopened
                      FROM moves
                )
                SELECT ticket_id, main_status, min(date),
                       min(date) FILTER (WHERE reopened IS NULL OR date >= reopened),
                       max(date), max(reopened)
                  FROM cycles
                 GROUP BY ticket_id, main_status
                """,
                open=OPEN_STATUSES,
                finishing=FINISHING_STATUSES,
                ids=tickets.ids,
            )
        )
        for ticket_id, status, first, since, last, reopened in self.env.cr.fetchall():
            dates = result[ticket_id]
            dates["first"][status] = first
            if since:
                dates["since_reopened"][status] = since
            dates["last"][status] = last
            dates["reopened"] = reopened or dates["reopened"]
            dates["last_change"] = max(dates["last_change"] or last, last)
        return result
