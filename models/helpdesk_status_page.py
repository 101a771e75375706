# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html_sanitize

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Taken by the agents' preview route, /status/preview/<ticket id>.
RESERVED_SLUGS = {"preview"}
WIDTH_RE = re.compile(r"^\d{1,4}(?:\.\d{1,2})?(?:px|rem|em|%|vw|ch)$")
FONT_FORBIDDEN_RE = re.compile(r"[;{}<>\\@]")
CONTACT_URL_SCHEMES = ("mailto:", "tel:", "https://")


class HelpdeskStatusPage(models.Model):
    _name = "helpdesk.status.page"
    _inherit = ["helpdesk.status.verification.mixin"]
    _description = "Helpdesk Status Page"
    _order = "sequence, id"
    _check_company_auto = True

    # General
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    slug = fields.Char(
        required=True,
        help="URL identifier: lowercase letters, digits and dashes, "
        "unique per website.",
    )
    active = fields.Boolean(
        string="Enable public status view",
        default=True,
        help="A disabled page keeps its configuration; its links answer "
        "'page not found' and never show ticket data.",
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
    url = fields.Char(string="Page URL", compute="_compute_url")

    # Verification
    verification_field = fields.Selection(
        [
            ("email", "E-mail"),
            ("phone", "Phone"),
            ("email_or_phone", "E-mail or phone (customer chooses)"),
        ],
        required=True,
        default="email_or_phone",
    )
    verification_method = fields.Selection(
        [
            ("code", "One-time code sent to the ticket's e-mail or phone"),
            ("match", "Matching e-mail or phone is enough"),
        ],
        required=True,
        default="code",
        help="'Matching' trusts anyone who knows the customer's e-mail or phone; "
        "'one-time code' also proves access to the mailbox or phone.",
    )
    code_length = fields.Integer(default=4, help="Digits of a one-time code (4-8).")
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
    allow_attachment_download = fields.Boolean(
        help="Show the ticket's attachments (never those of internal notes)."
    )
    link_validity_after_close = fields.Integer(
        string="Link validity after close (days)",
        default=0,
        help="Days a closed ticket stays reachable. 0 = forever.",
    )

    # Content
    header = fields.Html(translate=True, sanitize=True, sanitize_style=False)
    meta_title = fields.Char(translate=True)
    label_received = fields.Char(translate=True)
    label_in_progress = fields.Char(translate=True)
    label_resolved = fields.Char(translate=True)
    label_closed = fields.Char(translate=True)
    contact_label = fields.Char(translate=True, default="Contact us")
    contact_url = fields.Char(
        default=lambda self: self._default_contact_url(),
        help="mailto:, tel: or https:// link shown at the bottom of the page.",
    )

    # Appearance
    font = fields.Char(help="A CSS font-family stack, e.g. 'Inter', sans-serif")
    width = fields.Char(default="720px", help="Maximum width, e.g. 720px or 48rem.")
    favicon_url = fields.Char(help="https:// or site-relative (/...) URL.")
    css = fields.Text(string="CSS")
    extra_css = fields.Text(
        string="Extra CSS", help="Loaded last: overrides everything else."
    )

    # Fields shown
    field_ids = fields.One2many(
        "helpdesk.status.page.field", "page_id", string="Fields shown"
    )
    field_count = fields.Integer(compute="_compute_field_count")

    # Notifications
    notify_on_create = fields.Boolean(default=True)
    notify_on_status_change = fields.Boolean(default=True)
    notify_channel = fields.Selection(
        [
            ("auto", "Every channel the ticket has contact data for"),
            ("email", "E-mail"),
            ("sms", "SMS"),
            ("both", "E-mail and SMS"),
        ],
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
    test_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Test with ticket",
        ondelete="set null",
        help="Ticket whose e-mail and SMS 'Send test' renders.",
    )

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

    @api.depends("slug", "website_id", "website_id.domain")
    def _compute_url(self):
        for page in self:
            page.url = page.slug and page._get_public_url()

    @api.depends("field_ids")
    def _compute_field_count(self):
        for page in self:
            page.field_count = len(page.field_ids)

    # ------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------

    @api.constrains("slug", "website_id")
    def _check_slug(self):
        for page in self:
            if not SLUG_RE.match(page.slug or "") or len(page.slug) > 64:
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
        "link_validity_after_close",
        "notify_delay",
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
            ("link_validity_after_close", 0, 36500),
            ("notify_delay", 0, 86400),
        ]

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

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("slug"):
                vals["slug"] = vals["slug"].strip().lower()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("slug"):
            vals["slug"] = vals["slug"].strip().lower()
        return super().write(vals)

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

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_fields(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt_status_page.helpdesk_status_page_field_action"
        )
        action["domain"] = [("page_id", "=", self.id)]
        action["context"] = {"default_page_id": self.id}
        return action

    def action_preview(self):
        """Open the customer's view of the test ticket through this page,
        without verification."""
        self.ensure_one()
        if not self.test_ticket_id:
            raise UserError(self.env._("Choose a ticket to preview the page with."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/status/preview/{self.test_ticket_id.id}?page_id={self.id}",
            "target": "new",
        }

    def action_send_test(self):
        """Render this page's status e-mail and SMS for the chosen ticket and
        send them to the current user, to check templates before going live."""
        self.ensure_one()
        ticket = self.test_ticket_id
        user = self.env.user
        if not ticket:
            raise UserError(self.env._("Choose a ticket to render the test with."))
        if not (user.email or user.partner_id.phone or user.partner_id.mobile):
            raise UserError(
                self.env._("Set an e-mail or phone on your user to receive the test.")
            )
        sent = []
        if self.mail_template_id and user.email:
            self.mail_template_id.send_mail(
                ticket.id,
                email_values={"email_to": user.email, "recipient_ids": []},
                email_layout_xmlid="mail.mail_notification_light",
            )
            sent.append(user.email)
        phone = user.partner_id.phone or user.partner_id.mobile
        if self.sms_template_id and phone:
            body = self.sms_template_id._render_field("body", ticket.ids)[ticket.id]
            self.env["sms.sms"].sudo().create(
                {"number": phone, "body": body, "partner_id": user.partner_id.id}
            )
            sent.append(phone)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Test queued to %(recipients)s.", recipients=", ".join(sent)
                ),
            },
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_website(self):
        """Website the page's links point to."""
        self.ensure_one()
        if self.website_id:
            return self.website_id
        return self.env["website"].search(
            [("company_id", "in", [self.company_id.id, False])], limit=1
        )

    def _get_public_url(self, lang=None, token=None):
        """Absolute URL of the page, or of one ticket's link with ``token``.

        :param str lang: language code (``ar_001``); a prefix is added
            unless it is the website's default language.
        :param str token: a ticket's ``status_token``
        """
        self.ensure_one()
        return self._get_public_url_builder()(lang, token)

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
        slug = self.slug

        def build(lang=None, token=None):
            prefix = ""
            if lang and website and lang != default_lang:
                url_code = Lang._get_data(code=lang).url_code
                prefix = f"/{url_code}" if url_code else ""
            path = f"{prefix}/status/{slug}"
            return base + (f"{path}/{token}" if token else path)

        return build

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
        return Markup(html_sanitize(self.header, sanitize_style=False))

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
        css = "\n".join(filter(None, [*rules, self.css, self.extra_css]))
        return Markup(css.replace("<", "\\3c "))
