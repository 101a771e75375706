# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
import re
from contextlib import closing, contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.http import DEFAULT_MAX_CONTENT_LENGTH
from odoo.osv import expression
from odoo.tools import SQL, consteq, html_sanitize
from odoo.tools.image import IMAGE_MAX_RESOLUTION

from ..tools.code import to_ascii_digits
from ..tools.colour import readable_text_colour
from ..tools.contact import (
    contact_digest,
    mask_email,
    mask_phone,
    normalize_email_input,
    normalize_stored_email,
    phone_to_e164,
)
from ..tools.html import sanitize_html
from ..tools.number import NUMBER_DIGITS_SQL, NUMBER_KEY_SQL, bare_number, number_key
from ..tools.quiet_hours import (
    DEFAULT_QUIET_HOURS,
    is_valid_quiet_hour,
    quiet_hours_end,
    quiet_minute,
)
from ..tools.session import is_link_open
from ..tools.text import (
    MAX_CONTACT_INPUT,
    MAX_MESSAGE_LENGTH,
    MAX_NUMBER_INPUT,
    TOKEN_RE,
    clean_input,
    is_slug,
)
from ..tools.upload import (
    DEFAULT_EXTENSIONS,
    FORM_OVERHEAD,
    UPLOAD_TYPES,
    clean_file_name,
    get_image_refusal,
    parse_extensions,
    sniff_upload,
)

# The page serving a ticket, or a URL, changes with these (see _get_routing
# and _get_page_id_by_slug).
ROUTING_FIELDS = {"is_default", "company_id", "active", "slug", "website_id"}
# The page's website menu entries change with these (see _sync_website_menus).
WEBSITE_MENU_FIELDS = {"website_menu", "active", "slug", "website_id", "company_id"}
# A change of these ends the page's remembered devices (see write).
DEVICE_SETTINGS_FIELDS = ("verification_field", "verification_method", "remember_days")
# Taken by the agents' preview route, /status/preview/<ticket id>.
RESERVED_SLUGS = {"preview"}
# Compared against when no ticket matched, so that both paths do the same work.
NO_CONTACT = "\x00"
# Tickets of one company sharing a number's key beyond which a number is
# ambiguous whatever the page (see _find_ticket_by_number).
MAX_NUMBER_MATCHES = 20
WIDTH_RE = re.compile(r"^\d{1,4}(?:\.\d{1,2})?(?:px|rem|em|%|vw|ch)$")
FONT_FORBIDDEN_RE = re.compile(r"[;{}<>\\@]")
CONTACT_URL_SCHEMES = ("mailto:", "tel:", "https://")
BRAND_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
PROMISE_FIELD_TYPES = ("date", "datetime")
# What a test message rendered with a sample ticket keeps (see
# _send_status_test_sample).
TEST_MAIL_FIELDS = ("subject", "body_html", "email_from", "email_to", "reply_to")
TEST_SMS_FIELDS = ("number", "body", "partner_id")


