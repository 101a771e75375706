# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.contact import phone_to_e164

# A change of any of these may change who the customer is.
CONTACT_FIELDS = {"partner_id", "partner_email", "partner_phone"}


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "helpdesk.status.notification.mixin",
        "helpdesk.status.view.mixin",
        "helpdesk.status.live.mixin",
        "helpdesk.status.promise.mixin",
        "helpdesk.status.conversation.mixin",
        "helpdesk.status.action.mixin",
    ]

    partner_phone = fields.Char(
        string="Phone",
        compute="_compute_partner_phone",
        store=True,
        readonly=False,
        help="Used to verify the customer on the status page and to send SMS.",
    )
    # Indexed by its unique constraint below.
    status_token = fields.Char(
        copy=False,
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="Secret part of the customer's status link.",
    )
    status_access_version = fields.Integer(
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="Bumped when the link is regenerated or the contact changes: "
        "every verification made before stops working, for good.",
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
    status_page_tz = fields.Char(
        string="Status page time zone",
        compute="_compute_status_page_tz",
        store=True,
        help="Times on the status page: the assigned agent's zone, else the "
        "company's, else UTC.",
    )
    status_page_lang = fields.Char(
        compute="_compute_status_page_lang",
        help="Language of the customer's page and messages: the contact's "
        "language, else the website's default language.",
    )
    status_page_last_view = fields.Datetime(
        string="Customer last saw the status",
        compute="_compute_status_page_last_view",
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

    def _compute_status_page_last_view(self):
        # Kept apart (helpdesk.status.page.visit): a page view never writes
        # the ticket.
        last_views = self.env["helpdesk.status.page.visit"]._get_last_views(self)
        for ticket in self:
            ticket.status_page_last_view = last_views.get(ticket.id, False)

    @api.depends("team_id.status_page_id", "company_id")
    @api.depends_context("status_page_preview")
    def _compute_status_page_id(self):
        Page = self.env["helpdesk.status.page"]
        # A page's preview and test show any ticket through that page: its
        # labels, promise, link and templates, whatever page serves it.
        preview = self.env.context.get("status_page_preview")
        if preview:
            self.status_page_id = Page.browse(preview)
            return
        team_pages, default_pages = Page._get_routing()
        for ticket in self:
            ticket.status_page_id = Page.browse(
                team_pages.get((ticket.team_id.id, ticket.company_id.id))
                or default_pages.get(ticket.company_id.id)
            )

    @api.depends("user_id.tz", "company_id.partner_id.tz")
    def _compute_status_page_tz(self):
        # Stored: every view shows times, and an agent's or a company's zone
        # rarely changes.
        for ticket in self.sudo():
            ticket.status_page_tz = (
                ticket.user_id.tz or ticket.company_id.partner_id.tz or "UTC"
            )

    @api.depends("partner_id.lang", "status_page_id")
    @api.depends_context("status_page_preview")
    def _compute_status_page_lang(self):
        websites = {}
        for ticket in self:
            lang = ticket.partner_id.lang
            page = ticket.status_page_id
            if not lang and page:
                if page not in websites:
                    websites[page] = page._get_website()
                lang = websites[page].default_lang_id.code
            ticket.status_page_lang = lang or False

    @api.depends("status_token", "status_page_id", "status_page_lang")
    @api.depends_context("status_page_preview")
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
                ticket.status_page_lang, ticket.status_token
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
        tickets.filtered(
            lambda t: t.status_page_id.notify_on_create
        )._send_status_notifications("create")
        return tickets

    def write(self, vals):
        if CONTACT_FIELDS.intersection(vals):
            old_contacts = {ticket.id: ticket._get_status_contacts() for ticket in self}
        else:
            old_contacts = {}
        # The stage also moves without "stage_id" in vals (helpdesk_mgmt
        # recomputes team and stage when a user is assigned), so every write
        # compares: the stages of the batch are read in one query.
        old_stages = {ticket.id: ticket.stage_id for ticket in self}
        res = super().write(vals)
        moved = self.filtered(lambda t: t.stage_id != old_stages[t.id])
        if moved:
            self.env["helpdesk.ticket.status.log"]._log_tickets(moved)
            moved._schedule_status_notifications()
        if old_contacts:
            self.filtered(
                lambda t: t._get_status_contacts() != old_contacts[t.id]
            )._revoke_status_access()
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send_status_link(self):
        """Send the customer their status link now, by the page's channels,
        and say where it went.

        :raise UserError: every ticket's page is disabled: its links answer
            "page not found", so there is nothing to send
        """
        disabled = self.filtered(
            lambda t: t.status_page_id and not t.status_page_id.active
        )
        if disabled:
            not_sent = self.env._(
                "No status link sent for %(tickets)s: their status page "
                '(%(pages)s) is disabled, its links answer "page not found". '
                "Enable it in Helpdesk > Configuration > Status Pages to send "
                "links again.",
                tickets=", ".join(disabled.mapped("number")),
                pages=", ".join(disabled.status_page_id.mapped("name")),
            )
            if disabled == self:
                raise UserError(not_sent)
        self._send_status_notifications("link")
        contacts = []
        for ticket in self.filtered("status_page_id.active"):
            channel = ticket.status_page_id.notify_channel
            if channel != "sms" and ticket._get_status_email():
                contacts.append(ticket._get_status_email())
            if channel not in ("email",) and ticket.partner_phone:
                contacts.append(ticket.partner_phone)
        message = (
            self.env._(
                "Status link sent to %(contacts)s.", contacts=", ".join(contacts)
            )
            if contacts
            else self.env._("No status link sent: no contact or no status page.")
        )
        if disabled:
            message = f"{message} {not_sent}"
        return self._status_notification(
            message, "success" if contacts and not disabled else "warning"
        )

    def _status_notification(self, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message},
        }

    def action_regenerate_status_token(self):
        """Give the ticket a new status link; the old one stops working."""
        for ticket in self:
            ticket.sudo().write(
                {
                    "status_token": self._generate_status_token(),
                    "status_link_unsent": True,
                }
            )
            ticket._revoke_status_access()
            ticket.message_post(
                body=self.env._(
                    "Status link regenerated: the previous link no longer works "
                    "and customers must verify again."
                ),
                subtype_xmlid="mail.mt_note",
            )
        return self._status_notification(
            self.env._(
                "New status link made: the previous one no longer works. Use "
                '"Send status link" to send the new one to the customer.'
            )
        )

    def action_preview_status_page(self):
        """Open the customer's view of the ticket, marked as a preview."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/status/preview/{self.id}",
            "target": "new",
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_status_email(self):
        """The customer's e-mail: the ticket's, else its contact's."""
        self.ensure_one()
        return self.partner_email or self.partner_id.email

    def _get_status_contacts(self):
        self.ensure_one()
        return (self._get_status_email(), self.partner_phone)

    def _get_status_contact_snapshot(self):
        """What each ticket verifies against, and whether its phone is its
        contact's, before a change of the contacts (see ``res.partner``)."""
        return {
            ticket.id: (
                ticket._get_status_contacts(),
                bool(ticket.partner_phone)
                and ticket.partner_phone
                in (ticket.partner_id.phone, ticket.partner_id.mobile),
            )
            for ticket in self
        }

    def _follow_status_contact(self, before):
        """After the contacts' e-mail or phone changed: a ticket phone that
        was the contact's follows it, and every ticket whose verification
        data changed (the contact's e-mail used when the ticket has none, or
        that phone) loses its grants, for good.

        :param before: ``_get_status_contact_snapshot()`` from before
        """
        for ticket in self.filtered(lambda t: before[t.id][1]):
            phone = ticket.partner_id.phone or ticket.partner_id.mobile
            if phone != ticket.partner_phone:
                ticket.partner_phone = phone  # revokes (see write)
        self.filtered(
            lambda t: t._get_status_contacts() != before[t.id][0]
        )._revoke_status_access()

    def _revoke_status_access(self):
        """End every verification made for these tickets, for good."""
        for ticket in self.sudo():
            ticket.status_access_version += 1

    @api.model
    def _generate_status_token(self):
        # 192 random bits, URL-safe, unrelated to the portal access_token.
        return secrets.token_urlsafe(24)

    # ------------------------------------------------------------
    # Public status page
    # ------------------------------------------------------------

    def init(self):
        res = super().init()
        # The public form looks tickets up by number, case-insensitively. An
        # expression index no field can own: the uninstall hook drops it.
        # The second index an earlier version put on status_token goes.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_upper_number_index
                ON helpdesk_ticket (upper(number));
            DROP INDEX IF EXISTS helpdesk_ticket__status_token_index;
            """
        )
        return res

    def _get_status_phone_country(self):
        """Default region of the ticket's phone numbers: the contact's
        country, else the company's."""
        self.ensure_one()
        return self.partner_id.country_id or self.company_id.country_id

    def _format_status_phone(self, number=None, raise_exception=False):
        """E.164 form of ``number``, by default the ticket's phone, read in
        the ticket's region; the one form phones are compared and sent in.

        :raise UserError: with ``raise_exception``, unreadable number
        """
        self.ensure_one()
        number = self.partner_phone if number is None else number
        if not number:
            return False
        # As _phone_format: without a country of its own, the user's company's.
        country = self._get_status_phone_country() or self.env.company.country_id
        try:
            return phone_to_e164(number, country.code)
        except UserError:
            if raise_exception:
                raise
            return False

    def _touch_status_page_view(self):
        """Record that the customer opened the page (see
        ``helpdesk.status.page.visit``); the ticket row is not written."""
        self.ensure_one()
        self.env["helpdesk.status.page.visit"].sudo()._record(self)
