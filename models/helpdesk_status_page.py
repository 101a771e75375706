# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from contextlib import closing, contextmanager
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

# The page serving a ticket changes with these (see _get_routing).
ROUTING_FIELDS = {"is_default", "company_id", "active"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Taken by the agents' preview route, /status/preview/<ticket id>.
RESERVED_SLUGS = {"preview"}


class HelpdeskStatusPage(models.Model):
    _name = "helpdesk.status.page"
    _inherit = [
        "helpdesk.status.page.appearance.mixin",
        "helpdesk.status.page.notification.mixin",
        "helpdesk.status.page.promise.mixin",
        "helpdesk.status.page.verification.mixin",
        "helpdesk.status.page.action.mixin",
    ]
    _description = "Helpdesk Status Page"
    _order = "sequence, id"
    _check_company_auto = True

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
    allow_attachment_download = fields.Boolean(
        string="Allow attachment download",
        help="Show the ticket's attachments (never those of internal notes).",
    )
    link_validity_after_close = fields.Integer(
        string="Link validity after close (days)",
        default=0,
        help="Days a closed ticket stays reachable. 0 = forever.",
    )

    # Fields shown
    field_ids = fields.One2many(
        "helpdesk.status.page.field", "page_id", string="Fields shown"
    )
    field_count = fields.Integer(string="Field count", compute="_compute_field_count")

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

    @api.constrains("company_id")
    def _check_team_company(self):
        # The teams' side of the link checks both ways of making it.
        self.team_ids._check_status_page_company()

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

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("slug"):
                vals["slug"] = vals["slug"].strip().lower()
        self.env.registry.clear_cache()  # _get_routing
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("slug"):
            vals["slug"] = vals["slug"].strip().lower()
        if ROUTING_FIELDS.intersection(vals):
            self.env.registry.clear_cache()  # _get_routing
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()  # _get_routing
        return super().unlink()

    @api.onchange("name")
    def _onchange_name_suggest_slug(self):
        # A suggestion only: an identifier already chosen stays, as links
        # to it may be out there.
        if self.name and not self.slug:
            self.slug = self.env["ir.http"]._slugify(self.name, max_length=64)

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
        """Open the customer's view of a ticket through this page, without
        verification: the ticket of ``_get_preview_ticket``, else a sample
        ticket (a page with no ticket yet)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self._get_preview_path(self._get_preview_ticket()),
            "target": "new",
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

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
