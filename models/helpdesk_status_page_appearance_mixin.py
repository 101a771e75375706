# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_sanitize

WIDTH_RE = re.compile(r"^\d{1,4}(?:\.\d{1,2})?(?:px|rem|em|%|vw|ch)$")
FONT_FORBIDDEN_RE = re.compile(r"[;{}<>\\@]")
CONTACT_URL_SCHEMES = ("mailto:", "tel:", "https://")


class HelpdeskStatusAppearanceMixin(models.AbstractModel):
    """What a status page says and how it looks: header, labels, contact
    link, font, width, favicon and CSS, all emitted safely. Inherited by
    ``helpdesk.status.page``.
    """

    _name = "helpdesk.status.page.appearance.mixin"
    _description = "Status Page Content and Appearance"

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
