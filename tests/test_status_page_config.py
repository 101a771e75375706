# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestStatusPageConfig(StatusPageCommon):
    def _assert_invalid(self, values, message):
        with self.assertRaisesRegex(ValidationError, message), self.cr.savepoint():
            self.page.write(values)

    def test_slug_format(self):
        for slug in (
            "Support Team",
            "support_team",
            "-support",
            "support-",
            "a--b",
            "é",
        ):
            self._assert_invalid({"slug": slug}, "lowercase letters, digits")
        self._assert_invalid({"slug": "a" * 65}, "64 characters")
        self.page.slug = "  Help-Desk-2 "
        self.assertEqual(self.page.slug, "help-desk-2")

    def test_slug_unique_per_website(self):
        Page = self.env["helpdesk.status.page"]
        site_a = self.env["website"].create({"name": "A"})
        site_b = self.env["website"].create({"name": "B"})
        self.page.website_id = site_a
        Page.create(
            {
                "name": "Same slug elsewhere",
                "slug": "test-support",
                "website_id": site_b.id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "already used"):
            with self.cr.savepoint():
                Page.create(
                    {"name": "Clash", "slug": "test-support", "website_id": site_a.id}
                )
        # A page without website answers on every website.
        with self.assertRaisesRegex(ValidationError, "already used"):
            with self.cr.savepoint():
                Page.create({"name": "Everywhere", "slug": "test-support"})
        # A disabled page still owns its slug.
        self.page.active = False
        with self.assertRaisesRegex(ValidationError, "already used"):
            with self.cr.savepoint():
                Page.create(
                    {"name": "Clash", "slug": "test-support", "website_id": site_a.id}
                )

    def test_one_default_page_per_company(self):
        Page = self.env["helpdesk.status.page"]
        Page.search([]).is_default = False
        self.page.is_default = True
        with self.assertRaisesRegex(ValidationError, "already the default"):
            with self.cr.savepoint():
                Page.create({"name": "Second", "slug": "second", "is_default": True})
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other = Page.create(
            {
                "name": "Other",
                "slug": "other",
                "is_default": True,
                "company_id": other_company.id,
            }
        )
        self.assertTrue(other.is_default)

    def test_number_ranges(self):
        for field, bad in (
            ("code_length", 3),
            ("code_length", 9),
            ("code_lifetime", 0),
            ("resend_delay", -1),
            ("max_attempts", 0),
            ("notify_delay", -5),
            ("link_validity_after_close", -1),
            ("grant_lifetime", 0),
        ):
            self._assert_invalid({field: bad}, "must be between")
        self.page.write({"code_length": 8, "code_lifetime": 60, "resend_delay": 0})
        self.assertEqual(self.page.code_length, 8)

    def test_width(self):
        for width in ("720", "wide", "10px; color: red", "100%}", "calc(1px)"):
            self._assert_invalid({"width": width}, "not a CSS length")
        for width in ("720px", "48rem", "100%", "60.5em"):
            self.page.width = width
            self.assertEqual(self.page.width, width)

    def test_font(self):
        for font in ("Arial; } body { x", "a{", "</style>", "x\\27", "@import"):
            self._assert_invalid({"font": font}, "font-family")
        self.page.font = "'Inter', \"Noto Sans Arabic\", sans-serif"

    def test_favicon_url(self):
        for url in (
            "http://x.example/f.ico",
            "javascript:alert(1)",
            "//evil/x.ico",
            "data:image/png;base64,AA",
            "/a b.ico",
            'https://x/"onload=',
        ):
            self._assert_invalid({"favicon_url": url}, "favicon")
        self.page.favicon_url = "/web/image/website/1/favicon"
        self.page.favicon_url = "https://cdn.example.com/f.ico"

    def test_contact_url(self):
        for url in (
            "javascript:alert(1)",
            "http://example.com",
            "ftp://x",
            'mailto:a@b.c" onclick="x',
        ):
            self._assert_invalid({"contact_url": url}, "mailto:, tel: or https://")
        for url in (
            "mailto:help@example.com",
            "tel:+966501234567",
            "https://example.com/contact",
        ):
            self.page.contact_url = url

    def test_default_contact_url_from_company(self):
        self.env.company.email = "help@company.example"
        page = self.env["helpdesk.status.page"].create({"name": "P", "slug": "p"})
        self.assertEqual(page.contact_url, "mailto:help@company.example")

    def test_css_cannot_close_style_element(self):
        self.page.css = "body { color: red } </style><script>alert(1)</script>"
        self.page.extra_css = ".x > .y { color: blue }"
        css = self.page._get_safe_css()
        self.assertNotIn("<", css)
        self.assertIn("\\3c /style>", css)
        self.assertIn(".x > .y", css, "child combinators survive")
        self.assertLess(
            css.index("color: red"), css.index("color: blue"), "extra CSS comes last"
        )

    def test_slug_suggested_from_name_and_teams_linked_from_page(self):
        with Form(self.env["helpdesk.status.page"]) as form:
            form.name = "Customer Support Team"
            self.assertEqual(form.slug, "customer-support-team")
            form.slug = "help"
            form.name = "Other name"
            self.assertEqual(form.slug, "help", "a chosen identifier stays")
        page = form.record
        team = self.env["helpdesk.ticket.team"].create({"name": "Second line"})
        with Form(page) as form:
            form.team_ids.add(team)
        self.assertEqual(team.status_page_id, page)

    def test_missing_translations_listed(self):
        """The admin sees which of the page's texts still read in English
        in a language of its website."""
        lang = self.env["res.lang"]._activate_lang("ar_001")
        self.page._get_website().language_ids |= lang
        self.page.write({"meta_title": "Your ticket", "contact_label": False})
        self.page.invalidate_recordset(["missing_translations"])
        self.assertIn(lang.name, self.page.missing_translations)
        self.assertIn("Meta title", self.page.missing_translations)
        self.page.update_field_translations("meta_title", {"ar_001": "تذكرتك"})
        self.page.invalidate_recordset(["missing_translations"])
        self.assertNotIn("Meta title", self.page.missing_translations or "")
        # An empty text is not listed: the page shows a translated default.
        self.assertNotIn("Contact label", self.page.missing_translations or "")

    def test_stage_warns_of_two_emails(self):
        stage = self.stage_progress
        stage.notify_customer = True
        stage.mail_template_id = self.env["mail.template"].search(
            [("model", "=", "helpdesk.ticket")], limit=1
        )
        self.assertTrue(stage.sends_two_emails)
        stage.notify_customer = False
        self.assertFalse(stage.sends_two_emails)

    def test_brand_colour_is_a_plain_hex_colour(self):
        for color in ("#0a6ebd", "#FFF"):
            self.page.brand_color = color
        self.assertIn("--o-status-brand: #FFF", self.page._get_safe_css())
        for hostile in (
            "red; } body { display: none",
            "#fff</style><script>alert(1)</script>",
            "url(https://evil.example/x)",
            "#12345",
            "expression(alert(1))",
        ):
            self._assert_invalid({"brand_color": hostile}, "hex colour")

    def test_header_is_sanitized(self):
        self.page.header = '<p onclick="x()">Hi</p><script>alert(1)</script>'
        self.assertNotIn("script", self.page.header)
        self.assertNotIn("onclick", self.page.header)

    def test_fields_smart_button(self):
        action = self.page.action_open_fields()
        self.assertEqual(action["res_model"], "helpdesk.status.page.field")
        self.assertEqual(action["domain"], [("page_id", "=", self.page.id)])


@tagged("post_install", "-at_install")
class TestStatusPageFields(StatusPageCommon):
    def _field(self, name):
        return self.env["ir.model.fields"]._get("helpdesk.ticket", name)

    def _add(self, name, **values):
        return self.env["helpdesk.status.page.field"].create(
            {"page_id": self.page.id, "field_id": self._field(name).id, **values}
        )

    def test_allowed_fields(self):
        # Every line, empty or not (empty ones are hidden by default).
        self.page.hide_empty_fields = False
        for name in (
            "priority",
            "category_id",
            "tag_ids",
            "create_date",
            "name",
            "closed",
            "description",
        ):
            self._add(name, label="Shown")
        self._add("priority")
        self.assertEqual(self.page.field_count, 8)
        shown = self.ticket._get_status_page_fields(self.page, "UTC")
        # An empty label shows the field's own, and every edit of the lines
        # reaches the (cached) view at once.
        self.assertEqual(
            [label for label, _value in shown], ["Shown"] * 7 + ["Priority"]
        )
        self.page.field_ids[:7].write({"label": "Edited"})
        shown = self.ticket._get_status_page_fields(self.page, "UTC")
        self.assertEqual([label for label, _value in shown][:7], ["Edited"] * 7)

    def test_denied_fields(self):
        for name in (
            "notes",
            "status_token",
            "access_token",
            "access_url",
            "message_ids",
            "message_follower_ids",
            "activity_ids",
            "website_message_ids",
            "attachment_ids",
            "duplicate_ids",
            "user_ids",
            "status_log_ids",
            "status_page_url",
        ):
            with self.assertRaisesRegex(ValidationError, "cannot be shown"):
                with self.cr.savepoint():
                    self._add(name)

    def test_picker_offers_only_allowed_fields(self):
        """The field picker's domain, as the web client gets it, is the list
        customers may see."""
        Line = self.env["helpdesk.status.page.field"]
        domain = Line.fields_get(["field_id"])["field_id"]["domain"]
        offered = set(self.env["ir.model.fields"].search(domain).mapped("name"))
        self.assertTrue({"priority", "category_id", "create_date"} <= offered)
        for name in (
            "access_token",  # "Security Token"
            "access_url",  # "Portal Access URL"
            "active",
            "status_token",
            "status_page_url",
            "message_ids",
            "notes",
            "user_ids",
        ):
            self.assertNotIn(name, offered)
        self.assertFalse(
            {name for name in offered if not Line._is_ticket_field_allowed(name)}
        )

    def test_property_line_needs_property_name(self):
        self.team.ticket_properties = [
            {"name": "serial_number", "string": "Serial number", "type": "char"},
        ]
        choices = dict(
            self.env["helpdesk.status.page.field"]._selection_property_name()
        )
        self.assertEqual(choices["serial_number"], f"Serial number ({self.team.name})")
        with self.assertRaisesRegex(ValidationError, "which ticket property"):
            with self.cr.savepoint():
                self._add("properties")
        with self.assertRaisesRegex(ValidationError, "which ticket property"):
            with self.cr.savepoint():
                self._add("properties", property_name="typed_by_hand")
        with self.assertRaisesRegex(ValidationError, "only goes with"):
            with self.cr.savepoint():
                self._add("priority", property_name="serial_number")
        line = self._add("properties", property_name="serial_number")
        self.assertEqual(line.property_name, "serial_number")
