# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from psycopg2.extras import execute_values

from odoo import api, fields, models

from .helpdesk_ticket_stage import MAIN_STATUSES


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    partner_phone = fields.Char(
        string="Phone",
        compute="_compute_partner_phone",
        store=True,
        readonly=False,
        help="Used to verify the customer on the status page and to send SMS.",
    )
    status_token = fields.Char(
        copy=False,
        readonly=True,
        index=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="Secret part of the customer's status link.",
    )
    status_page_id = fields.Many2one(
        "helpdesk.status.page",
        compute="_compute_status_page_id",
        help="The team's status page, else the company's default page.",
    )
    status_page_url = fields.Char(
        string="Status link",
        compute="_compute_status_page_url",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The customer's personal status link, in their language. "
        "In templates: {{ object.status_page_url }}.",
    )
    status_page_last_view = fields.Datetime(
        string="Customer last saw the status",
        readonly=True,
        copy=False,
        help="When the customer last opened the status page after verification.",
    )
    customer_status_label = fields.Char(
        related="stage_id.customer_status_label", string="Customer status"
    )
    stage_customer_label = fields.Char(related="stage_id.customer_label")
    main_status = fields.Selection(related="stage_id.main_status")
    status_log_ids = fields.One2many(
        "helpdesk.ticket.status.log", "ticket_id", string="Status history"
    )

    _sql_constraints = [
        (
            "status_token_unique",
            "unique(status_token)",
            "Two tickets cannot share a status link.",
        )
    ]

    @api.depends("partner_id")
    def _compute_partner_phone(self):
        for ticket in self.filtered("partner_id"):
            ticket.partner_phone = ticket.partner_id.phone or ticket.partner_id.mobile

    @api.depends("team_id.status_page_id", "company_id")
    def _compute_status_page_id(self):
        without_team_page = self.filtered(lambda t: not t.team_id.status_page_id)
        defaults = {}
        if without_team_page:
            pages = self.env["helpdesk.status.page"].search(
                [
                    ("is_default", "=", True),
                    ("company_id", "in", without_team_page.company_id.ids),
                ]
            )
            defaults = {page.company_id.id: page for page in pages}
        for ticket in self:
            ticket.status_page_id = ticket.team_id.status_page_id or defaults.get(
                ticket.company_id.id, False
            )

    @api.depends("status_token", "status_page_id", "partner_id.lang")
    def _compute_status_page_url(self):
        builders = {}
        for ticket in self:
            page = ticket.status_page_id
            if not (page and ticket.status_token):
                ticket.status_page_url = False
                continue
            if page not in builders:
                builders[page] = page._get_public_url_builder()
            ticket.status_page_url = builders[page](
                ticket.partner_id.lang, ticket.status_token
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["status_token"] = self._generate_status_token()
        tickets = super().create(vals_list)
        self.env["helpdesk.ticket.status.log"]._log_tickets(tickets)
        return tickets

    def write(self, vals):
        # The stage also moves without "stage_id" in vals, when a team
        # change recomputes it.
        watch_stage = "stage_id" in vals or "team_id" in vals
        old_stages = (
            {ticket.id: ticket.stage_id for ticket in self} if watch_stage else {}
        )
        res = super().write(vals)
        if watch_stage:
            moved = self.filtered(lambda t: t.stage_id != old_stages[t.id])
            if moved:
                self.env["helpdesk.ticket.status.log"]._log_tickets(moved)
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_regenerate_status_token(self):
        """Give the ticket a new status link; the old one stops working."""
        for ticket in self:
            ticket.sudo().status_token = self._generate_status_token()
            ticket.message_post(
                body=self.env._(
                    "Status link regenerated: the previous link no longer works "
                    "and customers must verify again."
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _generate_status_token(self):
        # 192 random bits, URL-safe, unrelated to the portal access_token.
        return secrets.token_urlsafe(24)

    def _get_status_timeline(self):
        """The four main statuses of the customer timeline, for one ticket.

        A step before the current one is ``done``, the current one ``current``,
        later ones ``upcoming`` without a time, even if reached before a
        re-opening.

        :return: list of dicts with ``status``, ``label``, ``state``, ``date``
        """
        self.ensure_one()
        labels = (
            self.status_page_id._get_main_status_labels()
            if self.status_page_id
            else dict(MAIN_STATUSES)
        )
        reached = self.env["helpdesk.ticket.status.log"]._get_first_reached(self)[
            self.id
        ]
        # A ticket is received when it is created, history or not.
        reached.setdefault("received", self.create_date)
        statuses = [status for status, _label in MAIN_STATUSES]
        current_index = statuses.index(self.stage_id.main_status or "received")
        timeline = []
        for index, status in enumerate(statuses):
            if index < current_index:
                state = "done"
            elif index == current_index:
                state = "current"
            else:
                state = "upcoming"
            timeline.append(
                {
                    "status": status,
                    "label": labels[status],
                    "state": state,
                    "date": reached.get(status) if state != "upcoming" else False,
                }
            )
        return timeline

    def _status_page_backfill(self):
        """Status links and a first history row for tickets made before install.

        Done in SQL, in two statements, so that installing on a database with
        many tickets stays fast.
        """
        cr = self.env.cr
        if not self:
            return
        cr.execute(
            "SELECT id FROM helpdesk_ticket WHERE id IN %s AND status_token IS NULL",
            [tuple(self.ids)],
        )
        missing_token = [row[0] for row in cr.fetchall()]
        if missing_token:
            execute_values(
                cr._obj,
                """
                UPDATE helpdesk_ticket t SET status_token = v.token
                FROM (VALUES %s) AS v(id, token) WHERE t.id = v.id
                """,
                [
                    (ticket_id, self._generate_status_token())
                    for ticket_id in missing_token
                ],
                page_size=1000,
            )
        cr.execute(
            """
            INSERT INTO helpdesk_ticket_status_log
                (ticket_id, date, stage_id, stage_name, main_status,
                 create_uid, create_date, write_uid, write_date)
            SELECT t.id, COALESCE(t.last_stage_update, t.create_date, NOW()),
                   t.stage_id, s.name->>'en_US',
                   COALESCE(s.main_status, 'received'),
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM helpdesk_ticket t
              LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             WHERE t.id IN %(ids)s
               AND NOT EXISTS (
                   SELECT 1 FROM helpdesk_ticket_status_log l WHERE l.ticket_id = t.id
               )
            """,
            {"uid": self.env.uid, "ids": tuple(self.ids)},
        )
        self.invalidate_model(["status_token", "status_log_ids"])
