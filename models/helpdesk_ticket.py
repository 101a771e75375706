# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
import secrets
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytz
from psycopg2.extras import execute_values

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import (
    SQL,
    email_normalize,
    format_date,
    formatLang,
    is_html_empty,
    plaintext2html,
    sql,
)
from odoo.tools.misc import hmac

from ..tools.contact import phone_to_e164
from ..tools.date_format import date_pattern, format_local_time
from ..tools.html import sanitize_html
from ..tools.number import NUMBER_DIGITS_SQL, NUMBER_KEY_SQL
from ..tools.session import is_grant_current, is_link_open
from ..tools.statuses import FINISHING_STATUSES, MAIN_STATUSES, OPEN_STATUSES
from ..tools.text import TOKEN_RE, is_slug
from ..tools.time_zone import first_valid_tz, phone_number_tz
from ..tools.upload import THUMBNAIL_MIMETYPES, make_thumbnail
from ..tools.working_days import (
    get_local_date,
    get_local_dates,
    get_promise_day,
    get_search_window,
)

_logger = logging.getLogger(__name__)

# A change of any of these may change who the customer is.
CONTACT_FIELDS = {"partner_id", "partner_email", "partner_phone"}
# The contact as verification compares it, stored (see _auto_init).
STATUS_CONTACT_KEYS = ("status_contact_email", "status_contact_phone")
CONVERSATION_PAGE_SIZE = 20
LATE_BATCH_SIZE = 200
# The page's e-mail and SMS template fields of each kind of status message.
STATUS_TEMPLATE_FIELDS = {
    "create": ("mail_template_create_id", "sms_template_create_id"),
    "status": ("mail_template_id", "sms_template_id"),
    "late": ("mail_template_late_id", "sms_template_late_id"),
    "link": ("mail_template_link_id", "sms_template_link_id"),
}
VERSION_SCOPE = "helpdesk_mgmt_status_page.version"
EPOCH = datetime(1970, 1, 1)
# The Refresh link's "seen": message id, microseconds (at most year 5138) and
# stage id (changes within one second share their time).
SEEN_RE = re.compile(r"(\d{1,12})\.(\d{1,17})(?:\.(\d{1,12}))?")
# What a field without a value shows (left out with "Hide empty fields").
NO_VALUE = "—"