class HelpdeskStatusPage(models.Model):
    """A public status page: which tickets it serves and who may open them
    (verification), when and how it tells customers (notifications and
    quiet hours), what it promises, what customers may do on it (customer
    actions), and what it says and how it looks (content and appearance).
    Each rule is one method, under the section of its feature.
    """

    _name = "helpdesk.status.page"
    _description = "Helpdesk Status Page"
    _order = "sequence, id"
    _check_company_auto = True

    # === DEFAULT METHODS ===#

    @api.model
    def _default_contact_url(self):
        company = self.env.company
        if company.email:
            return f"mailto:{company.email}"
        if company.phone:
            return "tel:" + re.sub(r"[^\d+]", "", company.phone)
        if company.website and company.website.startswith("https://"):
            return company.website
        return False

    # === FIELDS ===#

    # General
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    slug = fields.Char(
        string="URL identifier",
        required=True,
        help="URL identifier: lowercase letters, digits and dashes, "
        "unique per website.",
    )
    active = fields.Boolean(
        string="Enable public status view",
        default=True,
        help="A disabled page keeps its configuration and sends no message; "
        "its links answer 'page not found' and never show ticket data.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    website_id = fields.Many2one(
        "website",
        check_company=True,
        help="Serve this page on one website only. Empty: every website.",
    )
    is_default = fields.Boolean(
        string="Default page of the company",
        help="Used for tickets without a team, or whose team has no page.",
    )
    team_ids = fields.One2many("helpdesk.ticket.team", "status_page_id")
    website_menu = fields.Boolean(
        string="Show 'Track my request' in the website menu",
        help="An entry of the website's main menu opens this page's look-up "
        "form. Its label, translated, can be changed in Website > Menus.",
    )
    website_menu_ids = fields.One2many("website.menu", "status_page_id")
    url = fields.Char(string="Page URL", compute="_compute_url")

    # Verification
    verification_field = fields.Selection(
        [
            ("email", "E-mail"),
            ("phone", "Phone"),
            ("email_or_phone", "E-mail or phone (customer chooses)"),
        ],
        string="Verify with",
        required=True,
        default="email_or_phone",
    )
    verification_method = fields.Selection(
        [
            ("code", "One-time code sent to the ticket's e-mail or phone"),
            ("match", "Matching e-mail or phone is enough"),
        ],
        string="Verification method",
        required=True,
        default="code",
        help="'Matching' trusts anyone who knows the customer's e-mail or phone; "
        "'one-time code' also proves access to the mailbox or phone.",
    )
    code_length = fields.Integer(
        string="Code length", default=4, help="Digits of a one-time code (4-8)."
    )
    code_lifetime = fields.Integer(string="Code lifetime (minutes)", default=10)
    resend_delay = fields.Integer(string="Resend delay (seconds)", default=30)
    max_attempts = fields.Integer(
        string="Attempts per code", default=5, help="Wrong entries before a code dies."
    )
    max_failures_per_day = fields.Integer(
        string="Failed entries per ticket per day",
        default=10,
        help="Wrong codes accepted for one ticket in 24 hours, across codes, "
        "before verification pauses. 10 keeps the chance of guessing a "
        "4-digit code at 0.1% per ticket per day.",
    )
    max_codes_per_hour = fields.Integer(string="Codes per ticket per hour", default=5)
    max_requests_per_ip_hour = fields.Integer(
        string="Verification requests per IP per hour", default=30
    )
    grant_lifetime = fields.Integer(
        string="Verified access (hours)",
        default=24,
        help="How long a verified browser keeps access to the ticket.",
    )
    remember_days = fields.Integer(
        string="Remember devices (days)",
        default=30,
        help="After a one-time code, the customer may tick 'Remember this "
        "device': that browser then opens the contact's tickets with no code "
        "for this many days (fixed, not extended by use). 0 turns it off; "
        "lowering it ends older devices. Never with a matching e-mail or phone.",
    )
    email_one_tap = fields.Boolean(
        string="One-tap links in status e-mails",
        help="Links in status e-mails (received, status changed, status link, "
        "running late) open the ticket directly: the e-mail's link shows an "
        "'Open my request' button that works once, for the hours below, and "
        "only while the ticket's address and link are unchanged. A newer "
        "e-mail's link replaces the older ones. SMS links never do.",
    )
    email_one_tap_hours = fields.Integer(
        string="One-tap links work for (hours)",
        default=24,
    )
    allow_attachment_download = fields.Boolean(
        string="Allow attachment download",
        help="Show the ticket's attachments (never those of internal notes).",
    )
    link_validity_after_close = fields.Integer(
        string="Link validity after close (days)",
        default=0,
        help="Days a closed ticket stays reachable. 0 = forever.",
    )

    # Notifications
    notify_on_create = fields.Boolean(string="Notify on creation", default=True)
    notify_on_status_change = fields.Boolean(
        string="Notify on status change", default=True
    )
    notify_channel = fields.Selection(
        [
            ("auto", "Every channel the ticket has contact data for"),
            ("email", "E-mail"),
            ("sms", "SMS"),
            ("both", "E-mail and SMS"),
        ],
        string="Channel",
        required=True,
        default="auto",
    )
    notify_delay = fields.Integer(
        string="Notification delay (seconds)",
        default=60,
        help="A status change is sent only once the ticket has stayed in its "
        "new status this long, so quick corrections send nothing.",
    )
    mail_template_create_id = fields.Many2one(
        "mail.template",
        string="E-mail on creation",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_ticket_received", False
        ),
    )
    sms_template_create_id = fields.Many2one(
        "sms.template",
        string="SMS on creation",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_ticket_received", False
        ),
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail on status change",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_status_changed", False
        ),
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS on status change",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_status_changed", False
        ),
    )
    mail_template_link_id = fields.Many2one(
        "mail.template",
        string="E-mail with the status link",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_status_link", False
        ),
        help='Sent by the ticket\'s "Send status link" button: here is your '
        "link, whether or not the status changed.",
    )
    sms_template_link_id = fields.Many2one(
        "sms.template",
        string="SMS with the status link",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_status_link", False
        ),
        help='Sent by the ticket\'s "Send status link" button.',
    )
    test_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Test with ticket",
        ondelete="set null",
        help="Ticket the preview and the e-mail and SMS of 'Send test' show. "
        "Empty: the latest ticket of a linked team, else a sample ticket.",
    )

    # Quiet hours: when status SMS wait (see _get_quiet_hours_end)
    quiet_hours_enabled = fields.Boolean(
        string="Quiet hours",
        compute="_compute_quiet_hours_enabled",
        store=True,
        readonly=False,
        help="Hold status SMS due in the quiet hours until they end, in the "
        "customer's time zone: the contact's zone, else the zone of the "
        "country of their phone number, else their browser's, else the "
        "page's. E-mails and one-time codes are never held.",
    )
    quiet_start = fields.Float(
        string="Quiet hours from",
        default=0.0,
        help="Status SMS due from this hour, in the customer's time zone (the "
        "contact's, else their phone number's country's, else their "
        "browser's, else the page's), wait until quiet hours end. E-mails "
        "and one-time codes are never held. Equal start and end: no quiet "
        "hours.",
    )
    quiet_end = fields.Float(
        string="Quiet hours until",
        default=0.0,
        help="End of quiet hours; earlier than the start means the next "
        "morning (e.g. 22:00 to 07:00).",
    )

    # Promise
    promise_mode = fields.Selection(
        [
            ("none", "No promise"),
            ("days", "A number of days after creation"),
            ("field", "A date field of the ticket"),
        ],
        string="Promise",
        required=True,
        default="none",
        help="What the page promises while a ticket is open: 'We will answer "
        "by ...'. Days count from the ticket's creation; a field is a date the "
        "team sets or computes (e.g. an SLA deadline).",
    )
    promise_days = fields.Integer(
        string="Promised within (days)",
        default=14,
        help="Days after creation the answer is promised by, e.g. 14 calendar "
        "days for consumer complaints.",
    )
    promise_day_kind = fields.Selection(
        [("calendar", "Calendar days"), ("working", "Working days")],
        string="Count",
        required=True,
        default="calendar",
        help="Working days follow the working hours of the team (when the "
        "team has working hours, e.g. with the SLA module), else of the "
        "company, public holidays included; without working hours, calendar "
        "days are counted.",
    )
    promise_field_id = fields.Many2one(
        "ir.model.fields",
        string="Promise field",
        domain=[
            ("model", "=", "helpdesk.ticket"),
            ("ttype", "in", PROMISE_FIELD_TYPES),
        ],
        ondelete="set null",
        help="Date or date-and-time field of the ticket holding the promised "
        "date. A ticket where it is empty shows no promise.",
    )
    notify_late = fields.Boolean(
        string="Tell customers when running late",
        help="Once per promise, send the customer an apology with the status "
        "link when an open ticket passes its promised date, by the page's "
        "channel.",
    )
    mail_template_late_id = fields.Many2one(
        "mail.template",
        string="E-mail when running late",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_running_late", False
        ),
        help="Sent once per promise when an open ticket passes its promise.",
    )
    sms_template_late_id = fields.Many2one(
        "sms.template",
        string="SMS when running late",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_running_late", False
        ),
        help="Sent once per promise when an open ticket passes its promise.",
    )

    # Customer actions
    customer_reply = fields.Selection(
        [
            ("never", "Never"),
            ("waiting", "While the ticket waits on the customer"),
            ("open", "While the ticket is not closed"),
        ],
        string="Customer replies",
        required=True,
        default="open",
        help="When a verified customer may answer and send files from the "
        "page. Not closed (the default): whenever the ticket is open. "
        "Waiting: only in stages marked 'Waiting on customer'.",
    )
    agent_display = fields.Selection(
        [("agent", "Agent name"), ("team", "Team name")],
        string="Show agents as",
        required=True,
        default="agent",
        help="Author shown to customers on agents' messages: the agent's own "
        "name, or the ticket's team name.",
    )
    reply_activity = fields.Boolean(
        string="Activity on customer replies",
        default=True,
        help="A reply or reopen reason from the page gives the assigned agent "
        "(else the team leader) a 'Customer replied' activity, one at a time "
        "per ticket, marked done when an agent answers the customer.",
    )
    max_upload_files = fields.Integer(
        string="Files per reply",
        default=5,
        help="Most files a customer may attach to one reply (0: no files).",
    )
    max_upload_mb = fields.Integer(
        string="Upload size (MB)",
        default=10,
        help="Most megabytes a customer may upload with one reply, all files together.",
    )
    upload_extensions = fields.Char(
        string="Allowed file types",
        default=DEFAULT_EXTENSIONS,
        help="File extensions customers may upload, separated by commas. "
        "Each file's content is also checked to match its extension. "
        f"Known types: {DEFAULT_EXTENSIONS}.",
    )
    max_replies_per_hour = fields.Integer(
        string="Replies per hour",
        default=10,
        help="Most messages (replies and reopen reasons) a ticket accepts "
        "from the page in one hour, whoever sends them; a message refused for "
        "its files counts too. 0: customers cannot send messages from the "
        "page (no replies, no reopening; the page says to contact support).",
    )
    reopen_days = fields.Integer(
        string="Reopen window (days)",
        default=14,
        help="For this many days after a ticket is resolved, the customer "
        "may confirm and rate it or reopen it from the page.",
    )
    reopen_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Reopen into stage",
        default=lambda self: self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress", False
        ),
        ondelete="set null",
        help="Stage a ticket moves to when the customer says it is not "
        "solved. Empty: the customer cannot reopen from the page.",
    )

    # Content
    header = fields.Html(
        translate=True,
        sanitize=True,
        sanitize_style=False,
        help="Text above every form and ticket of this page, e.g. opening "
        "hours or an outage notice; translate it in each website language.",
    )
    meta_title = fields.Char(
        string="Meta title",
        translate=True,
        help="Title of the browser tab and of shared links; empty: the page's name.",
    )
    label_received = fields.Char(string="Received label", translate=True)
    label_in_progress = fields.Char(string="In progress label", translate=True)
    label_resolved = fields.Char(string="Resolved label", translate=True)
    label_closed = fields.Char(string="Closed label", translate=True)
    # No stored default: empty shows "Contact us" in the visitor's language.
    contact_label = fields.Char(string="Contact label", translate=True)
    contact_url = fields.Char(
        string="Contact link",
        default=lambda self: self._default_contact_url(),
        help="mailto:, tel: or https:// link shown at the bottom of the page.",
    )
    missing_translations = fields.Text(
        string="Missing translations",
        compute="_compute_missing_translations",
        help="Texts of this page still in the source language in a language "
        "of its website.",
    )
    times_zone = fields.Selection(
        [
            ("team", "The assigned agent's zone, else the company's"),
            ("customer", "The customer's zone"),
        ],
        string="Times in",
        required=True,
        default="team",
        help="Time zone of every time the page shows (timeline, last update, "
        "conversation, promise); the page names it. The customer's zone: "
        "the contact's, else their phone number's country's, else their "
        "browser's, else the agent's or company's.",
    )

    # Appearance
    font = fields.Char(help="A CSS font-family stack, e.g. 'Inter', sans-serif")
    width = fields.Char(default="720px", help="Maximum width, e.g. 720px or 48rem.")
    favicon_url = fields.Char(
        string="Favicon URL", help="https:// or site-relative (/...) URL."
    )
    brand_color = fields.Char(
        string="Brand colour",
        help="Colour of buttons, links and the current step, as #rrggbb.",
    )
    logo = fields.Image(
        max_width=512,
        max_height=512,
        help="Shown at the top of the page; empty: the company's logo.",
    )
    # Stored: the public page knows from the page's own row whether it has a
    # logo, without looking for the image's attachment on every view.
    has_logo = fields.Boolean(compute="_compute_has_logo", store=True)
    css = fields.Text(
        string="CSS",
        help="Your own rules, e.g. .o_status_card { border-color: #0a6ebd; }. "
        "Ordinary class selectors win over the module's defaults; the page's "
        "classes are listed in the module's README (Configure).",
    )
    extra_css = fields.Text(
        string="Extra CSS", help="Loaded last: overrides everything else."
    )

    # Fields shown
    field_ids = fields.One2many(
        "helpdesk.status.page.field", "page_id", string="Fields shown"
    )
    hide_empty_fields = fields.Boolean(
        string="Hide empty fields",
        default=True,
        help="Leave out the fields shown that have no value on a ticket, "
        "instead of showing them with a dash. Yes/No fields and numbers "
        "always show.",
    )
    field_count = fields.Integer(string="Field count", compute="_compute_field_count")

    # === COMPUTE METHODS ===#

    @api.depends("slug", "website_id", "website_id.domain")
    def _compute_url(self):
        for page in self:
            page.url = page.slug and page._get_public_url()

    @api.depends("field_ids")
    def _compute_field_count(self):
        for page in self:
            page.field_count = len(page.field_ids)

    @api.depends_context("lang")
    def _compute_missing_translations(self):
        """Per website language, the texts whose value there is still the
        source's (English): Odoo shows the source when a translation is
        missing, so both cases look the same to a visitor."""
        for page in self:
            source = page.with_context(lang="en_US")
            lines = []
            for lang in page._get_website().language_ids:
                if lang.code == "en_US":
                    continue
                translated = page.with_context(lang=lang.code)
                missing = [
                    page._fields[fname]._description_string(self.env)
                    for fname in self._get_translated_text_fields()
                    if source[fname] and translated[fname] == source[fname]
                ]
                if missing:
                    lines.append(f"{lang.name}: {', '.join(missing)}")
            page.missing_translations = "\n".join(lines)

    @api.depends("logo")
    def _compute_has_logo(self):
        for page in self:
            page.has_logo = bool(page.logo)

    @api.depends("quiet_start", "quiet_end")
    def _compute_quiet_hours_enabled(self):
        # Setting a window switches quiet hours on; the switch then turns
        # them off and on without losing the window. A page saved with a
        # window before the switch existed gets it on when the column is
        # added, so it keeps holding SMS.
        for page in self:
            page.quiet_hours_enabled = quiet_minute(page.quiet_start) != quiet_minute(
                page.quiet_end
            )

    # === CONSTRAINT METHODS ===#

    @api.constrains("company_id")
    def _check_team_company(self):
        # The teams' side of the link checks both ways of making it.
        self.team_ids._check_status_page_company()

    @api.constrains("slug", "website_id")
    def _check_slug(self):
        for page in self:
            if not is_slug(page.slug):
                raise ValidationError(
                    self.env._(
                        "The URL identifier '%(slug)s' may only contain lowercase "
                        "letters, digits and single dashes between them "
                        "(64 characters at most), e.g. 'customer-support'.",
                        slug=page.slug,
                    )
                )
            if page.slug in RESERVED_SLUGS:
                raise ValidationError(
                    self.env._(
                        "The URL identifier '%(slug)s' is reserved, choose another.",
                        slug=page.slug,
                    )
                )
            # A page without website answers on every website, so it clashes
            # with any page of the same slug.
            domain = [("slug", "=", page.slug), ("id", "!=", page.id)]
            if page.website_id:
                domain.append(("website_id", "in", [page.website_id.id, False]))
            clash = self.with_context(active_test=False).search(domain, limit=1)
            if clash:
                raise ValidationError(
                    self.env._(
                        "The URL identifier '%(slug)s' is already used by the "
                        "status page '%(page)s' on the same website.",
                        slug=page.slug,
                        page=clash.name,
                    )
                )

    @api.constrains("is_default", "company_id", "active")
    def _check_is_default(self):
        for page in self.filtered(lambda p: p.is_default and p.active):
            other = self.search(
                [
                    ("is_default", "=", True),
                    ("company_id", "=", page.company_id.id),
                    ("id", "!=", page.id),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "'%(other)s' is already the default status page of "
                        "%(company)s. Untick it there first.",
                        other=other.name,
                        company=page.company_id.name,
                    )
                )

    @api.constrains(
        "code_length",
        "code_lifetime",
        "resend_delay",
        "max_attempts",
        "max_failures_per_day",
        "max_codes_per_hour",
        "max_requests_per_ip_hour",
        "grant_lifetime",
        "remember_days",
        "link_validity_after_close",
        "notify_delay",
        "email_one_tap_hours",
    )
    def _check_numbers(self):
        for page in self:
            for fname, low, high in page._get_number_ranges():
                value = page[fname]
                if not low <= value <= high:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(low)s and %(high)s "
                            "(it is %(value)s).",
                            setting=page._fields[fname].get_description(self.env)[
                                "string"
                            ],
                            low=low,
                            high=high,
                            value=value,
                        )
                    )

    @api.model
    def _get_number_ranges(self):
        return [
            ("code_length", 4, 8),
            ("code_lifetime", 1, 1440),
            ("resend_delay", 0, 3600),
            ("max_attempts", 1, 20),
            ("max_failures_per_day", 1, 100),
            ("max_codes_per_hour", 1, 60),
            ("max_requests_per_ip_hour", 1, 10000),
            ("grant_lifetime", 1, 24 * 30),
            # PSD2's bound for re-authentication (180 days).
            ("remember_days", 0, 180),
            ("link_validity_after_close", 0, 36500),
            ("notify_delay", 0, 86400),
            ("email_one_tap_hours", 1, 168),
        ]

    @api.constrains("promise_mode", "promise_days", "promise_field_id")
    def _check_promise(self):
        for page in self:
            if page.promise_mode == "days" and not 1 <= page.promise_days <= 3650:
                raise ValidationError(
                    self.env._(
                        "The promise must be between 1 and 3650 days (it is %(days)s).",
                        days=page.promise_days,
                    )
                )
            field = page.promise_field_id
            if page.promise_mode == "field" and not (
                field.model == "helpdesk.ticket" and field.ttype in PROMISE_FIELD_TYPES
            ):
                raise ValidationError(
                    self.env._(
                        "Choose a date or date-and-time field of the ticket "
                        "for the promise."
                    )
                )

    @api.constrains("quiet_start", "quiet_end")
    def _check_quiet_hours(self):
        # Checked as the form shows them, to the minute: 23.995 would read
        # "24:00", which is no time of day.
        for page in self:
            if not all(
                is_valid_quiet_hour(hour) for hour in (page.quiet_start, page.quiet_end)
            ):
                raise ValidationError(
                    self.env._("Quiet hours are times of day, between 00:00 and 23:59.")
                )

    @api.constrains(
        "max_upload_files", "max_upload_mb", "max_replies_per_hour", "reopen_days"
    )
    def _check_action_limits(self):
        for page in self:
            if (
                min(
                    page.max_upload_files,
                    page.max_upload_mb,
                    page.max_replies_per_hour,
                    page.reopen_days,
                )
                < 0
                or page.max_upload_mb > 100
                or page.max_upload_files > 20
            ):
                raise ValidationError(
                    self.env._(
                        "Customer action limits cannot be negative; uploads "
                        "are limited to 20 files and 100 MB."
                    )
                )

    @api.constrains("upload_extensions")
    def _check_upload_extensions(self):
        for page in self:
            unknown = set(page._get_upload_extensions(strict=False)) - set(UPLOAD_TYPES)
            if unknown:
                raise ValidationError(
                    self.env._(
                        "Unknown file types: %(unknown)s. Known types: %(known)s.",
                        unknown=", ".join(sorted(unknown)),
                        known=DEFAULT_EXTENSIONS,
                    )
                )

    @api.constrains("width")
    def _check_width(self):
        for page in self.filtered("width"):
            if not WIDTH_RE.match(page.width.strip()):
                raise ValidationError(
                    self.env._(
                        "The width '%(width)s' is not a CSS length. "
                        "Use a number with px, rem, em, %%, vw or ch, "
                        "e.g. 720px, 48rem or 100%%.",
                        width=page.width,
                    )
                )

    @api.constrains("brand_color")
    def _check_brand_color(self):
        # Emitted into the page's <style>: only a plain hex colour goes.
        for page in self.filtered("brand_color"):
            if not BRAND_COLOR_RE.match(page.brand_color):
                raise ValidationError(
                    self.env._(
                        "The brand colour must be a hex colour such as "
                        "#0a6ebd (it is '%(color)s').",
                        color=page.brand_color,
                    )
                )

    @api.constrains("font")
    def _check_font(self):
        for page in self.filtered("font"):
            if FONT_FORBIDDEN_RE.search(page.font) or len(page.font) > 200:
                raise ValidationError(
                    self.env._(
                        "The font must be a font-family list such as "
                        "'Inter', Arial, sans-serif, without ; { } < > \\ or @."
                    )
                )

    @api.constrains("favicon_url")
    def _check_favicon_url(self):
        for page in self.filtered("favicon_url"):
            url = page.favicon_url.strip()
            is_relative = url.startswith("/") and not url.startswith("//")
            if not (url.startswith("https://") or is_relative) or re.search(
                r"[\s\"'<>]", url
            ):
                raise ValidationError(
                    self.env._(
                        "The favicon URL must start with https:// or with a "
                        "single / (an address on this website)."
                    )
                )

    @api.constrains("contact_url")
    def _check_contact_url(self):
        for page in self.filtered("contact_url"):
            url = page.contact_url.strip()
            if not url.lower().startswith(CONTACT_URL_SCHEMES) or re.search(
                r"[\s\"'<>]", url
            ):
                raise ValidationError(
                    self.env._(
                        "The contact link must start with mailto:, tel: or "
                        "https:// (it is '%(url)s').",
                        url=page.contact_url,
                    )
                )

    # === ONCHANGE METHODS ===#

    @api.onchange("name")
    def _onchange_name_suggest_slug(self):
        # A suggestion only: an identifier already chosen stays, as links
        # to it may be out there.
        if self.name and not self.slug:
            self.slug = self.env["ir.http"]._slugify(self.name, max_length=64)

    @api.onchange("quiet_hours_enabled")
    def _onchange_quiet_hours_enabled(self):
        # A suggestion only: switched on without a window, the night.
        if self.quiet_hours_enabled and quiet_minute(self.quiet_start) == quiet_minute(
            self.quiet_end
        ):
            self.quiet_start, self.quiet_end = DEFAULT_QUIET_HOURS

    # === CRUD METHODS ===#

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("slug"):
                vals["slug"] = vals["slug"].strip().lower()
        self.env.registry.clear_cache()  # _get_routing
        pages = super().create(vals_list)
        pages.filtered("website_menu")._sync_website_menus()
        return pages

    def write(self, vals):
        if vals.get("slug"):
            vals["slug"] = vals["slug"].strip().lower()
        if ROUTING_FIELDS.intersection(vals):
            self.env.registry.clear_cache()  # _get_routing
        ended = self.filtered(
            lambda page: any(
                field in vals and page[field] != vals[field]
                for field in DEVICE_SETTINGS_FIELDS
            )
        )
        res = super().write(vals)
        if WEBSITE_MENU_FIELDS.intersection(vals):
            self._sync_website_menus()
        # Remembered devices end for good: restoring a setting, or raising
        # the number of days again, brings none back.
        self.env["helpdesk.status.page.device"]._end_for_settings(ended)
        return res

    def unlink(self):
        self.env.registry.clear_cache()  # _get_routing
        # Through the ORM, which refreshes the website's cached menus.
        self.sudo().website_menu_ids.unlink()
        return super().unlink()

    def _update_field_translations(
        self, field_name, translations, digest=None, source_lang=None
    ):
        # Translations are written past the field's conversion, which is
        # where HTML is sanitized: sanitize them here, in every language,
        # whole values and translated terms alike.
        field = self._fields[field_name]
        if field.type == "html" and field.sanitize:

            def clean(value):
                if isinstance(value, dict):
                    return {src: clean(term) for src, term in value.items()}
                return value and html_sanitize(value, sanitize_style=False)

            translations = {lang: clean(value) for lang, value in translations.items()}
        return super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )

    # === ACTION METHODS ===#

    def action_open_fields(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt_status_page.helpdesk_status_page_field_action"
        )
        action["domain"] = [("page_id", "=", self.id)]
        action["context"] = {"default_page_id": self.id}
        return action

    def action_preview(self):
        """Open the customer's view of a ticket through this page, without
        verification: the ticket of ``_get_preview_ticket``, else a sample
        ticket (a page with no ticket yet)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self._get_preview_path(self._get_preview_ticket()),
            "target": "new",
        }

    def action_send_test(self):
        """Render this page's status e-mail and SMS for the ticket of its
        preview (a sample ticket when it has none), through this page, and
        send them to the current user, to check templates before going live.

        The test is linked to no record: it never shows in the ticket's
        chatter as a message to the customer."""
        self.ensure_one()
        user = self.env.user
        if not (user.email or user.partner_id.phone or user.partner_id.mobile):
            raise UserError(
                self.env._("Set an e-mail or phone on your user to receive the test.")
            )
        page = self.with_context(status_page_preview=self.id)
        ticket = page._get_preview_ticket()
        if ticket:
            mails, texts = page._send_status_test(ticket)
        else:
            mails, texts = page._send_status_test_sample()
        recipients = ", ".join(mails.mapped("email_to") + texts.mapped("number"))
        if ticket:
            message = self.env._(
                "Test of ticket %(ticket)s queued to %(recipients)s.",
                ticket=ticket.display_name,
                recipients=recipients,
            )
        else:
            message = self.env._(
                "Test queued to %(recipients)s, with a sample ticket: this "
                "page serves no ticket yet.",
                recipients=recipients,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message},
        }

    # === BUSINESS METHODS: ROUTING AND LINKS ===#

    @api.model
    @tools.ormcache()
    def _get_routing(self):
        """Which page serves which tickets, read on every view and every
        notification and changed only when an admin links a team or picks a
        default page (both clear the cache).

        :return: ``({(team_id, company_id): page_id}, {company_id:
            default_page_id})``, the default pages being active ones; a
            team's page serves only the tickets of the page's company
        """
        teams = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([("status_page_id", "!=", False)], ["status_page_id"])
        )
        teams.status_page_id.fetch(["company_id"])
        # Whatever the caller's context: the result is shared by every caller.
        defaults = (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch([("is_default", "=", True)], ["company_id"], order="id")
        )
        return (
            {
                (team.id, team.status_page_id.company_id.id): team.status_page_id.id
                for team in teams
            },
            {page.company_id.id: page.id for page in defaults},
        )

    @api.model
    def _get_serving_page_id(self, team_id, company_id):
        """The id of the page serving a ticket of ``team_id`` and
        ``company_id`` (see ``_get_routing``); False when none."""
        team_pages, default_pages = self._get_routing()
        return team_pages.get((team_id, company_id)) or default_pages.get(company_id)

    @api.model
    def _get_slug_domain(self, slug, website):
        """The page at ``/status/<slug>`` on ``website``: the website's own,
        or one served on every website, of the website's company."""
        return [
            ("slug", "=", slug.lower()),
            ("website_id", "in", [website.id, False]),
            ("company_id", "in", [website._get_cached("company_id")]),
        ]

    @api.model
    def _get_page_id_by_slug(self, slug, website):
        """The id of the active page at ``/status/<slug>`` on ``website``
        (see ``_get_slug_domain``); False when none. Cached: the version
        poll asks it every 30 seconds of every open tab."""
        return self._get_page_id_by_slug_cached(slug.lower(), website.id)

    @api.model
    @tools.ormcache("slug", "website_id")
    def _get_page_id_by_slug_cached(self, slug, website_id):
        website = self.env["website"].browse(website_id)
        domain = self._get_slug_domain(slug, website)
        # Whatever the caller's context: the result is shared by every caller.
        return self.sudo().with_context(active_test=True).search(domain, limit=1).id

    @api.model
    def _get_lookup_page(self, website):
        """The page ``/status`` opens on ``website``, where a customer
        without a link looks a ticket up by its number: the default page
        of the website's company when it is served there, else the
        company's first active page served there (in the pages' order);
        empty when the company has none. Mistyped and disabled pages' dead
        ends offer its form too.

        :param website: the ``website`` of the request
        """
        return self.with_context(active_test=True).search_fetch(
            [
                ("company_id", "=", website.company_id.id),
                ("website_id", "in", [website.id, False]),
            ],
            [name for name, field in self._fields.items() if field.column_type],
            order="is_default desc nulls last, sequence, id",
            limit=1,
        )

    def _get_website(self):
        """Website the page's links point to."""
        self.ensure_one()
        if self.website_id:
            return self.website_id
        return self.env["website"].search(
            [("company_id", "in", [self.company_id.id, False])], limit=1
        )

    def _get_path(self, token=None):
        """Site-relative path of the page, or of one ticket's link: the one
        place that spells ``/status/<slug>/<token>``."""
        self.ensure_one()
        path = f"/status/{self.slug}"
        return f"{path}/{token}" if token else path

    def _get_public_url(self, lang=None, token=None):
        """Absolute URL of the page, or of one ticket's link with ``token``.

        :param str lang: language code (``ar_001``); a prefix is added
            unless it is the website's default language.
        :param str token: a ticket's ``status_token``
        """
        self.ensure_one()
        return self._get_public_url_builder()(lang, token)

    def _get_webotp_host(self):
        """Host the page is served on, without scheme or port: the origin
        a WebOTP code SMS is bound to (``@host #code``)."""
        self.ensure_one()
        website = self._get_website()
        return urlsplit(
            website.get_base_url() if website else self.get_base_url()
        ).hostname

    def _get_public_url_builder(self):
        """A function ``(lang, token) -> url`` for this page.

        The website and base URL are looked up once, so that building the
        links of many tickets costs no query per ticket.
        """
        self.ensure_one()
        website = self._get_website()
        base = (website.get_base_url() if website else self.get_base_url()).rstrip("/")
        default_lang = website.default_lang_id.code if website else None
        Lang = self.env["res.lang"]

        def build(lang=None, token=None):
            prefix = ""
            if lang and website and lang != default_lang:
                url_code = Lang._get_data(code=lang).url_code
                prefix = f"/{url_code}" if url_code else ""
            return base + prefix + self._get_path(token)

        return build

    # === BUSINESS METHODS: WEBSITE MENU ===#

    def _get_menu_websites(self):
        """The websites whose main menu offers this page's look-up form
        ("Track my request"): its website, else every website of its
        company; none while the option is off or the page disabled."""
        self.ensure_one()
        if not (self.website_menu and self.active):
            return self.env["website"]
        if self.website_id:
            return self.website_id
        return (
            self.env["website"].sudo().search([("company_id", "=", self.company_id.id)])
        )

    def _sync_website_menus(self):
        """Keep one "Track my request" entry on each website of
        ``_get_menu_websites``, at the page's address: made, moved or
        removed. A new entry's label is translated in every language of its
        website; an existing entry keeps its label (an admin may have
        changed it in Website > Menus)."""
        Menu = self.env["website.menu"].sudo()
        for page in self.with_context(active_test=False):
            websites = page._get_menu_websites()
            menus = page.sudo().website_menu_ids
            kept = menus.filtered_domain([("website_id", "in", websites.ids)])
            (menus - kept).unlink()
            menus = kept
            path = page._get_path()
            menus.filtered_domain([("url", "!=", path)]).write({"url": path})
            for website in websites - menus.website_id:
                menu = Menu.with_context(lang="en_US").create(
                    {
                        "name": page._get_menu_label("en_US"),
                        "url": path,
                        "website_id": website.id,
                        "parent_id": website.menu_id.id,
                        "status_page_id": page.id,
                    }
                )
                menu.update_field_translations(
                    "name",
                    {
                        lang: page._get_menu_label(lang)
                        for lang in website.language_ids.mapped("code")
                        if lang != "en_US"
                    },
                )

    def _get_menu_label(self, lang):
        """The label of the page's menu entry in ``lang``."""
        return self.with_context(lang=lang).env._("Track my request")

    # === BUSINESS METHODS: PREVIEW ===#

    def _get_preview_ticket(self):
        """The ticket the page's preview and test show: the test ticket,
        else the latest ticket of a linked team, else (default page) of the
        company; empty when there is none."""
        self.ensure_one()
        if self.test_ticket_id:
            return self.test_ticket_id
        domain = [("company_id", "=", self.company_id.id)]
        if self.team_ids or not self.is_default:
            domain.append(("team_id", "in", self.team_ids.ids))
        return self.env["helpdesk.ticket"].search(
            domain, order="create_date desc, id desc", limit=1
        )

    def _get_preview_path(self, ticket=None):
        """Path of the preview of ``ticket`` through this page; no ticket:
        of a sample ticket (see ``_sample_ticket``)."""
        self.ensure_one()
        return f"/status/preview/{ticket.id if ticket else 'sample'}?page_id={self.id}"

    @contextmanager
    def _sample_ticket(self):
        """A made-up ticket served by this page, for its preview and test
        when it has no ticket to show: created in a savepoint rolled back on
        exit, so that nothing of it stays (its number, history, messages).
        Whatever is to outlive it must be built inside and kept as values.

        :return: the sample ticket, as superuser, seen through this page
        """
        self.ensure_one()
        Ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(
                status_page_preview=self.id,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                mail_auto_subscribe_no_notify=True,
                # No e-mail sent after the commit: it would look for the
                # messages rolled back with the sample.
                mail_notify_force_send=False,
            )
        )
        with closing(self.env.cr.savepoint()):
            yield Ticket.create(self._get_sample_ticket_values())

    def _get_sample_ticket_values(self):
        self.ensure_one()
        return {
            # Given, so that no number of the sequence is used up.
            "number": self.env._("SAMPLE"),
            "name": self.env._("Sample ticket"),
            "description": Markup("<p>%s</p>")
            % self.env._(
                "A made-up ticket: this page serves no ticket yet, so its "
                "preview and test show this one."
            ),
            "company_id": self.company_id.id,
            "team_id": self.team_ids[:1].id,
            "partner_name": self.env._("Sample customer"),
            "partner_email": "customer@example.com",
        }

    # === BUSINESS METHODS: CUSTOMER INPUT ===#

    @api.model
    def _clean_input(self, value, max_length, multiline=False):
        """What a customer typed, by the one input cleaner (``clean_input``:
        control characters dropped, trimmed, length bounded).

        :raise UserError: longer than ``max_length``, in words for the customer
        """
        try:
            return clean_input(value, max_length, multiline=multiline)
        except ValueError as error:
            raise UserError(
                self.env._(
                    "This entry is too long: %(count)s characters, at most %(max)s.",
                    count=error.args[0],
                    max=max_length,
                )
            ) from None

    # === BUSINESS METHODS: VERIFICATION ===#

    def _is_ticket_reachable(self, ticket):
        """Whether ``ticket`` is served by this page and its link still works."""
        self.ensure_one()
        if not ticket or ticket.status_page_id != self:
            return False
        # The ticket's stage is read only where links expire.
        return not self.link_validity_after_close or is_link_open(
            ticket.closed and ticket.closed_date,
            self.link_validity_after_close,
            fields.Datetime.now(),
        )

    def _find_ticket_by_number(self, number):
        """The ticket of this page with this number, archived included;
        empty when none.

        The number is read as customers type it (``#HT00009``, ``ht 9``,
        ``HT-00009``: see ``tools/number.py``); a bare number (``9``) finds
        the ticket whose number's digits are these only when exactly one
        ticket of this page has them. One query, on the expression index
        of the key it compares; an ambiguous number finds nothing, and
        reads as an unknown one.
        """
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        key = number_key(self._clean_input(number, MAX_NUMBER_INPUT))
        bare = bare_number(key)
        if not key or (key.isdigit() and not bare):
            return Ticket
        self.env.cr.execute(
            SQL(
                # No ORDER BY: which matches come back does not matter (one is
                # the ticket, more are ambiguous), and an order would let the
                # planner walk the primary key instead of the expression index.
                "SELECT id FROM helpdesk_ticket WHERE %s = %s AND company_id = %s "
                "LIMIT %s",
                SQL(NUMBER_DIGITS_SQL if bare else NUMBER_KEY_SQL),
                bare or key,
                self.company_id.id,
                MAX_NUMBER_MATCHES,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if len(ids) == MAX_NUMBER_MATCHES:
            return Ticket
        tickets = Ticket.browse(ids).filtered(self._is_ticket_reachable)
        return tickets if len(tickets) == 1 else Ticket

    def _get_number_example(self):
        """A ticket number as this company's tickets are numbered
        (``HT00014``), built from helpdesk_mgmt's sequence, never a real one.
        """
        self.ensure_one()
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "helpdesk.ticket.sequence"),
                    ("company_id", "in", [self.company_id.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            return ""
        prefix, suffix = sequence._get_prefix_suffix()
        return f"{prefix}{14:0{sequence.padding}d}{suffix}"

    def _find_ticket_by_token(self, token):
        """The ticket of this page whose status link holds ``token``."""
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        if not (token and TOKEN_RE.fullmatch(token)):
            return Ticket
        ticket = Ticket.search_fetch(
            [("status_token", "=", token)],
            [name for name, field in Ticket._fields.items() if field.column_type],
            limit=1,
        )
        if ticket and consteq(ticket.status_token, token):
            return ticket if self._is_ticket_reachable(ticket) else Ticket
        return Ticket

    def _get_contact_kinds(self):
        """Contact kinds a customer may verify with on this page."""
        self.ensure_one()
        if self.verification_field == "email_or_phone":
            return ["email", "phone"]
        return [self.verification_field]

    def _get_contact_kind(self, value):
        """The kind of contact ``value`` is, among those of this page."""
        kinds = self._get_contact_kinds()
        if len(kinds) == 1:
            return kinds[0]
        return "email" if "@" in value else "phone"

    @api.model
    def _contact_digest(self, value):
        """Keyed digest of a normalized contact: ASCII whatever the input,
        so that it can be compared in constant time."""
        key = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return contact_digest(key, value)

    def _normalize_contact(self, kind, value, ticket):
        """``value`` as compared: an e-mail lowercased (as Odoo normalizes
        e-mails, not casefolded), a phone in E.164 in the ticket's region.

        :return: the normalized value, empty when it cannot be one
        :raise UserError: a phone number that cannot be read
        """
        if kind == "email":
            return normalize_email_input(value)
        country = (
            ticket._get_status_phone_country() if ticket else self.company_id.country_id
        ) or self.env.company.country_id
        try:
            return phone_to_e164(to_ascii_digits(value), country.code)
        except UserError as error:
            raise UserError(
                self.env._(
                    "'%(phone)s' is not a phone number we can read. Enter it "
                    "with your country code, e.g. +966 50 123 4567.",
                    phone=value,
                )
            ) from error

    @api.model
    def _get_stored_contact(self, ticket, kind):
        """The ticket's own contact of ``kind``, normalized; empty if none."""
        if kind == "email":
            return normalize_stored_email(ticket._get_status_email())
        return (ticket.partner_phone and ticket._format_status_phone()) or ""

    def _verify_contact(self, ticket, contact, by_number=False):
        """Decide whether ``contact`` verifies ``ticket`` on this page.

        The same work is done whether or not a ticket was found, and on the
        number form every refusal reads the same, so that neither the answer
        nor its time tells whether a ticket number exists.

        :param ticket: the ``helpdesk.ticket`` found, or an empty recordset
        :param str contact: what the customer typed
        :param bool by_number: the ticket was looked up by its number
        :return: the contact kind that matched, ``email`` or ``phone``
        :raise UserError: no match, or (on the ticket's own link) a contact
            that cannot be read
        """
        self.ensure_one()
        contact = self._clean_input(contact, MAX_CONTACT_INPUT)
        kind = self._get_contact_kind(contact)
        try:
            given = contact and self._normalize_contact(kind, contact, ticket)
        except UserError:
            if not by_number:
                raise
            given = ""
        stored = self._get_stored_contact(ticket, kind) if ticket else NO_CONTACT
        same = consteq(
            self._contact_digest(given or NO_CONTACT), self._contact_digest(stored)
        )
        if ticket and given and stored and same:
            return kind
        if by_number:
            raise UserError(
                self.env._(
                    "We could not find a ticket with this number and contact. "
                    "Check both and try again."
                )
            )
        raise UserError(
            self.env._("This e-mail or phone does not match the ticket's contact.")
        )

    @api.model
    def _get_contact_hint(self, ticket, kind):
        """The ticket's contact, masked: ``n•••@example.com``,
        ``+966 •• ••• 4567``."""
        stored = self._get_stored_contact(ticket, kind)
        if not stored:
            return ""
        if kind == "email":
            return mask_email(stored)
        return mask_phone(stored, ticket._get_status_phone_country().phone_code)

    # === BUSINESS METHODS: REMEMBERED CONTACT AND YOUR REQUESTS ===#
    # A contact proved by a code (in the session, or on a remembered
    # device) opens the contact's other tickets with no new code.

    def _get_contact_pages(self, kind, website):
        """The pages whose tickets a contact of ``kind`` proved by a code on
        this page may open with no new code: active pages of this page's
        company, served on ``website``, that ask for a code and verify
        with ``kind`` (a phone proves nothing on an e-mail-only page)."""
        self.ensure_one()
        pages = self.sudo().search(
            [
                ("company_id", "=", self.company_id.id),
                ("website_id", "in", [website.id, False]),
                ("verification_method", "=", "code"),
            ]
        )
        return pages.filtered(lambda page: kind in page._get_contact_kinds())

    def _get_contact_ticket_domain(self, pages, kind, contact):
        """Tickets of ``contact`` (normalized, of ``kind``) that ``pages``
        serve, as ``_get_routing`` routes them: by their team's page, else
        by their company's default page."""
        self.ensure_one()
        company_id = self.company_id.id
        team_pages, default_pages = self._get_routing()
        routed = [
            team
            for (team, company), _page in team_pages.items()
            if company == company_id
        ]
        teams = [
            team
            for (team, company), page_id in team_pages.items()
            if company == company_id and page_id in pages.ids
        ]
        route = [("team_id", "in", teams)]
        if default_pages.get(company_id) in pages.ids:
            route = expression.OR(
                [route, ["|", ("team_id", "=", False), ("team_id", "not in", routed)]]
            )
        field = "status_contact_email" if kind == "email" else "status_contact_phone"
        return expression.AND(
            [[("company_id", "=", company_id), (field, "=", contact)], route]
        )

    def _get_contact_tickets(
        self, kind, contact, website, offset=0, limit=None, pages=None
    ):
        """The tickets of ``contact`` a code on this page lets the customer
        open (see ``_get_contact_pages``), archived ones included, the
        latest status change first.

        :param str contact: the verified contact, normalized as
            ``_get_stored_contact`` gives it
        :param pages: ``_get_contact_pages(kind, website)`` when known
        """
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        if not contact:
            return Ticket
        if pages is None:
            pages = self._get_contact_pages(kind, website)
        if not pages:
            return Ticket
        field = "status_contact_email" if kind == "email" else "status_contact_phone"
        digest = self._contact_digest(contact)
        tickets = Ticket.search_fetch(
            self._get_contact_ticket_domain(pages, kind, contact),
            [
                "number",
                "name",
                "stage_id",
                "last_stage_update",
                "status_token",
                "status_page_tz",
                "team_id",
                "company_id",
                "closed",
                "closed_date",
                field,
            ],
            offset=offset,
            limit=limit,
            order="last_stage_update desc, id desc",
        )
        return tickets.filtered(
            lambda ticket: ticket.status_page_id._is_ticket_reachable(ticket)
            and consteq(self._contact_digest(ticket[field]), digest)
        )

    def _is_contact_ticket(self, kind, digest, ticket, website):
        """Whether the contact ``digest`` of ``kind``, proved by a code on
        this page, may open ``ticket`` with no new code: one rule, the
        list's (``_get_contact_tickets``), checked against the ticket's live
        contact as verification reads it."""
        self.ensure_one()
        target = ticket.status_page_id
        if not (
            ticket
            and target in self._get_contact_pages(kind, website)
            and target._is_ticket_reachable(ticket)
        ):
            return False
        stored = target._get_stored_contact(ticket, kind)
        return bool(stored) and consteq(self._contact_digest(stored), digest)

    def _get_contact_requests(self, proof, website, current, number, size):
        """ "Your requests": one page of the proved contact's tickets, the
        latest status change first, as the ticket view lists them.

        :param dict proof: see ``helpdesk.status.grant._get_proof``
        :param current: the ticket on screen, marked in the list
        :param int number: the list's page (1 first)
        :param int size: tickets per page
        :return: dict with ``items`` (number, subject, customer status,
            last update, status token, current), ``number``, ``previous``
            and ``next`` (page numbers, or False)
        """
        self.ensure_one()
        tickets = self._get_contact_tickets(
            proof["kind"],
            proof["contact"],
            website,
            offset=(number - 1) * size,
            limit=size + 1,
            pages=proof["pages"],
        )
        items = [
            {
                "number": ticket.number,
                "name": ticket.name,
                "status": ticket.stage_id.customer_status_label,
                "last_update": ticket._format_status_time(
                    ticket.last_stage_update, ticket.status_page_tz
                ),
                "last_update_iso": ticket.last_stage_update
                and f"{ticket.last_stage_update.replace(microsecond=0).isoformat()}Z",
                "token": ticket.status_token,
                "current": ticket == current,
            }
            for ticket in tickets[:size]
        ]
        return {
            "items": items,
            "number": number,
            "previous": number > 1 and number - 1,
            "next": len(tickets) > size and number + 1,
            "device": proof["device"],
        }

    # === BUSINESS METHODS: TIMES ===#

    def _format_customer_time(self, value, ticket=None):
        """``value`` (naive UTC) with its date, in the customer's zone
        (``helpdesk.ticket._get_status_customer_tz``), named: a time alone is
        ambiguous for a pause of a day."""
        tickets = self.env["helpdesk.ticket"].browse(ticket.ids if ticket else ())
        tz = tickets._get_status_customer_tz(self)
        text = tickets._format_status_time(value, tz)
        return f"{text} ({tz})"

    # === BUSINESS METHODS: NOTIFICATIONS AND QUIET HOURS ===#

    def _send_status_test_sample(self):
        """``_send_status_test`` with a sample ticket. What it queues goes
        with the sample's savepoint: it is queued again after, as rendered.
        """
        with self._sample_ticket() as sample:
            mails, texts = self._send_status_test(sample)
            mail_values = [
                {key: vals[key] for key in TEST_MAIL_FIELDS}
                for vals in mails.read(TEST_MAIL_FIELDS, load=None)
            ]
            sms_values = [
                {key: vals[key] for key in TEST_SMS_FIELDS}
                for vals in texts.read(TEST_SMS_FIELDS, load=None)
            ]
        return (
            self.env["mail.mail"].sudo().create(mail_values),
            self.env["sms.sms"].sudo().create(sms_values),
        )

    def _send_status_test(self, ticket):
        """Queue the status e-mail and SMS rendered for ``ticket`` to the
        current user, each where the page has a template and the user an
        address.

        :return: the ``mail.mail`` and the ``sms.sms`` queued
        """
        self.ensure_one()
        user = self.env.user
        mails = self.env["mail.mail"].sudo()
        texts = self.env["sms.sms"].sudo()
        if self.mail_template_id and user.email:
            mails = mails.browse(
                self.mail_template_id.send_mail(
                    ticket.id,
                    email_values={
                        "email_to": user.email,
                        "recipient_ids": [],
                        "model": False,
                        "res_id": False,
                    },
                    email_layout_xmlid="mail.mail_notification_light",
                )
            )
        phone = user.partner_id.phone or user.partner_id.mobile
        if self.sms_template_id and phone:
            body = self.sms_template_id._render_field("body", ticket.ids)[ticket.id]
            texts = texts.create(
                {"number": phone, "body": body, "partner_id": user.partner_id.id}
            )
        return mails, texts

    def _get_quiet_hours_end(self, now, tz):
        """When this page's quiet hours end, if ``now`` falls inside them.

        :param datetime now: naive UTC
        :param str tz: the customer's time zone
        :return: naive UTC end of the current quiet hours, or ``None`` when
            ``now`` is outside them or the page has none (switched off)
        """
        self.ensure_one()
        if not self.quiet_hours_enabled:
            return None
        return quiet_hours_end(now, tz, self.quiet_start, self.quiet_end)

    # === BUSINESS METHODS: CUSTOMER ACTIONS ===#

    def _get_upload_extensions(self, strict=True):
        """The extensions customers may upload, lowercase, without dots.

        :param bool strict: drop the ones this module cannot check
        """
        self.ensure_one()
        extensions = parse_extensions(self.upload_extensions)
        return [ext for ext in extensions if ext in UPLOAD_TYPES or not strict]

    def _is_reply_allowed(self, ticket):
        """Whether the customer may reply on ``ticket`` now."""
        self.ensure_one()
        if not self._accepts_messages():
            return False
        stage = ticket.stage_id
        if self.customer_reply == "waiting":
            return bool(stage.waiting_on_customer)
        return self.customer_reply == "open" and stage.main_status != "closed"

    def _accepts_messages(self):
        """Whether customers may send messages (replies, reopen reasons)
        from this page at all: ``max_replies_per_hour`` 0 turns them off."""
        self.ensure_one()
        return self.max_replies_per_hour > 0

    def _get_max_post_size(self):
        """Most bytes a customer's form may send to this page: its uploads
        and the form around them."""
        self.ensure_one()
        return self.max_upload_mb * 2**20 + FORM_OVERHEAD

    @api.model
    def _get_max_reply_request(self):
        """Most bytes a reply may send to any active page: the reply
        route's limit, checked from ``Content-Length`` before the body is
        read (Odoo's own limit is 128 MB).

        Twice the largest upload limit: a customer a little over the limit
        still gets the page's clear message with their text kept; a body
        far beyond it is no customer's upload.
        """
        self.env.cr.execute(
            "SELECT max(max_upload_mb) FROM helpdesk_status_page WHERE active"
        )
        largest = (self.env.cr.fetchone()[0] or 0) * 2**20
        return min(2 * largest + FORM_OVERHEAD, DEFAULT_MAX_CONTENT_LENGTH)

    def _get_reopen_deadline(self, ticket, resolved_at):
        """Until when ``ticket``, resolved at ``resolved_at``, may be
        confirmed, rated or reopened; False when it is not resolved."""
        self.ensure_one()
        if ticket.stage_id.main_status != "resolved" or not resolved_at:
            return False
        return resolved_at + timedelta(days=self.reopen_days)

    def _is_reopen_window_open(self, ticket, resolved_at):
        deadline = self._get_reopen_deadline(ticket, resolved_at)
        return bool(deadline and fields.Datetime.now() <= deadline)

    def _clean_reply_text(self, text, required=True):
        """The customer's text (message, reason, comment), by the one input
        cleaner; refused when empty (if ``required``) or too long.

        :raise UserError: with the message to show the customer
        """
        text = self._clean_input(text, MAX_MESSAGE_LENGTH, multiline=True)
        if required and not text:
            raise UserError(self.env._("Write a message before sending."))
        return text

    def _check_uploads(self, uploads):
        """Check the customer's files as a whole, and each one by name and
        content; nothing is kept when one is refused.

        :param uploads: ``[(file name, bytes)]``, empty files left out
        :return: ``[(clean file name, bytes)]``
        :raise UserError: too many, too big, or a type not allowed
        """
        self.ensure_one()
        if len(uploads) > self.max_upload_files:
            raise UserError(
                self.env._(
                    "Too many files: you can send at most %(max)s at once.",
                    max=self.max_upload_files,
                )
            )
        if sum(len(data) for _name, data in uploads) > self.max_upload_mb * 2**20:
            raise UserError(
                self.env._(
                    "The files are too big: at most %(max)s MB in all.",
                    max=self.max_upload_mb,
                )
            )
        allowed = self._get_upload_extensions()
        checked = []
        for name, data in uploads:
            name = clean_file_name(name)
            ext = os.path.splitext(name)[1].lower().lstrip(".")
            if ext not in allowed or sniff_upload(data) not in UPLOAD_TYPES[ext]:
                raise UserError(
                    self.env._(
                        "“%(name)s” cannot be sent: allowed types are %(types)s, "
                        "and the content must match the file's type.",
                        name=name,
                        types=", ".join(allowed),
                    )
                )
            self._check_upload_image(name, ext, data)
            checked.append((name, data))
        return checked

    def _check_upload_image(self, name, ext, data):
        """Refuse an image Odoo cannot process: unreadable, or more pixels
        than Odoo resizes (read from its header, before any decoding).

        :raise UserError: with the file's name
        """
        refusal = get_image_refusal(ext, data)
        if refusal == "too_large":
            raise UserError(
                self.env._(
                    "“%(name)s” cannot be sent: the image is too large (at most "
                    "%(max)s million pixels). Send a smaller image.",
                    name=name,
                    max=int(IMAGE_MAX_RESOLUTION / 1e6),
                )
            )
        if refusal:
            raise UserError(
                self.env._(
                    "“%(name)s” cannot be sent: it cannot be read as an image.",
                    name=name,
                )
            )

    # === BUSINESS METHODS: CONTENT AND APPEARANCE ===#

    @api.model
    def _get_translated_text_fields(self):
        """The page's own texts a visitor reads."""
        return [
            "name",
            "meta_title",
            "header",
            "contact_label",
            "label_received",
            "label_in_progress",
            "label_resolved",
            "label_closed",
        ]

    def _get_main_status_labels(self):
        """Timeline labels, the page's own wording first."""
        self.ensure_one()
        stage_model = self.env["helpdesk.ticket.stage"]
        defaults = dict(
            stage_model._fields["main_status"]._description_selection(self.env)
        )
        return {
            status: self[f"label_{status}"] or defaults[status] for status in defaults
        }

    def _get_safe_header(self):
        """The header in the current language, sanitized again when shown:
        a translation may come from anywhere (import, SQL, another module)."""
        self.ensure_one()
        return sanitize_html(self.header)

    def _get_logo_url(self):
        """The page's own logo, else the company's; False when neither."""
        self.ensure_one()
        if self.has_logo:
            version = fields.Datetime.to_string(self.write_date).replace(" ", "_")
            return f"/status/{self.slug}/logo?unique={version}"
        return self._get_company_brand(self.company_id.id)["logo_url"]

    @api.model
    @tools.ormcache("company_id")
    def _get_company_brand(self, company_id):
        """Name and logo URL (False: Odoo's default logo) of company
        ``company_id`` in the page's header: read on every view, changed
        rarely, and then the cache is cleared (see ``res.company``)."""
        company = self.env["res.company"].sudo().browse(company_id)
        return {
            "name": company.name,
            "logo_url": not company.uses_default_logo
            and f"/web/binary/company_logo?company={company_id}",
        }

    @api.model
    def _get_brand_css(self, color):
        """Buttons, links and the current step in the brand colour; as weak
        as the module's defaults (:where), so the page's CSS still wins.
        The current step's icon and label take the brand colour darkened
        as much as needed to stay readable on white (WCAG AA)."""
        return (
            f".o_status_page {{ --o-status-brand: {color}; "
            f"--o-status-brand-text: {readable_text_colour(color)}; }}\n"
            ":where(.o_status_page) .btn-primary { background-color: "
            "var(--o-status-brand); border-color: var(--o-status-brand); }\n"
            ":where(.o_status_page) a:not(.btn) { color: var(--o-status-brand); }\n"
            ":where(.o_status_page) .o_status_step_current .o_status_step_icon "
            "{ border-color: var(--o-status-brand); "
            "color: var(--o-status-brand-text); }\n"
            ":where(.o_status_page) .o_status_step_current .o_status_step_label "
            "{ color: var(--o-status-brand-text); }"
        )

    def _get_safe_css(self):
        """The page's look as CSS that cannot close its <style> element:
        width and font, then the page's CSS and extra CSS.

        Width and font are validated; '<' has no meaning in CSS outside
        strings, and there it is written as the CSS escape \\3c, so nothing
        the admin enters can start a tag. Returned as Markup because HTML
        entities are not decoded inside <style>.
        """
        self.ensure_one()
        rules = [f".o_status_page {{ --o-status-width: {self.width or '720px'}; }}"]
        if self.font:
            rules.append(f".o_status_page {{ font-family: {self.font}; }}")
        if self.brand_color:
            rules.append(self._get_brand_css(self.brand_color))
        css = "\n".join(filter(None, [*rules, self.css, self.extra_css]))
        return Markup(css.replace("<", "\\3c "))
