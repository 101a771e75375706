# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import secrets
from datetime import timedelta

import babel.dates
import pytz
from markupsafe import Markup
from psycopg2.extras import execute_values

from odoo import Command, api, fields, models
from odoo.tools import (
    format_date,
    formatLang,
    html_sanitize,
    is_html_empty,
)
from odoo.tools.misc import babel_locale_parse

from .helpdesk_ticket_stage import MAIN_STATUSES

# A change of any of these may change who the customer is.
CONTACT_FIELDS = {"partner_id", "partner_email", "partner_phone"}

_logger = logging.getLogger(__name__)


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
    status_page_lang = fields.Char(
        compute="_compute_status_page_lang",
        help="Language of the customer's page and messages: the contact's "
        "language, else the website's default language.",
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

    @api.depends("partner_id.lang", "status_page_id")
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
        """Send the customer their status link now, by the page's channels."""
        self._send_status_notifications("status")
        return True

    def action_regenerate_status_token(self):
        """Give the ticket a new status link; the old one stops working."""
        for ticket in self:
            ticket.sudo().status_token = self._generate_status_token()
            ticket._revoke_status_access()
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

    def _schedule_status_notifications(self):
        """Notify moves into customer-visible stages, after the page's delay.

        A pending notification is replaced by the latest move, so several moves
        within the delay send one message with the final status, and moving
        back to the status the customer already knows sends nothing.
        """
        to_notify = self.filtered(
            lambda t: t.status_page_id.notify_on_status_change
            and t.stage_id.notify_customer
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

    @api.model
    def _cron_send_status_notifications(self):
        """Send the status notifications whose delay is over.

        Nothing goes out when the ticket is back in the status the customer
        was last told about, or now sits in a stage that does not notify.
        """
        due = self.with_context(active_test=False).search(
            [("status_notify_due", "<=", fields.Datetime.now())]
        )
        due.sudo().write({"status_notify_due": False})
        changed = due.filtered(
            lambda t: t.stage_id.notify_customer
            and t.stage_id != t.status_notified_stage_id
        )
        changed._send_status_notifications("status")

    def _send_status_notifications(self, kind):
        """Queue the page's e-mail and SMS for these tickets, in batches.

        A failure is logged on the tickets and never undoes the caller's
        change (stage move, creation).

        :param str kind: ``create`` or ``status``
        """
        for page, tickets in self.grouped("status_page_id").items():
            if not page:
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

    def _send_status_notifications_for_page(self, page, kind):
        """Queue one page's messages for these tickets, by its channel.

        Each template is rendered once for the whole batch; a channel the
        ticket has no contact data for is skipped and noted on the chatter.

        :param page: the tickets' ``helpdesk.status.page``
        :param str kind: ``create`` or ``status``
        """
        if kind == "create":
            mail_template, sms_template = (
                page.mail_template_create_id,
                page.sms_template_create_id,
            )
        else:
            mail_template, sms_template = page.mail_template_id, page.sms_template_id
        channel = page.notify_channel
        wants_email = channel in ("auto", "email", "both") and mail_template
        wants_sms = channel in ("auto", "sms", "both") and sms_template
        by_email = self.filtered(lambda t: t._get_status_email())
        by_sms = self.filtered("partner_phone")
        notes = {ticket.id: [] for ticket in self}
        if wants_email and by_email:
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
            by_sms._send_status_sms(sms_template)
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
        for stage, tickets in self.grouped("stage_id").items():
            tickets.sudo().write({"status_notified_stage_id": stage.id})

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

    def _get_status_email(self):
        """The customer's e-mail: the ticket's, else its contact's."""
        self.ensure_one()
        return self.partner_email or self.partner_id.email

    def _get_status_contacts(self):
        self.ensure_one()
        return (self._get_status_email(), self.partner_phone)

    def _revoke_status_access(self):
        """End every verification made for these tickets, for good."""
        for ticket in self.sudo():
            ticket.status_access_version += 1

    @api.model
    def _generate_status_token(self):
        # 192 random bits, URL-safe, unrelated to the portal access_token.
        return secrets.token_urlsafe(24)

    def _get_status_timeline(self):
        """The four main statuses of the customer timeline, for one ticket.

        A step before the current one is ``done``, the current one ``current``,
        later ones ``upcoming`` without a time, even if reached before a
        re-opening.

        :return: list of dicts with ``status``, ``label``, ``state``, ``date``,
            and the time of the last status change (the history's last row)
        """
        self.ensure_one()
        labels = (
            self.status_page_id._get_main_status_labels()
            if self.status_page_id
            else dict(MAIN_STATUSES)
        )
        reached, last_change = self.env["helpdesk.ticket.status.log"]._get_status_dates(
            self
        )[self.id]
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
        return timeline, last_change or self.create_date

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

    # ------------------------------------------------------------
    # Public status page
    # ------------------------------------------------------------

    def init(self):
        res = super().init()
        # The public form looks tickets up by number, case-insensitively.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS helpdesk_ticket_upper_number_index
                ON helpdesk_ticket (upper(number))
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
        return self._phone_format(
            number=self.partner_phone if number is None else number,
            country=self._get_status_phone_country(),
            force_format="E164",
            raise_exception=raise_exception,
        )

    def _touch_status_page_view(self):
        """Record that the customer opened the page, at most once a minute:
        reloads and parallel requests then do not contend for the row."""
        self.ensure_one()
        now = fields.Datetime.now()
        last = self.status_page_last_view
        if not last or now - last > timedelta(minutes=1):
            self.sudo().status_page_last_view = now

    def _get_status_page_tz(self):
        """Time zone of the page: the assigned agent's, else the company's,
        else UTC."""
        self.ensure_one()
        return self.user_id.tz or self.company_id.partner_id.tz or "UTC"

    def _get_status_page_attachments(self):
        """The ticket's attachments customers may download: not those of
        internal notes nor of binary fields, in one query.

        :return: ``{id: name}``, in upload order
        """
        self.ensure_one()
        self.env.cr.execute(
            """
            SELECT a.id, a.name FROM ir_attachment a
             WHERE a.res_model = 'helpdesk.ticket' AND a.res_id = %s
               AND a.res_field IS NULL
               AND NOT EXISTS (
                   SELECT 1 FROM message_attachment_rel r
                     JOIN mail_message m ON m.id = r.message_id
                LEFT JOIN mail_message_subtype s ON s.id = m.subtype_id
                    WHERE r.attachment_id = a.id
                      AND (m.is_internal OR s.internal)
               )
             ORDER BY a.id
            """,
            [self.id],
        )
        return dict(self.env.cr.fetchall())

    def _format_status_field(self, field, tz):
        """Customer-facing text of one of the ticket's fields (Markup for
        HTML fields, sanitized again)."""
        value = self[field.name]
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if not value and field.type not in ("integer", "float", "monetary"):
            return "—"
        if field.type == "html":
            return Markup(html_sanitize(value))
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type in ("float", "monetary"):
            currency = field.type == "monetary" and field.get_currency_field(self)
            return formatLang(
                self.env, value, currency_obj=currency and self[currency] or None
            )
        if field.type == "date":
            return format_date(self.env, value)
        if field.type == "datetime":
            return self._format_status_time(value, tz)
        if field.type == "many2one":
            return value.display_name
        if field.type == "many2many":
            return ", ".join(value.mapped("display_name"))
        return str(value)

    @api.model
    def _format_status_property(self, prop):
        """Customer-facing text of one property of ``read(['properties'])``."""
        value = prop.get("value")
        kind = prop.get("type")
        if kind == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if value in (False, None, "", []):
            return "—"
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

    @api.model
    def _format_status_time(self, value, tz):
        """``value`` as the customer reads it: the locale's medium date and
        short time, in time zone ``tz`` (seconds mean nothing to a customer)."""
        local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
        locale = babel_locale_parse(self.env.lang or "en_US")
        return locale.datetime_formats["medium"].format(
            babel.dates.format_time(local, "short", locale=locale),
            babel.dates.format_date(local, "medium", locale=locale),
        )

    def _get_status_page_fields(self, page, tz):
        """``[(label, value)]`` of the fields the page shows."""
        self.ensure_one()
        Line = self.env["helpdesk.status.page.field"].sudo()
        lines = Line.search_fetch(
            [("page_id", "=", page.id)], ["field_name", "property_name", "label"]
        ).filtered(lambda line: Line._is_ticket_field_allowed(line.field_name))
        properties = {}
        if any(self._fields[line.field_name].type == "properties" for line in lines):
            properties = {
                prop["name"]: prop
                for prop in self.read(["properties"])[0]["properties"] or []
            }
        result = []
        for line in lines:
            field = self._fields[line.field_name]
            if field.type == "properties":
                prop = properties.get(line.property_name)
                if prop:
                    label = line.label or prop.get("string") or line.property_name
                    result.append((label, self._format_status_property(prop)))
                continue
            result.append((line._get_label(), self._format_status_field(field, tz)))
        return result

    def _get_status_page_values(self, page):
        """Everything the public ticket view shows, formatted for the
        customer, in the page's time zone.

        :param page: the ``helpdesk.status.page`` serving the ticket
        """
        self.ensure_one()
        tz = self._get_status_page_tz()

        def when(value):
            return self._format_status_time(value, tz) if value else "—"

        steps, last_change = self._get_status_timeline()
        timeline = [dict(step, date_display=when(step["date"])) for step in steps]
        description = self.description
        return {
            "ticket": self,
            "number": self.number,
            "status_label": self.stage_id.customer_status_label,
            "last_update": when(last_change),
            "timeline": timeline,
            "description": (
                Markup(html_sanitize(description))
                if not is_html_empty(description)
                else False
            ),
            "fields": self._get_status_page_fields(page, tz),
            "attachments": (
                self._get_status_page_attachments()
                if page.allow_attachment_download
                else {}
            ),
            "tz": tz,
        }

    def action_preview_status_page(self):
        """Open the customer's view of the ticket, marked as a preview."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/status/preview/{self.id}",
            "target": "new",
        }