class HelpdeskTicket(models.Model):
    """The ticket as its customer follows it on the status page: who the
    customer is and how they verify, the zones times are told in, the
    status e-mails and SMS (and the quiet hours that hold SMS back), the
    public conversation and what the customer does from the page, the
    promised answer, what the public view shows, and the live version the
    open page polls. The page's options (``helpdesk.status.page``) decide
    what is offered; every public limit is counted by
    ``helpdesk.status.page.challenge``.
    """

    _inherit = "helpdesk.ticket"

    _sql_constraints = [
        (
            "status_token_unique",
            "unique(status_token)",
            "Two tickets cannot share a status link.",
        )
    ]

    # === FIELDS ===#

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

    # The contact as verification compares it (see the status page's
    # _get_stored_contact), kept to find a verified customer's other
    # tickets ("Your requests") through an index.
    status_contact_email = fields.Char(
        compute="_compute_status_contact_keys", store=True, index=True, copy=False
    )
    status_contact_phone = fields.Char(
        compute="_compute_status_contact_keys", store=True, index=True, copy=False
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

    status_lookup_url = fields.Char(
        string="Status look-up page",
        compute="_compute_status_lookup_url",
        help="The address of the ticket's status page without its link, in "
        "the customer's language, where the ticket is found by its number. "
        "In templates: {{ object.status_lookup_url }}.",
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

    status_notify_due = fields.Datetime(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the pending status notification goes out, unless the "
        "ticket moves back to the status the customer already knows.",
    )

    status_notified_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="Stage the customer was last told about.",
    )

    status_sms_due = fields.Datetime(
        string="Status SMS held until",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the status SMS held by the customer's quiet hours goes out.",
    )

    status_sms_template_id = fields.Many2one(
        "sms.template",
        string="Held status SMS template",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="Template of the status SMS held by the customer's quiet hours.",
    )

    status_link_unsent = fields.Boolean(
        string="New status link not sent",
        copy=False,
        readonly=True,
        help="The status link was regenerated and the customer has not been "
        "sent the new one yet.",
    )

    status_late_notified_promise = fields.Datetime(
        string="Running late notice sent for",
        copy=False,
        readonly=True,
        help="Promise the customer was told is running late: a new promise "
        "may be apologised for again, the same one never.",
    )

    # Stored, kept by the messages (``mail.message``: create, write, unlink)
    # and the contact (``write``), so that agents' filter reads one partial
    # index, not the last message of every ticket (SPEC §17).
    status_customer_replied = fields.Boolean(
        string="Customer replied",
        default=False,
        readonly=True,
        copy=False,
        help="The last public message of the ticket is the customer's: it "
        "waits for an answer.",
    )

    status_solved_confirmed = fields.Datetime(
        string="Solution confirmed",
        copy=False,
        readonly=True,
        help="When the customer last confirmed on the status page that the "
        "request is solved.",
    )

    status_followup_of_id = fields.Many2one(
        "helpdesk.ticket",
        string="Follow-up of",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The earlier request this one follows up: the customer asked "
        "a follow-up question on its status page after it could no longer "
        "be reopened.",
    )

    def _auto_init(self):
        # Installed on a database with tickets, the ORM would compute the
        # contact keys ticket by ticket: their columns are made here, empty,
        # so that it does not, and filled at the end of the tables' set-up
        # by _fill_status_contact_keys, one normalization per contact.
        cr = self.env.cr
        new_keys = sql.table_exists(cr, self._table) and [
            name
            for name in STATUS_CONTACT_KEYS
            if not sql.column_exists(cr, self._table, name)
        ]
        for name in new_keys or ():
            field = self._fields[name]
            sql.create_column(cr, self._table, name, field.column_type[1], field.string)
        res = super()._auto_init()
        if new_keys:
            self.pool.post_init(self._fill_status_contact_keys)
        return res

    def init(self):
        res = super().init()
        # The public form looks tickets up by number as customers type it
        # (tools/number.py): by its key, or by its digits for a bare number.
        # Expression indexes no field can own: the uninstall hook drops them.
        # The upper(number) index of earlier versions, and the second index
        # an earlier version put on status_token, go.
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS helpdesk_ticket_number_key_index
                    ON helpdesk_ticket ((%s), company_id);
                CREATE INDEX IF NOT EXISTS helpdesk_ticket_number_digits_index
                    ON helpdesk_ticket ((%s), company_id);
                DROP INDEX IF EXISTS helpdesk_ticket_upper_number_index;
                DROP INDEX IF EXISTS helpdesk_ticket__status_token_index;
                CREATE INDEX IF NOT EXISTS helpdesk_ticket_customer_replied_index
                    ON helpdesk_ticket (priority DESC, sequence, number DESC, id DESC)
                    WHERE status_customer_replied;
                """,
                SQL(NUMBER_KEY_SQL),
                SQL(NUMBER_DIGITS_SQL),
            )
        )
        # Agents' "Customer replied" list reads the index in its order
        # (helpdesk_mgmt's _order), whatever the number of tickets.
        # Tickets from before the flag was stored (or inserted in SQL).
        self._fill_status_customer_replied()
        return res

    # === COMPUTE METHODS ===#

    @api.depends("partner_id")
    def _compute_partner_phone(self):
        for ticket in self.filtered("partner_id"):
            ticket.partner_phone = ticket.partner_id.phone or ticket.partner_id.mobile

    @api.depends(
        "partner_email",
        "partner_id.email",
        "partner_phone",
        "partner_id.country_id",
        "company_id.country_id",
    )
    def _compute_status_contact_keys(self):
        Page = self.env["helpdesk.status.page"]
        for ticket in self:
            ticket.status_contact_email = (
                Page._get_stored_contact(ticket, "email") or False
            )
            ticket.status_contact_phone = (
                Page._get_stored_contact(ticket, "phone") or False
            )

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
        for ticket in self:
            ticket.status_page_id = Page.browse(
                Page._get_serving_page_id(ticket.team_id.id, ticket.company_id.id)
            )

    @api.depends("user_id.tz", "company_id.partner_id.tz")
    def _compute_status_page_tz(self):
        # Stored: every view shows times, and an agent's or a company's zone
        # rarely changes. The rule is _get_status_page_tz's.
        for ticket in self.sudo():
            ticket.status_page_tz = first_valid_tz(
                ticket.user_id.tz, ticket.company_id.partner_id.tz
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
    @api.depends_context("status_page_preview", "status_one_tap")
    def _compute_status_page_url(self):
        # The one-tap tokens of the status e-mails being rendered (see
        # _send_status_notifications_for_page): ``(ticket id, token)`` pairs.
        taps = dict(self.env.context.get("status_one_tap") or ())
        builders = {}
        for ticket in self:
            page = ticket.status_page_id
            if not (page and ticket.status_token):
                ticket.status_page_url = False
                continue
            if page not in builders:
                builders[page] = page._get_public_url_builder()
            url = builders[page](ticket.status_page_lang, ticket.status_token)
            if ticket.id in taps:
                url = f"{url}/tap/{taps[ticket.id]}"
            ticket.status_page_url = url

    @api.depends("status_page_id", "status_page_lang")
    @api.depends_context("status_page_preview")
    def _compute_status_lookup_url(self):
        builders = {}
        for ticket in self:
            page = ticket.status_page_id
            if page and page not in builders:
                builders[page] = page._get_public_url_builder()
            ticket.status_lookup_url = (
                builders[page](ticket.status_page_lang) if page else False
            )

    def _compute_status_page_last_view(self):
        # Kept apart (helpdesk.status.page.visit): a page view never writes
        # the ticket.
        last_views = self.env["helpdesk.status.page.visit"]._get_last_views(self)
        for ticket in self:
            ticket.status_page_last_view = last_views.get(ticket.id, False)

    # === CRUD METHODS ===#

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
        if "partner_id" in vals:
            self._update_status_customer_replied(self.ids)
        return res

    # === ACTION METHODS ===#

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
            if channel in ("auto", "email", "both") and ticket._get_status_email():
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

    def _status_notification(self, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message},
        }

    # === BUSINESS METHODS: VERIFICATION AND CONTACT ===#
    # Who the customer is: the contact data a verification is checked
    # against, and the link and grants that end when it changes.

    @api.model
    def _generate_status_token(self):
        # 192 random bits, URL-safe, unrelated to the portal access_token.
        return secrets.token_urlsafe(24)

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
    def _fill_status_contact_keys(self):
        """Store the contact keys of every ticket (as
        ``_compute_status_contact_keys`` does) in one pass: each distinct
        e-mail, and each distinct phone in its region, normalized once (a
        customer's tickets share them), then written by batches of rows in
        SQL, not by the ORM's per-ticket compute and write."""
        Page = self.env["helpdesk.status.page"]
        tickets = self.with_context(active_test=False).search([])
        emails, phones, rows = {}, {}, []
        for ticket in tickets:
            # Keyed by what _get_stored_contact reads of the ticket.
            email = ticket._get_status_email()
            if email not in emails:
                emails[email] = Page._get_stored_contact(ticket, "email") or None
            phone = (ticket.partner_phone, ticket._get_status_phone_country())
            if phone not in phones:
                phones[phone] = Page._get_stored_contact(ticket, "phone") or None
            if emails[email] or phones[phone]:
                rows.append((ticket.id, emails[email], phones[phone]))
        self.flush_model()
        execute_values(
            self.env.cr._obj,
            """
            UPDATE helpdesk_ticket t
               SET status_contact_email = v.email, status_contact_phone = v.phone
              FROM (VALUES %s) AS v(id, email, phone)
             WHERE t.id = v.id
            """,
            rows,
            page_size=1000,
        )
        tickets.invalidate_recordset(list(STATUS_CONTACT_KEYS))

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

    # === BUSINESS METHODS: TIME ZONES AND DATES ===#
    # The one rule for each zone (the page's, the customer's) and how a
    # date or time reads for the customer.

    def _get_status_page_tz(self, page=None):
        """The page's time zone: the one rule for the zone the status page
        shows its times in (timeline, last update, conversation, promise,
        deadlines) and the team's days are counted in. The first known zone
        of:

        1. the ticket's assigned agent;
        2. the ticket's company;
        3. else UTC.

        Kept in the stored ``status_page_tz`` (computed by this rule).
        Without a ticket (an empty recordset, e.g. the page's number form),
        the zone of ``page``'s company, else UTC.

        :param page: ``helpdesk.status.page``, read only without a ticket
        """
        if not self:
            return first_valid_tz(page and page.company_id.partner_id.tz)
        self.ensure_one()
        return self.status_page_tz

    def _get_status_customer_tz(self, page=None):
        """The customer's time zone: the one rule for the zone of times told
        for the customer's own clock (their quiet hours and when they end, a
        pause of verification, when the next code may go, and every time of
        a page whose ``times_zone`` is "customer"). The first known zone of:

        1. the ticket's contact;
        2. the country of the ticket's phone number, read in E.164
           (``_format_status_phone``), by ``phonenumbers.timezone``; when
           it has several zones, the page's zone if it is one of them, else
           the first (``tools.time_zone.phone_number_tz``);
        3. the customer's browser, when the context carries it (key
           ``status_customer_tz``: the status page's controllers set it
           from the website's "tz" cookie);
        4. else the page's zone (``_get_status_page_tz``).

        An unknown zone name (written by SQL or an import, or sent by a
        browser) is skipped. Works without a ticket (an empty recordset):
        the browser's zone, else ``page``'s.

        :param page: ``helpdesk.status.page``, read only without a ticket
        """
        if self:
            self.ensure_one()
        page_tz = self._get_status_page_tz(page)
        return (
            first_valid_tz(self.partner_id.tz, default=None)
            or (self and phone_number_tz(self._format_status_phone(), page_tz))
            or first_valid_tz(
                self.env.context.get("status_customer_tz"), default=page_tz
            )
        )

    def _get_status_shown_tz(self, page=None):
        """The zone the status page shows this ticket's times in (timeline,
        last update, fields, conversation, promise, deadlines), as the
        page's ``times_zone`` chooses: the page's zone
        (``_get_status_page_tz``), or the customer's
        (``_get_status_customer_tz``).

        :param page: the ``helpdesk.status.page`` showing the ticket;
            by default the ticket's
        """
        page = page if page is not None else self.status_page_id
        if page.times_zone == "customer":
            return self._get_status_customer_tz(page)
        return self._get_status_page_tz(page)

    @api.model
    def _format_status_date(self, value):
        """``value`` (date or ``YYYY-MM-DD``) in the locale's medium date."""
        return format_date(
            self.env, value, date_format=date_pattern(self.env.lang or "en_US")
        )

    @api.model
    def _format_status_time(self, value, tz):
        """``value`` (naive UTC, datetime or string) in time zone ``tz`` (UTC
        when unknown), in the context's language."""
        if not value:
            return ""
        return format_local_time(
            fields.Datetime.to_datetime(value), tz or "UTC", self.env.lang or "en_US"
        )

    # === BUSINESS METHODS: NOTIFICATIONS AND QUIET HOURS ===#
    # Status e-mails and SMS of a ticket: scheduled after a stage move,
    # debounced by the page's delay, sent in batches by the page's channels;
    # an SMS inside the customer's quiet hours waits for their end.

    def _schedule_status_notifications(self):
        """Notify moves into customer-visible stages, after the page's delay.

        A pending notification is replaced by the latest move, so several moves
        within the delay send one message with the final status, and moving
        back to the status the customer already knows sends nothing.
        """
        self._cancel_status_notifications()
        to_notify = self.filtered(
            lambda t: (
                t.status_page_id.active
                and t.status_page_id.notify_on_status_change
                and t.stage_id.notify_customer
                and t.stage_id != t.status_notified_stage_id
            )
        )
        now = fields.Datetime.now()
        immediate = to_notify.filtered(lambda t: not t.status_page_id.notify_delay)
        immediate._send_status_notifications("status")
        delayed = to_notify - immediate
        for delay, tickets in delayed.grouped(
            lambda t: t.status_page_id.notify_delay
        ).items():
            due = now + timedelta(seconds=delay)
            tickets.sudo().write({"status_notify_due": due})
            self.env.ref(
                "helpdesk_mgmt_status_page.ir_cron_send_status_notifications"
            )._trigger(at=due)

    def _cancel_status_notifications(self):
        """Drop the pending message of tickets now back in the status the
        customer knows, or in a stage that does not notify, and say so on
        the ticket: the agent saw it was due."""
        cancelled = self.filtered(
            lambda t: (
                t.status_notify_due
                and (
                    t.stage_id == t.status_notified_stage_id
                    or not t.stage_id.notify_customer
                )
            )
        )
        if not cancelled:
            return
        cancelled.sudo().write({"status_notify_due": False})
        cancelled._message_log_batch(
            {
                ticket.id: self.env._(
                    "Pending status message to the customer cancelled: the "
                    'ticket moved to "%(stage)s" before it went out.',
                    stage=ticket.stage_id.name,
                )
                for ticket in cancelled
            }
        )

    @api.model
    def _cron_send_status_notifications(self):
        """Send the status notifications whose delay is over.

        Nothing goes out when the ticket is back in the status the customer
        was last told about, or now sits in a stage that does not notify, or
        its page was disabled meanwhile (noted: the agent saw it was due).
        """
        due = self.with_context(active_test=False).search(
            [("status_notify_due", "<=", fields.Datetime.now())]
        )
        due.sudo().write({"status_notify_due": False})
        changed = due.filtered(
            lambda t: (
                t.stage_id.notify_customer and t.stage_id != t.status_notified_stage_id
            )
        )
        changed._send_status_notifications("status")
        changed._log_status_page_disabled()
        self._send_held_status_sms()

    def _log_status_page_disabled(self):
        """Say on the tickets whose page was disabled that their pending
        message did not go out: the agent saw it was due."""
        disabled = self.filtered(
            lambda t: t.status_page_id and not t.status_page_id.active
        )
        disabled._message_log_batch(
            {
                ticket.id: self.env._(
                    "Pending status message to the customer not sent: the "
                    'status page "%(page)s" is disabled.',
                    page=ticket.status_page_id.name,
                )
                for ticket in disabled
            }
        )

    def _send_status_notifications(self, kind):
        """Queue the page's e-mail and SMS for these tickets, in batches.

        A failure is logged on the tickets and never undoes the caller's
        change (stage move, creation). Tickets without a page, or whose page
        is disabled (its links answer "page not found"), get nothing.

        :param str kind: ``create``, ``status``, ``late`` or ``link``
        """
        try:
            self.filtered("status_page_id.active")._prefetch_status_notifications(kind)
        except Exception:  # pylint: disable=broad-except
            # Only reads: whatever failed here fails again below, per page,
            # where it is noted on the tickets.
            _logger.exception("Status notifications not prefetched for %s", self)
        for page, tickets in self.grouped("status_page_id").items():
            if not page.active:
                continue
            try:
                with self.env.cr.savepoint():
                    tickets._send_status_notifications_for_page(page, kind)
            except Exception as error:  # pylint: disable=broad-except
                _logger.exception("Status notification failed for %s", tickets)
                tickets._message_log_batch(
                    {
                        ticket.id: self.env._(
                            "The status notification could not be sent: %(error)s",
                            error=str(error),
                        )
                        for ticket in tickets
                    }
                )

    def _prefetch_status_notifications(self, kind):
        """Read at once what the messages of all these tickets render, so
        that a batch costs the same queries whatever its tickets, their
        customers and their languages: the pages' templates of ``kind`` (of
        the channels the tickets have contact data for) and the model's
        name in every installed language (rendering reads them once per
        language otherwise), the contacts, and the status links (else
        computed again for each language's share of the tickets).

        :param str kind: ``create``, ``status``, ``late`` or ``link``
        """
        if not self:
            return
        pages = self.status_page_id.sudo()
        mail_field, sms_field = STATUS_TEMPLATE_FIELDS[kind]
        to_read = [self.env["ir.model"]._get(self._name), self.sudo().partner_id]
        if any(ticket._get_status_email() for ticket in self):
            to_read.append(pages[mail_field])
        if any(self.mapped("partner_phone")):
            to_read.append(pages[sms_field])
        for records in to_read:  # what reading any of their fields reads
            names = [name for name, f in records._fields.items() if f.prefetch is True]
            records.with_context(prefetch_langs=True).fetch(names)
        self.mapped("status_page_url")
        self.mapped("status_lookup_url")

    def _send_status_notifications_for_page(self, page, kind):
        """Queue one page's messages for these tickets, by its channel.

        Each template is rendered once for the whole batch; a channel the
        ticket has no contact data for is skipped and noted on the chatter.

        :param page: the tickets' ``helpdesk.status.page``
        :param str kind: ``create``, ``status`` or ``link`` (an agent sends
            the link: "here is your link", whether or not the status changed)
        """
        mail_field, sms_field = STATUS_TEMPLATE_FIELDS[kind]
        mail_template, sms_template = page[mail_field], page[sms_field]
        channel = page.notify_channel
        wants_email = channel in ("auto", "email", "both") and mail_template
        wants_sms = channel in ("auto", "sms", "both") and sms_template
        by_email = self.filtered(lambda t: t._get_status_email())
        by_sms = self.filtered("partner_phone")
        notes = {ticket.id: [] for ticket in self}
        if wants_email and by_email:
            # One-tap links, when the page offers them: e-mails only, the
            # SMS below render the plain link.
            taps = self.env["helpdesk.status.page.tap"]._issue(page, by_email)
            # Without taps, the links are those prefetched without the key;
            # with them, computed once for all the e-mails' languages.
            if taps:
                mail_template = mail_template.with_context(status_one_tap=taps)
                by_email.with_context(status_one_tap=taps).mapped("status_page_url")
            mail_template.send_mail_batch(
                by_email.ids, email_layout_xmlid="mail.mail_notification_light"
            )
            for ticket in by_email:
                notes[ticket.id].append(
                    self.env._(
                        "Status link e-mailed to %(email)s.",
                        email=ticket._get_status_email(),
                    )
                )
        if wants_sms and by_sms:
            for ticket, note in by_sms._send_status_sms_safely(sms_template).items():
                notes[ticket.id].append(note)
        # "auto" means the channels the ticket has contact data for: a missing
        # one is only worth a note when the ticket has none at all.
        unreachable = self - by_email - by_sms if channel == "auto" else self
        if wants_email:
            for ticket in unreachable - by_email:
                notes[ticket.id].append(
                    self.env._("No e-mail address: the status e-mail was not sent.")
                )
        if wants_sms:
            for ticket in unreachable - by_sms:
                notes[ticket.id].append(
                    self.env._("No phone number: the status SMS was not sent.")
                )
        noted = self.browse([ticket_id for ticket_id, note in notes.items() if note])
        noted._message_log_batch(
            {ticket.id: " ".join(notes[ticket.id]) for ticket in noted}
        )
        self._record_status_notified(kind)

    def _record_status_notified(self, kind):
        """Record the status as told to the customer, whatever the channel
        that told it: every message carries the link, so a regenerated one
        is now sent. "Running late" tells no status.

        :param str kind: ``create``, ``status``, ``late`` or ``link``
        """
        if kind == "late":
            return
        for stage, tickets in self.grouped("stage_id").items():
            tickets.sudo().write(
                {"status_notified_stage_id": stage.id, "status_link_unsent": False}
            )

    def _send_status_sms_safely(self, template):
        """Send or hold the status SMS on their own: a failure undoes the
        SMS only, never the e-mails queued beside them.

        :return: ``{ticket: note for the chatter}`` of the held or failed SMS
        """
        try:
            with self.env.cr.savepoint():
                held = self._send_or_hold_status_sms(template)
        except Exception as error:  # pylint: disable=broad-except
            _logger.exception("Status SMS failed for %s", self)
            return dict.fromkeys(
                self,
                self.env._(
                    "The status SMS could not be sent: %(error)s", error=str(error)
                ),
            )
        return {
            ticket: self.env._(
                "Status SMS held until %(time)s %(zone)s, the end of the "
                "customer's quiet hours.",
                time=ticket._format_status_time(due, tz),
                zone=tz,
            )
            for ticket, (due, tz) in held.items()
        }

    def _send_or_hold_status_sms(self, template):
        """Send the status SMS now, except to customers inside their page's
        quiet hours, counted in the customer's zone
        (``_get_status_customer_tz``): theirs waits for the end of the quiet
        hours (the latest held SMS replaces an earlier one). E-mails are
        never held, so a message by both channels sends its e-mail now and
        its SMS later.

        :return: ``{ticket: (naive UTC due time, zone name)}`` of the held
            SMS
        """
        now = fields.Datetime.now()
        held = {}
        for ticket in self:
            page = ticket.status_page_id
            if not page.quiet_hours_enabled:
                continue
            tz = ticket._get_status_customer_tz()
            due = page._get_quiet_hours_end(now, tz)
            if due:
                held[ticket] = (due, tz)
        held_tickets = self.browse([ticket.id for ticket in held])
        now_tickets = self - held_tickets
        if now_tickets:
            now_tickets._send_status_sms(template)
        for due, tickets in held_tickets.grouped(lambda t: held[t][0]).items():
            tickets.sudo().write(
                {"status_sms_due": due, "status_sms_template_id": template.id}
            )
        if held:
            self.env.ref(
                "helpdesk_mgmt_status_page.ir_cron_send_status_notifications"
            )._trigger(at=sorted({due for due, _tz in held.values()}))
        return held

    @api.model
    def _send_held_status_sms(self):
        """Send the SMS whose quiet hours are over, rendered now, except
        where the page was disabled meanwhile. A failure is noted on the
        tickets once, not retried at every run."""
        due = self.with_context(active_test=False).search(
            [("status_sms_due", "<=", fields.Datetime.now())]
        )
        by_template = due.grouped("status_sms_template_id")
        due.sudo().write({"status_sms_due": False, "status_sms_template_id": False})
        due._log_status_page_disabled()
        for template, tickets in by_template.items():
            tickets = tickets.filtered("status_page_id.active")
            if not (template and tickets):
                continue
            notes = tickets._send_status_sms_safely(template)
            self.browse([ticket.id for ticket in notes])._message_log_batch(
                {ticket.id: note for ticket, note in notes.items()}
            )

    def _send_status_sms(self, template):
        """One chatter SMS message and one queued ``sms.sms`` per ticket, in
        bulk; a failed SMS shows on its message and can be resent from there."""
        bodies = template._render_field("body", self.ids, compute_lang=True)
        messages = self._message_log_batch(
            {ticket.id: bodies[ticket.id] for ticket in self},
            message_type="sms",
        )
        message_by_ticket = {message.res_id: message for message in messages}
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "number": ticket._format_status_phone() or ticket.partner_phone,
                        "body": bodies[ticket.id],
                        "partner_id": ticket.partner_id.id,
                        "mail_message_id": message_by_ticket[ticket.id].id,
                        "state": "outgoing",
                    }
                    for ticket in self
                ]
            )
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": sms.mail_message_id.author_id.id,
                    "mail_message_id": sms.mail_message_id.id,
                    "res_partner_id": sms.partner_id.id,
                    "sms_id_int": sms.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": sms.uuid})],
                    "sms_number": sms.number,
                    "notification_type": "sms",
                    "notification_status": "ready",
                    "is_read": True,
                }
                for sms in sms
            ]
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()

    # === BUSINESS METHODS: CONVERSATION AND CUSTOMER ACTIONS ===#
    # The public conversation as the status page shows it, whether the
    # customer's last message is unanswered, and what a verified customer does
    # from the page as the ticket's contact: reply with files, confirm the
    # resolution and rate it, or reopen. The page's options decide what is
    # allowed. A customer's message gives the agent a "Customer replied"
    # activity, done when an agent answers; the moves it causes are credited
    # to the contact.

    @api.model
    def _get_public_message_sql(self):
        """Which messages of a ticket (alias ``m``) the customer sees:
        comments (agents' replies sent to the customer, the customer's
        e-mails and page replies), never notes, tracking, notifications nor
        the one-time codes (queued as bare mails, which are no comments)."""
        return SQL(
            """
            m.model = 'helpdesk.ticket'
            AND m.subtype_id = %s
            AND m.message_type IN ('comment', 'email')
            AND NOT COALESCE(m.is_internal, FALSE)
            """,
            self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
        )

    @api.model
    def _update_status_customer_replied(self, ids):
        """Store whether each ticket of ``ids`` waits for an answer: its
        last public message is from its contact. One query for the batch."""
        if not ids:
            return
        self._write_status_customer_replied(SQL("t.id = ANY(%s)", list(ids)))
        self.browse(ids).invalidate_recordset(["status_customer_replied"])

    @api.model
    def _fill_status_customer_replied(self):
        """Store the flag of every ticket that has none yet: tickets from
        before it was stored, or inserted in SQL."""
        self._write_status_customer_replied(SQL("t.status_customer_replied IS NULL"))
        self.invalidate_model(["status_customer_replied"])

    @api.model
    def _write_status_customer_replied(self, where):
        self.env["mail.message"].flush_model()
        self.flush_model(["partner_id"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE helpdesk_ticket t
                   SET status_customer_replied = COALESCE(t.partner_id = (
                       SELECT m.author_id FROM mail_message m
                        WHERE m.res_id = t.id AND %(public)s
                        ORDER BY m.id DESC LIMIT 1), FALSE)
                 WHERE %(where)s
                """,
                public=self._get_public_message_sql(),
                where=where,
            )
        )

    def _is_status_customer(self, author_id, email_from):
        """Whether a message of this author is the customer's own."""
        self.ensure_one()
        if self.partner_id:
            return author_id == self.partner_id.id
        return bool(
            email_from
            and email_normalize(email_from) == email_normalize(self.partner_email)
        )

    def _get_status_conversation(self, page, before=None):
        """The public messages the page shows, oldest first: the latest
        ``CONVERSATION_PAGE_SIZE``, or those before message ``before``.
        One query whatever the number of messages and files.

        :param page: the ``helpdesk.status.page`` showing the ticket
        :param int before: show the page of messages older than this id
        :return: dict with ``messages`` (list of dicts: ``id``, ``author``,
            ``is_customer``, ``date``, ``body`` (sanitized Markup),
            ``attachments``: dicts of ``_format_status_file``), ``older`` (id
            to pass as ``before`` for older messages, or False),
            ``latest_agent``, ``last_message_date`` (of the latest public
            message, shown or not; False when none is shown)
        """
        self.ensure_one()
        self.env["mail.message"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, m.body, m.date, m.author_id, m.email_from, p.name,
                       COALESCE((
                           SELECT json_agg(json_build_array(
                                      a.id, a.name, a.mimetype, a.file_size,
                                      to_char(a.create_date, 'YYYY-MM-DD HH24:MI:SS')
                                  ) ORDER BY a.id)
                             FROM message_attachment_rel r
                             JOIN ir_attachment a ON a.id = r.attachment_id
                            WHERE r.message_id = m.id
                              AND a.res_model = 'helpdesk.ticket'
                              AND a.res_id = m.res_id
                              AND a.res_field IS NULL AND a.type = 'binary'
                       ), '[]'),
                       -- Computed once (it refers to no row of the outer m).
                       (SELECT max(m.date) FROM mail_message m
                         WHERE m.res_id = %(ticket)s AND %(public)s)
                  FROM mail_message m
                  LEFT JOIN res_partner p ON p.id = m.author_id
                 WHERE m.res_id = %(ticket)s AND %(public)s AND m.id < %(before)s
                 ORDER BY m.id DESC LIMIT %(limit)s
                """,
                ticket=self.id,
                public=self._get_public_message_sql(),
                before=before or 2**31 - 1,
                limit=CONVERSATION_PAGE_SIZE + 1,
            )
        )
        rows = self.env.cr.fetchall()
        last_message_date = rows[0][-1] if rows else False
        older = len(rows) > CONVERSATION_PAGE_SIZE
        rows = rows[:CONVERSATION_PAGE_SIZE][::-1]
        tz = self._get_status_shown_tz(page)
        messages = []
        for msg_id, body, date, author_id, email_from, name, files, _last in rows:
            is_customer = self._is_status_customer(author_id, email_from)
            if is_customer:
                author = self.env._("You")
            elif page.agent_display == "agent" and (name or email_from):
                author = name or email_from
            else:
                # Read only when shown: one query less on most views.
                author = self.team_id.name or self.company_id.name
            messages.append(
                {
                    "id": msg_id,
                    "author": author,
                    "is_customer": is_customer,
                    "date": self._format_status_time(date, tz),
                    "body": sanitize_html(body or ""),
                    "attachments": [
                        self._format_status_file(*file, tz=tz) for file in files
                    ],
                }
            )
        agents = [message for message in messages if not message["is_customer"]]
        return {
            "messages": messages,
            "older": older and messages[0]["id"],
            "newer": bool(before),
            "latest_agent": agents[-1] if agents else False,
            "last_message_date": last_message_date,
        }

    def _get_status_actions(self, page):
        """What the view offers the customer now, for the template."""
        self.ensure_one()
        stage = self.stage_id
        solved, deadline = self._get_status_solved_state(page)
        return {
            "waiting": stage.waiting_on_customer,
            "instructions": stage.waiting_on_customer and stage.customer_instructions,
            "can_reply": page._is_reply_allowed(self),
            "solved": solved,
            "stars": solved == "rate" and self._get_status_star_labels(),
            "rated": solved == "done" and self._get_status_rated_text(),
            "can_reopen": bool(page.reopen_stage_id) and page._accepts_messages(),
            "can_follow_up": solved == "expired" and page._accepts_messages(),
            "reopen_until": solved == "ask"
            and self.env._(
                "You can answer until %(time)s.",
                time=self._format_status_time(
                    deadline, self._get_status_shown_tz(page)
                ),
            ),
            "upload_accept": ",".join(
                f".{ext}" for ext in page._get_upload_extensions()
            ),
            "upload_help": self.env._(
                "Up to %(files)s files, %(size)s MB in all.",
                files=page.max_upload_files,
                size=page.max_upload_mb,
            ),
        }

    def _get_status_star_labels(self):
        """The rating form's five choices: ``[(value, label)]``, each label
        its own sentence to translate ("1 star" ... "5 stars")."""
        return [
            (1, self.env._("1 star")),
            (2, self.env._("2 stars")),
            (3, self.env._("3 stars")),
            (4, self.env._("4 stars")),
            (5, self.env._("5 stars")),
        ]

    def _get_status_rated_text(self):
        """The score the customer gave this resolution, for the thank-you:
        ``(value, "You rated 4 out of 5")``, or False."""
        rating = self._get_status_rating(self._get_status_resolved_at())
        if not rating:
            return False
        value = round(rating.rating)
        return value, self.env._("You rated %(value)s out of 5", value=value)

    def _get_status_resolved_at(self):
        """When the ticket last entered the resolved status (from its
        history), in one query; False when it is not resolved now."""
        self.ensure_one()
        if self.stage_id.main_status != "resolved":
            return False
        self.env["helpdesk.ticket.status.log"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT max(date) FROM (
                    SELECT date, main_status,
                           lag(main_status) OVER (ORDER BY date, id) AS previous
                      FROM helpdesk_ticket_status_log WHERE ticket_id = %s
                ) rows
                 WHERE main_status = 'resolved'
                   AND previous IS DISTINCT FROM 'resolved'
                """,
                self.id,
            )
        )
        return self.env.cr.fetchone()[0] or self.last_stage_update

    def _get_status_solved_state(self, page):
        """Where the customer stands with a resolved ticket.

        :return: ``(state, deadline)``; state is False (not resolved),
            ``ask`` (is it solved?), ``rate`` (confirmed, not rated yet),
            ``done`` (confirmed and rated) or ``expired`` (past the window)
        """
        resolved_at = self._get_status_resolved_at()
        if not resolved_at:
            return False, False
        deadline = page._get_reopen_deadline(self, resolved_at)
        if not page._is_reopen_window_open(self, resolved_at):
            return "expired", deadline
        confirmed = self.status_solved_confirmed
        if not confirmed or confirmed < resolved_at:
            return "ask", deadline
        if self._get_status_rating(resolved_at):
            return "done", deadline
        return "rate", deadline

    def _get_status_rating(self, since):
        """The customer's rating of the current resolution, if any."""
        return (
            self.env["rating.rating"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", "helpdesk.ticket"),
                    ("res_id", "=", self.id),
                    ("consumed", "=", True),
                    ("create_date", ">=", since),
                ],
                ["rating"],
                order="id desc",
                limit=1,
            )
        )

    def _check_status_solved_state(self, page, *states):
        state, _deadline = self._get_status_solved_state(page)
        if state not in states:
            raise UserError(
                self.env._(
                    "This is no longer possible from this page. Please contact support."
                )
            )
        return state

    def _rate_limit_status_post(self, page):
        """Count one message sent through this ticket's page, whoever its
        author, accepted or not; refuse over the page's hourly limit.

        Counted by ``helpdesk.status.page.challenge._take_slot`` (the lock
        and count of every public limit), so that parallel posts cannot pass
        the limit together; called before the costly checks (files), so that
        refused uploads count too.

        :raise UserError: too many messages this hour, or none allowed
        """
        self.ensure_one()
        self.env["helpdesk.status.page.challenge"]._take_slot(
            page, ["reply"], ticket=self, values={"kind": "reply"}
        )

    @contextmanager
    def _claim_status_form(self, nonce):
        """Claim the form with ``nonce`` for what runs inside; yields whether
        it acts now (False: already sent).

        The claim is undone with the rest when the form is refused (a
        ``UserError`` from inside): refused forms leave no claim behind,
        and the same form can be sent again once corrected.
        """
        with self.env.cr.savepoint():
            yield self.env["helpdesk.status.page.lock"]._claim_key(
                f"form:{self.id}:{nonce}"
            )

    def _post_status_message(self, text, attachments=None):
        """Post ``text`` (plain) as the customer, a comment notified to the
        followers the standard way."""
        return (
            self.sudo()
            .with_context(mail_create_nosubscribe=True)
            .message_post(
                body=plaintext2html(text),
                author_id=self.partner_id.id or None,
                email_from=self.partner_id.email_formatted or self.partner_email,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=attachments or [],
            )
        )

    def _post_status_reply(self, page, text, uploads, nonce):
        """Post the customer's reply with files; from a waiting stage, move
        the ticket to the stage's reply stage. The message is counted
        against the hourly limit first (refused files count too), then the
        files are checked; nothing else is written unless all checks pass.

        :param page: ``helpdesk.status.page`` serving the ticket
        :param str text: the customer's plain text
        :param uploads: ``[(file name, bytes)]``
        :param str nonce: the form's one-time nonce
        :return: the message, or False when this form was already sent
        :raise UserError: replies not allowed now, or refused input
        """
        self.ensure_one()
        if not page._is_reply_allowed(self):
            raise UserError(self.env._("Replies are not possible at this stage."))
        text = page._clean_reply_text(text)
        self._rate_limit_status_post(page)
        with self._claim_status_form(nonce) as claimed:
            if not claimed:
                return False
            uploads = page._check_uploads(uploads)
            message = self._post_status_message(text, uploads)
            stage = self.stage_id
            if stage.waiting_on_customer and stage.customer_reply_stage_id:
                self._move_status_as_customer(stage.customer_reply_stage_id)
            self._schedule_status_reply_activity(page)
        return message

    def _confirm_status_solved(self, page):
        """The customer says the request is solved: record it, once per
        resolution, and note it on the chatter."""
        self.ensure_one()
        if self._check_status_solved_state(page, "ask", "rate", "done") != "ask":
            return  # a double submit: confirmed already
        self.sudo().status_solved_confirmed = fields.Datetime.now()
        self.sudo()._message_log(
            body=self.env._("The customer confirmed that the request is solved."),
            author_id=self.partner_id.id or None,
        )

    def _rate_status(self, page, value, comment, nonce):
        """Store the customer's 1-5 rating of this resolution as a core
        ``rating.rating`` (rated partner: the assigned agent).

        :return: the rating, or False when this form was already sent
        :raise UserError: not confirmed, already rated, or a wrong value
        """
        self.ensure_one()
        if value not in range(1, 6):
            raise UserError(self.env._("Choose a rating from 1 to 5."))
        comment = page._clean_reply_text(comment, required=False)
        with self._claim_status_form(nonce) as claimed:
            if not claimed:
                return False
            self.env["helpdesk.status.page.lock"]._lock_keys(f"rate:{self.id}")
            self._check_status_solved_state(page, "rate")
            rating = (
                self.env["rating.rating"]
                .sudo()
                .create(
                    {
                        "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                        "res_id": self.id,
                        "rating": value,
                        "feedback": comment,
                        "partner_id": self.partner_id.id,
                        "rated_partner_id": self.user_id.partner_id.id,
                        "consumed": True,
                    }
                )
            )
            self.env["helpdesk.status.page.lock"]._bump_keys(f"rate:{self.id}")
        self.sudo()._message_log(
            body=plaintext2html(
                self.env._("Rating: %(value)s/5", value=value)
                + (f"\n{comment}" if comment else "")
            ),
            author_id=self.partner_id.id or None,
        )
        return rating

    def _reopen_status(self, page, reason, nonce):
        """The customer says the request is not solved: post the reason as
        theirs and move the ticket to the page's reopen stage.

        :return: the message, or False when this form was already sent
        :raise UserError: past the window, no reopen stage, or no reason
        """
        self.ensure_one()
        self._check_status_solved_state(page, "ask", "rate", "done")
        if not (page.reopen_stage_id and page._accepts_messages()):
            raise UserError(
                self.env._("To reopen this request, please contact support.")
            )
        reason = page._clean_reply_text(reason)
        self._rate_limit_status_post(page)
        with self._claim_status_form(nonce) as claimed:
            if not claimed:
                return False
            message = self._post_status_message(reason)
            self._move_status_as_customer(page.reopen_stage_id)
            self._schedule_status_reply_activity(page)
        return message

    def _ask_status_followup(self, page, question, nonce):
        """After the reopen window, the customer asks a follow-up question:
        a new ticket for the same contact, team and company, linked to this
        one (``status_followup_of_id``), its description the question; both
        chatters name the other. Counted as a message of this ticket.

        :param page: ``helpdesk.status.page`` serving this ticket
        :param str question: the customer's plain text
        :param str nonce: the form's one-time nonce
        :return: the new ticket (on a double submit, the one the first
            submit made)
        :raise UserError: not past the window, messages off, or no text
        """
        self.ensure_one()
        self._check_status_solved_state(page, "expired")
        if not page._accepts_messages():
            raise UserError(
                self.env._("To ask a follow-up question, please contact support.")
            )
        question = page._clean_reply_text(question)
        self._rate_limit_status_post(page)
        # What agents read (subject, chatter) is in the agents' language.
        ticket = self.sudo().with_context(
            lang=self.user_id.lang or self.company_id.partner_id.lang or "en_US"
        )
        Ticket = ticket.env["helpdesk.ticket"].with_context(
            mail_create_nosubscribe=True
        )
        with self._claim_status_form(nonce) as claimed:
            if not claimed:
                return Ticket.search(
                    [("status_followup_of_id", "=", self.id)], order="id desc", limit=1
                )
            followup = Ticket.create(ticket._prepare_status_followup_values(question))
        ticket._message_log(
            body=ticket.env._(
                "The customer asked a follow-up question: %(ticket)s.",
                ticket=followup._get_html_link(title=followup.number),
            ),
            author_id=self.partner_id.id or None,
        )
        followup._message_log(
            body=ticket.env._(
                "Follow-up question about %(ticket)s, asked on its status page.",
                ticket=ticket._get_html_link(title=ticket.number),
            ),
            author_id=self.partner_id.id or None,
        )
        return followup

    def _prepare_status_followup_values(self, question):
        """The follow-up ticket of ``_ask_status_followup``."""
        self.ensure_one()
        ticket = self.sudo()
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_web", raise_if_not_found=False
        )
        return {
            "name": self.env._("Follow-up: %(subject)s", subject=ticket.name),
            "description": plaintext2html(question),
            "partner_id": ticket.partner_id.id,
            "partner_name": ticket.partner_name,
            "partner_email": ticket.partner_email,
            "partner_phone": ticket.partner_phone,
            "team_id": ticket.team_id.id,
            "company_id": ticket.company_id.id,
            "channel_id": channel.id if channel else ticket.channel_id.id,
            "status_followup_of_id": ticket.id,
        }

    def _move_status_as_customer(self, stage):
        """Move the ticket to ``stage`` on its customer's behalf (a reply
        from a waiting stage, a reopening): the tracking message and the
        history row are credited to the ticket's contact, never to the
        public user who serves the page."""
        self.ensure_one()
        ticket = self.sudo()
        if ticket.partner_id:
            ticket._track_set_author(ticket.partner_id)
            ticket = ticket.with_context(status_log_partner_id=ticket.partner_id.id)
        ticket.stage_id = stage

    @api.model
    def _get_status_reply_activity_type(self):
        """The "Customer replied" activity type, unless an admin deleted it."""
        return self.env.ref(
            "helpdesk_mgmt_status_page.mail_activity_customer_replied",
            raise_if_not_found=False,
        )

    def _get_status_reply_activities(self):
        """The open "Customer replied" activities of these tickets."""
        activity_type = self._get_status_reply_activity_type()
        if not activity_type:
            return self.env["mail.activity"]
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )

    def _schedule_status_reply_activity(self, page):
        """The customer wrote from the page: give the assigned agent, else
        the team leader, a "Customer replied" activity, unless the page
        turns them off or one is open already (a second reply adds none).
        Nobody assigned and no leader: no activity."""
        self.ensure_one()
        if not page.reply_activity:
            return
        ticket = self.sudo()
        user = ticket.user_id or ticket.team_id.user_id
        activity_type = self._get_status_reply_activity_type()
        if not (user and activity_type) or self._get_status_reply_activities():
            return
        # Scheduled by the system, not by the public user serving the page;
        # no "activity assigned" e-mail: the reply itself notifies followers.
        ticket.with_user(SUPERUSER_ID).with_context(
            mail_activity_quick_update=True
        ).activity_schedule(activity_type_id=activity_type.id, user_id=user.id)

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        self._done_status_reply_activities(message)
        return res

    def _done_status_reply_activities(self, message):
        """An internal user answered the customer (a public message): the
        ticket's "Customer replied" activity is done."""
        if (
            message.is_internal
            or message.message_type not in ("comment", "email")
            or message.subtype_id.id
            != self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
            or not message.author_id
            or message.author_id == self.partner_id
        ):
            return
        activities = self._get_status_reply_activities()
        if activities and any(
            not user.share for user in message.author_id.sudo().user_ids
        ):
            activities.action_feedback()

    # === BUSINESS METHODS: PROMISE ===#
    # The answer a ticket's status page promises, whether it is running
    # late, and the one "running late" message per promise.

    def _get_status_promises(self):
        """The promised answer of each ticket, by its page's rule, in a
        constant number of queries for the whole batch.

        :return: ``{ticket_id: promise}``: a ``date`` (answer within that
            day), a naive UTC ``datetime``, or ``False`` (no promise)
        """
        promises = dict.fromkeys(self.ids, False)
        for page, tickets in self.grouped("status_page_id").items():
            if page.promise_mode == "field":
                fname = page.promise_field_id.name
                # An uninstalled module may take the field with it.
                if fname in tickets._fields:
                    promises.update((ticket.id, ticket[fname]) for ticket in tickets)
            elif page.promise_mode == "days":
                for calendar, group in tickets.grouped(
                    lambda t, page=page: (
                        page.promise_day_kind == "working"
                        and t._get_status_promise_calendar()
                    )
                ).items():
                    promises.update(group._get_status_day_promises(page, calendar))
        return promises

    def _get_status_promise_calendar(self):
        """Working hours the promise counts in: the team's where the team
        has some (``helpdesk_mgmt_sla`` adds them), else the company's."""
        self.ensure_one()
        team = self.team_id
        calendar = "resource_calendar_id" in team._fields and team.resource_calendar_id
        return calendar or self.company_id.resource_calendar_id

    def _get_status_day_promises(self, page, calendar):
        """Promises ``page.promise_days`` days after creation: the local day
        of creation plus that many calendar days, or that many working days
        of ``calendar`` after it. A calendar without working days (deleted,
        emptied) counts calendar days.

        :return: ``{ticket_id: date}``
        """
        days = page.promise_days
        created = {
            ticket.id: ticket._get_status_local_date(
                ticket.create_date, calendar.tz if calendar else None
            )
            for ticket in self
        }
        working_days = calendar and self._get_status_working_days(
            calendar, min(created.values()), max(created.values()), days
        )
        return {
            ticket_id: get_promise_day(day, days, working_days)
            for ticket_id, day in created.items()
        }

    @api.model
    def _get_status_working_days(self, calendar, first, last, days):
        """Sorted local days with working hours in ``calendar``, after
        ``first`` and far enough after ``last`` to hold ``days`` of them,
        public holidays left out; one read of the calendar for any batch."""
        zone = pytz.timezone(calendar.tz or "UTC")
        start, end = get_search_window(first, last, days, zone)
        intervals = calendar._work_intervals_batch(start, end, tz=zone)[False]
        return get_local_dates((interval[0] for interval in intervals), zone)

    def _get_status_local_date(self, value, tz=None):
        """Day of the naive UTC ``value`` in ``tz``, by default the page's."""
        self.ensure_one()
        return get_local_date(value, tz or self._get_status_page_tz())

    def _is_status_promise_past(self, promise, now=None):
        """Whether ``promise`` is over: a datetime once passed, a day once
        over in the page's time zone."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        if isinstance(promise, datetime):
            return now > promise
        return self._get_status_local_date(now) > promise

    def _is_status_open(self):
        """Whether the team still owes the customer an answer."""
        self.ensure_one()
        return (self.stage_id.main_status or "received") in OPEN_STATUSES

    def _get_status_promise_values(self, timeline, tz):
        """The promise block of the public view, or what became of the
        request, told as the timeline tells it: "Resolved on" only when the
        timeline's Resolved step is done, "Closed on" when its Closed step
        is, and an earlier resolution undone by a re-opening as the history
        the timeline shows.

        :param list timeline: steps of ``_get_status_timeline``, with their
            ``history_display``
        :param str tz: the zone the page shows times in
        :return: dict with ``promise`` and ``promise_display``/``_iso``,
            ``late``, ``outcome`` (list of dicts with ``status``, ``label``,
            ``date_display``, ``date_iso``) and ``reopened``
            (the history lines of the re-opening)
        """
        self.ensure_one()
        reopened = [
            step["history_display"] for step in timeline if step["history_display"]
        ]
        if self.stage_id.closed or not self._is_status_open():
            outcome = [
                {
                    "status": step["status"],
                    "label": step["label"],
                    "date_display": self._format_status_time(step["date"], tz),
                    "date_iso": step["date"].isoformat() + "Z",
                }
                for step in timeline
                if step["status"] in FINISHING_STATUSES
                and step["state"] in ("done", "current")
                and step["date"]
            ]
            return {"promise": False, "outcome": outcome, "reopened": reopened}
        # Waiting on the customer, the team owes no answer: no promise.
        if self.stage_id.waiting_on_customer:
            return {"promise": False, "reopened": reopened}
        promise = self._get_status_promises()[self.id]
        if not promise:
            return {"promise": False, "reopened": reopened}
        if isinstance(promise, datetime):
            display, iso = self._format_status_time(promise, tz), promise.isoformat()
            iso += "Z"
        else:
            display, iso = self._format_status_date(promise), promise.isoformat()
        return {
            "promise": promise,
            "promise_display": display,
            "promise_iso": iso,
            "late": self._is_status_promise_past(promise),
            "reopened": reopened,
        }

    @api.model
    def _get_status_late_domain(self):
        """Open tickets of the pages that tell customers when running late."""
        pages = self.env["helpdesk.status.page"].search(
            [("notify_late", "=", True), ("promise_mode", "!=", "none")]
        )
        if not pages:
            return expression.FALSE_DOMAIN
        defaults = pages.filtered("is_default")
        return expression.AND(
            [
                [("stage_id.main_status", "in", OPEN_STATUSES)],
                expression.OR(
                    [
                        [("team_id.status_page_id", "in", pages.ids)],
                        [
                            ("company_id", "in", defaults.company_id.ids),
                            "|",
                            ("team_id", "=", False),
                            ("team_id.status_page_id", "=", False),
                        ],
                    ]
                ),
            ]
        )

    @api.model
    def _cron_notify_late(self, batch_size=LATE_BATCH_SIZE):
        """Tell the customers of open tickets past their promise, once per
        promise, ``batch_size`` tickets at a time; each batch is committed,
        so a timeout loses no message sent."""
        domain = self._get_status_late_domain()
        Cron = self.env["ir.cron"]
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        remaining = self.with_context(active_test=False).search_count(domain)
        done, last_id = 0, 0
        while True:
            batch = self.with_context(active_test=False).search(
                expression.AND([domain, [("id", ">", last_id)]]),
                order="id",
                limit=batch_size,
            )
            if not batch:
                break
            batch._notify_status_late()
            # The batch's writes are its own queries, not the next one's.
            self.env.flush_all()
            last_id = batch[-1].id
            done, remaining = done + len(batch), max(remaining - len(batch), 0)
            Cron._notify_progress(done=done, remaining=remaining)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            # What a batch read leaves the cache: memory stays a batch's.
            self.env.invalidate_all()

    def _notify_status_late(self):
        """Send the "running late" message to these tickets' customers where
        the promise is past and not apologised for yet, and remember it.
        A disabled page sends nothing and remembers nothing."""
        now = fields.Datetime.now()
        promises = self._get_status_promises()
        late = self.filtered(
            lambda t: (
                t.status_page_id.active
                and promises[t.id]
                and t._is_status_promise_past(promises[t.id], now)
                and t.status_late_notified_promise
                != fields.Datetime.to_datetime(promises[t.id])
            )
        )
        if not late:
            return late
        late._send_status_notifications("late")
        for ticket in late.sudo():
            ticket.status_late_notified_promise = fields.Datetime.to_datetime(
                promises[ticket.id]
            )
        return late

    # === BUSINESS METHODS: VIEW VALUES ===#
    # What the public ticket view shows, formatted for the customer:
    # timeline, last update, fields, properties and attachments, in the zone
    # the page shows times in.

    def _get_status_page_values(self, page):
        """Everything the public ticket view shows, formatted for the
        customer, in the zone the page shows times in
        (``_get_status_shown_tz``), named by ``tz``.

        :param page: the ``helpdesk.status.page`` serving the ticket
        """
        self.ensure_one()
        tz = self._get_status_shown_tz(page)

        def when(value):
            return self._format_status_time(value, tz) if value else "—"

        steps, last_change = self._get_status_timeline()
        timeline = [
            dict(
                step,
                date_display=when(step["date"]),
                history_display=self._format_status_history(step, tz),
            )
            for step in steps
        ]
        description = self.description
        return {
            "ticket": self,
            "number": self.number,
            "status_label": self.stage_id.customer_status_label,
            "status_description": self.stage_id.customer_description,
            "last_change": last_change,
            "last_update": when(last_change),
            "timeline": timeline,
            "description": (
                sanitize_html(description) if not is_html_empty(description) else False
            ),
            "fields": self._get_status_page_fields(page, tz),
            "attachments": (
                self._get_status_page_files(tz)
                if page.allow_attachment_download
                else []
            ),
            "tz": tz,
            "tz_is_customer": page.times_zone == "customer",
            **self._get_status_promise_values(timeline, tz),
        }

    def _get_status_timeline(self):
        """The main statuses of the customer timeline, for one ticket.

        A step before the current one is ``done``, the current one ``current``,
        later ones ``upcoming`` without a time. A finished ticket (a stage of
        helpdesk_mgmt marked ``closed``) has nothing to come: its current step
        is ``done``, the steps after it are left out, and a step before it
        that the ticket never reached is ``skipped`` (a ticket cancelled while
        new is "Closed", never "Resolved").

        A re-opening (from resolved or closed back to an open status) undoes
        the resolution: the finishing steps only count what happened since,
        and one reached before it carries it as ``history`` ("Resolved on X,
        reopened on Y"), shown under the step, upcoming or skipped again.

        :return: list of dicts with ``status``, ``label``, ``state``,
            ``current``, ``date`` and ``history`` (``(date, reopened)`` or
            False), and the time of the last status change (the history's
            last row)
        """
        self.ensure_one()
        labels = (
            self.status_page_id._get_main_status_labels()
            if self.status_page_id
            else dict(MAIN_STATUSES)
        )
        dates = self.env["helpdesk.ticket.status.log"]._get_status_dates(self)[self.id]
        reached = dict(dates["first"])
        for status in FINISHING_STATUSES:
            reached.pop(status, None)
            if status in dates["since_reopened"]:
                reached[status] = dates["since_reopened"][status]
        # A ticket is received when it is created, history or not.
        reached.setdefault("received", self.create_date)
        statuses = [status for status, _label in MAIN_STATUSES]
        current_index = statuses.index(self.stage_id.main_status or "received")
        finished = self.stage_id.closed
        if finished:
            statuses = statuses[: current_index + 1]
        timeline = []
        for index, status in enumerate(statuses):
            if index > current_index:
                state = "upcoming"
            elif finished and status not in reached:
                state = "skipped"
            elif index < current_index or finished:
                state = "done"
            else:
                state = "current"
            undone = (
                state in ("upcoming", "skipped")
                and status in FINISHING_STATUSES
                and dates["reopened"]
            )
            timeline.append(
                {
                    "status": status,
                    "label": labels[status],
                    "state": state,
                    "current": index == current_index,
                    "date": reached.get(status)
                    if state in ("done", "current")
                    else False,
                    "history": undone
                    and status in dates["last"]
                    and (dates["last"][status], dates["reopened"]),
                }
            )
        return timeline, dates["last_change"] or self.create_date

    @api.model
    def _format_status_history(self, step, tz):
        """What a timeline step undone by a re-opening says: "Resolved on X,
        reopened on Y"; False for a step without such history."""
        if not step["history"]:
            return False
        date, reopened = (
            self._format_status_time(value, tz) for value in step["history"]
        )
        if step["status"] == "resolved":
            return self.env._(
                "Resolved on %(date)s, reopened on %(reopened)s.",
                date=date,
                reopened=reopened,
            )
        return self.env._(
            "Closed on %(date)s, reopened on %(reopened)s.",
            date=date,
            reopened=reopened,
        )

    def _get_status_page_fields(self, page, tz):
        """``[(label, value)]`` of the fields the page shows."""
        self.ensure_one()
        lines = self.env["helpdesk.status.page.field"]._get_shown_lines(page.id)
        properties = {}
        if any(self._fields[name].type == "properties" for name, _p, _l in lines):
            properties = {prop["name"]: prop for prop in self._read_status_properties()}
        result = []
        for field_name, property_name, label in lines:
            field = self._fields[field_name]
            if field.type == "properties":
                prop = properties.get(property_name)
                if prop:
                    label = label or prop.get("string") or property_name
                    result.append((label, self._format_status_property(prop, tz)))
                continue
            result.append((label, self._format_status_field(field, tz)))
        if page.hide_empty_fields:
            result = [line for line in result if line[1] != NO_VALUE]
        return result

    def _format_status_field(self, field, tz):
        """Customer-facing text of one of the ticket's fields (Markup for
        HTML fields, sanitized again)."""
        value = self[field.name]
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if not value and field.type not in ("integer", "float", "monetary"):
            return NO_VALUE
        if field.type == "html":
            return NO_VALUE if is_html_empty(value) else sanitize_html(value)
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type in ("float", "monetary"):
            currency = field.type == "monetary" and field.get_currency_field(self)
            return formatLang(
                self.env, value, currency_obj=currency and self[currency] or None
            )
        if field.type == "date":
            return self._format_status_date(value)
        if field.type == "datetime":
            return self._format_status_time(value, tz)
        if field.type == "many2one":
            return value.display_name
        if field.type == "many2many":
            return ", ".join(value.mapped("display_name"))
        return str(value)

    def _read_status_properties(self):
        """The ticket's properties as ``read`` gives them (definition, value,
        display names), with the team's definition from cache: a page showing
        properties reads no team."""
        self.ensure_one()
        field = self._fields["properties"]
        definition = self.env["helpdesk.ticket.team"]._get_status_properties_definition(
            self.team_id.id
        )
        # The cached definition is frozen: each property is copied before
        # its value and display names are added to it.
        values = self.properties or {}
        properties = [
            {**prop, "value": values.get(prop["name"])} for prop in definition
        ]
        field._parse_json_types(
            properties, self.env, field._get_res_ids_per_model(self, [properties])
        )
        field._add_display_name(properties, self.env)
        return properties

    @api.model
    def _format_status_property(self, prop, tz):
        """Customer-facing text of one property of ``read(['properties'])``."""
        value = prop.get("value")
        kind = prop.get("type")
        if kind == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if value in (False, None, "", []):
            return NO_VALUE
        if kind == "date":
            return self._format_status_date(value)
        if kind == "datetime":
            return self._format_status_time(value, tz)
        if kind == "many2one":
            return value[1]
        if kind == "many2many":
            return ", ".join(name for _id, name in value)
        if kind in ("selection", "tags"):
            labels = {
                option[0]: option[1]
                for option in prop.get(kind if kind == "selection" else "tags") or []
            }
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(labels.get(v, v)) for v in values)
        return str(value)

    def _get_status_page_attachments(self):
        """The ticket's files customers may download (see
        ``_query_status_page_attachments``), in one query.

        :return: ``{id: name}``, in upload order
        """
        self.ensure_one()
        return self._query_status_page_attachments()

    def _query_status_page_attachments(self, include_shared=True):
        """The stored files of these tickets that reached their customer:
        those of public messages (see ``_get_public_message_sql``, the
        customer's replies included) and those made with the ticket, by the
        request that created it (an e-mail, the website form) and in no
        other message; with ``include_shared``, also those an agent shared
        on the status page. Never files added in the chatter or generated
        later, those of notes or of other records, nor of binary fields.

        :return: ``{id: name}``, in upload order
        """
        self._flush_status_attachments()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, a.name FROM ir_attachment a
                  JOIN helpdesk_ticket t ON t.id = a.res_id
                 WHERE a.res_model = 'helpdesk.ticket' AND a.res_id = ANY(%(tickets)s)
                   AND %(offered)s
                 ORDER BY a.id
                """,
                tickets=self.ids,
                offered=self._get_status_attachment_sql(include_shared),
            )
        )
        return dict(self.env.cr.fetchall())

    def _flush_status_attachments(self):
        self.env["ir.attachment"].flush_model(
            ["res_model", "res_id", "res_field", "type", "status_page_shared"]
        )
        self.env["mail.message"].flush_model()
        self.flush_model(["create_date", "create_uid"])

    @api.model
    def _get_status_attachment_sql(self, include_shared=True):
        """Whether a file (alias ``a``) of a ticket (alias ``t``) reached its
        customer (see ``_query_status_page_attachments``)."""
        return SQL(
            """
            a.res_field IS NULL AND a.type = 'binary'
            AND (
                (%(shared)s AND a.status_page_shared)
                OR EXISTS (
                    SELECT 1 FROM message_attachment_rel r
                      JOIN mail_message m ON m.id = r.message_id
                     WHERE r.attachment_id = a.id AND m.res_id = a.res_id
                       AND %(public)s
                )
                OR (
                    a.create_date = t.create_date
                    AND a.create_uid IS NOT DISTINCT FROM t.create_uid
                    AND NOT EXISTS (
                        SELECT 1 FROM message_attachment_rel r
                         WHERE r.attachment_id = a.id
                    )
                )
            )
            """,
            shared=include_shared,
            public=self._get_public_message_sql(),
        )

    def _get_status_page_files(self, tz):
        """The files the view lists apart from the conversation: those
        customers may download (see ``_query_status_page_attachments``) that
        belong to no public message (made with the ticket, or shared by an
        agent). A message's files show in the message, once.

        :return: list of dicts (see ``_format_status_file``), in upload order
        """
        self.ensure_one()
        self._flush_status_attachments()
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id, a.name, a.mimetype, a.file_size, a.create_date
                  FROM ir_attachment a
                  JOIN helpdesk_ticket t ON t.id = a.res_id
                 WHERE a.res_model = 'helpdesk.ticket' AND a.res_id = %(ticket)s
                   AND %(offered)s
                   AND NOT EXISTS (
                       SELECT 1 FROM message_attachment_rel r
                         JOIN mail_message m ON m.id = r.message_id
                        WHERE r.attachment_id = a.id AND m.res_id = a.res_id
                          AND %(public)s
                   )
                 ORDER BY a.id
                """,
                ticket=self.id,
                offered=self._get_status_attachment_sql(),
                public=self._get_public_message_sql(),
            )
        )
        return [self._format_status_file(*row, tz=tz) for row in self.env.cr.fetchall()]

    def _format_status_file(self, file_id, name, mimetype, size, date, tz):
        """A file as the view shows it: its name, with its size and date to
        tell same-named files apart, and whether it has a thumbnail.

        :param date: a datetime, or its ``YYYY-MM-DD HH:MM:SS`` text
        """
        if isinstance(date, str):
            date = fields.Datetime.to_datetime(date)
        return {
            "id": file_id,
            "name": name,
            "size": self._format_status_file_size(size or 0),
            "date": self._format_status_time(date, tz) if date else "",
            "thumbnail": mimetype in THUMBNAIL_MIMETYPES,
        }

    def _format_status_file_size(self, size):
        """A file size for people: bytes, KB or MB, in the page's language."""
        if size < 1024:
            return self.env._("%(size)s bytes", size=size)
        if size < 2**20:
            return self.env._(
                "%(size)s KB", size=formatLang(self.env, size / 1024, digits=0)
            )
        return self.env._(
            "%(size)s MB", size=formatLang(self.env, size / 2**20, digits=1)
        )

    def _get_status_thumbnail(self, attachment, size):
        """A thumbnail of ``attachment``, a file the customer may download
        (checked by the caller): a JPEG or PNG image, resized by Odoo's
        image tools; refused images (unreadable, too many pixels, another
        type whatever their declared one) have none.

        :param int size: one of ``THUMBNAIL_SIZES``
        :return: ``(bytes, mimetype)`` or None
        """
        self.ensure_one()
        if (
            attachment.type != "binary"
            or attachment.mimetype not in THUMBNAIL_MIMETYPES
        ):
            return None
        return make_thumbnail(attachment.raw or b"", size)

    def _touch_status_page_view(self):
        """Record that the customer opened the page (see
        ``helpdesk.status.page.visit``); the ticket row is not written."""
        self.ensure_one()
        self.env["helpdesk.status.page.visit"].sudo()._record(self)

    # === BUSINESS METHODS: LIVE VERSION ===#
    # The opaque version of what a customer sees change on the page: the
    # stage, the last status change and the public conversation. The open
    # page polls it to offer a refresh.

    def _get_status_version(self, shown=None):
        """A short opaque string, different after a stage move or a public
        message (never after an internal note); writes nothing.

        The state is hashed with the database secret: the version tells
        whether something changed, not how many rows the database holds.

        :param dict shown: the ticket view's values; when they hold the
            last status change and the latest public messages, the version
            is made from them without a query
        :return: 16 hexadecimal characters
        """
        return self._get_status_live_values(shown)["version"]

    def _get_status_live_values(self, shown=None):
        """The live values of the ticket view: its ``version`` (see
        ``_get_status_version``) and ``seen``, what the view shows, for its
        *Refresh* link: ``<latest public message id>.<last status change,
        in microseconds since 1970>.<stage id>``, read back by
        ``_get_status_updates`` to mark what is new since.

        :param dict shown: the ticket view's values (see
            ``_get_status_version``)
        """
        self.ensure_one()
        if shown and "messages" in shown and not shown.get("newer"):
            messages = shown["messages"]
            last_change = shown["last_change"]
            last_message = messages[-1]["id"] if messages else 0
        else:
            last_change, last_message = self._read_status_version_state()
        micros = (last_change - EPOCH) // timedelta(microseconds=1)
        return {
            "version": self._hash_status_version(
                self.stage_id.id, last_change, last_message
            ),
            "seen": f"{last_message}.{micros}.{self.stage_id.id}",
        }

    @api.model
    def _hash_status_version(self, stage_id, last_change, last_message):
        state = (stage_id, fields.Datetime.to_string(last_change), last_message)
        return hmac(self.env(su=True), VERSION_SCOPE, state)[:16]

    @api.model
    def _get_status_poll_version(self, slug, token, session, website):
        """The version (see ``_get_status_version``) of the ticket whose
        link is ``/status/<slug>/<token>``, when ``session`` may see it
        there; None otherwise, whatever the reason.

        What a polling tab asks every 30 seconds (SPEC §17): one query
        reads the ticket, what the grant is bound to and the version's
        state; the page's URL and routing are cached. The rules are the
        ticket view's (``_find_ticket_by_token``, ``_is_granted``).
        """
        Page = self.env["helpdesk.status.page"].sudo()
        Grant = self.env["helpdesk.status.grant"]
        if not (is_slug(slug) and token and TOKEN_RE.fullmatch(token)):
            return None
        page_id = Page._get_page_id_by_slug(slug, website)
        if not page_id:
            return None
        self.env["helpdesk.ticket"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id, t.team_id, t.company_id, t.stage_id,
                       COALESCE(t.status_access_version, 0),
                       CASE WHEN s.closed THEN t.closed_date END,
                       p.id, p.verification_field, p.verification_method,
                       COALESCE(p.grant_lifetime, 0),
                       COALESCE(p.link_validity_after_close, 0), %(state)s
                  FROM helpdesk_ticket t
                  LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                  JOIN helpdesk_status_page p ON p.id = %(page)s
                 WHERE t.status_token = %(token)s
                """,
                state=self._get_status_version_state_sql(),
                page=page_id,
                token=token,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return None
        ticket_id, team_id, company_id, stage_id, access_version, closed = row[:6]
        page_id, field, method, lifetime, validity, last_change, last_message = row[6:]
        now = fields.Datetime.now()
        granted = (
            Page._get_serving_page_id(team_id, company_id) == page_id
            and is_link_open(closed, validity, now)
            and is_grant_current(
                session.get(Grant._grant_key(self.browse(ticket_id))),
                Grant._hash_grant(ticket_id, access_version, page_id, field, method),
                lifetime,
                now,
            )
        )
        if not granted:
            return None
        # An empty stage reads False, as the view's ``self.stage_id.id``.
        return self._hash_status_version(stage_id or False, last_change, last_message)

    def _get_status_updates(self, shown, seen=None):
        """What changed that the customer can see: the view's *Last update*
        (the later of the last status change and the latest public
        message) and, after a *Refresh*, what is new since the view the
        tab had. No query.

        :param dict shown: the ticket view's values, with its conversation
        :param str seen: the ``seen`` mark of the view the tab showed (see
            ``_get_status_live_values``), as the *Refresh* link sends it;
            anything else is ignored
        :return: dict with ``last_update`` (text), ``new_status`` (the
            status changed since), ``first_new`` (``"status"``, the id of
            the first new message, or False: where the view lands); the
            new messages get ``is_new``
        """
        self.ensure_one()
        last = max(
            filter(None, (shown.get("last_change"), shown.get("last_message_date"))),
            default=False,
        )
        values = {
            "last_update": (
                self._format_status_time(last, shown["tz"]) if last else NO_VALUE
            ),
            "new_status": False,
            "first_new": False,
        }
        match = SEEN_RE.fullmatch(seen or "")
        if not match:
            return values
        seen_message = int(match[1])
        seen_change = EPOCH + timedelta(microseconds=int(match[2]))
        new_messages = []
        for message in shown.get("messages") or []:
            message["is_new"] = message["id"] > seen_message
            if message["is_new"]:
                new_messages.append(message["id"])
        last_change = shown.get("last_change")
        values["new_status"] = bool(
            last_change
            and (
                last_change > seen_change
                # The history keeps seconds: a move within the same second
                # shows in the stage.
                or (
                    last_change == seen_change
                    and match[3]
                    and int(match[3]) != self.stage_id.id
                )
            )
        )
        if values["new_status"]:
            values["first_new"] = "status"
        elif new_messages:
            values["first_new"] = new_messages[0]
        return values

    def _read_status_version_state(self):
        """The last status change (creation when none) and the id of the
        latest public message (0 when none), in one query."""
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM helpdesk_ticket t WHERE t.id = %s",
                self._get_status_version_state_sql(),
                self.id,
            )
        )
        return self.env.cr.fetchone()

    def _get_status_version_state_sql(self):
        """The two columns of ``_read_status_version_state``, for a ticket
        aliased ``t``. The latest public message is read backwards on the
        messages' (model, res_id, id) index, stopping at the first public
        one: not every message of a long conversation."""
        self.env["helpdesk.ticket.status.log"].flush_model()
        self.env["mail.message"].flush_model()
        return SQL(
            """
            COALESCE((SELECT max(l.date) FROM helpdesk_ticket_status_log l
                       WHERE l.ticket_id = t.id), t.create_date),
            COALESCE((SELECT m.id FROM mail_message m
                       WHERE m.res_id = t.id AND %s
                       ORDER BY m.id DESC LIMIT 1), 0)
            """,
            self._get_public_message_sql(),
        )
