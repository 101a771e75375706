# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import html_sanitize

from ..tools.html import sanitize_html

WIDTH_RE = re.compile(r"^\d{1,4}(?:\.\d{1,2})?(?:px|rem|em|%|vw|ch)$")
FONT_FORBIDDEN_RE = re.compile(r"[;{}<>\\@]")
CONTACT_URL_SCHEMES = ("mailto:", "tel:", "https://")
BRAND_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


class HelpdeskStatusAppearanceMixin(models.AbstractModel):
    """What a status page says and how it looks: header, labels, contact
    link, font, width, favicon and CSS, all emitted safely. Inherited by
    ``helpdesk.status.page``.
    """

    _name = "helpdesk.status.page.appearance.mixin"
    _description = "Status Page Content and Appearance"

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

    @api.depends("logo")
    def _compute_has_logo(self):
        for page in self:
            page.has_logo = bool(page.logo)

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
        as the module's defaults (:where), so the page's CSS still wins."""
        return (
            f".o_status_page {{ --o-status-brand: {color}; }}\n"
            ":where(.o_status_page) .btn-primary { background-color: "
            "var(--o-status-brand); border-color: var(--o-status-brand); }\n"
            ":where(.o_status_page) a:not(.btn) { color: var(--o-status-brand); }\n"
            ":where(.o_status_page) .o_status_step_current .o_status_step_icon "
            "{ border-color: var(--o-status-brand); color: var(--o-status-brand); }"
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
