# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, item 6: finding the page without a link. ``/status`` opens the
company's look-up page, a mistyped or disabled page gets the branded dead end
with the look-up form, the number field reads numbers as people type them,
status e-mails carry the look-up page's address, and a page can put "Track
my request" in the website menu."""

import re

from odoo.tests import BaseCase, tagged

from ..tools.code import to_ascii_digits
from ..tools.number import (
    NUMBER_DIGITS_SQL,
    NUMBER_KEY_SQL,
    bare_number,
    number_key,
)
from .common import StatusPageCommon
from .test_status_page_http import CSRF_TOKEN_RE, StatusPageHttpCommon

NONCE_RE = re.compile(r'nonce="[^"]+"|nonce-[A-Za-z0-9_-]+')


class TestNumberTools(BaseCase):
    """The pure reading of a typed ticket number: no database."""

    def test_number_key_ignores_hash_case_spaces_hyphens_and_zeros(self):
        for typed in (
            "#HT00009",
            "ht 9",
            "HT-00009",
            "HT00009",
            " hT 0009 ",
            "ht-9",
            "#ht\u00a0\u200b0009",
            "HT٠٠٠٠٩",
        ):
            with self.subTest(typed=typed):
                self.assertEqual(number_key(typed), "HT9")
                self.assertEqual(bare_number(number_key(typed)), "")

    def test_bare_numbers(self):
        for typed, bare in (("9", "9"), ("00009", "9"), ("#9", "9"), ("٩", "9")):
            with self.subTest(typed=typed):
                self.assertEqual(bare_number(number_key(typed)), bare)
        # Zeros only, or nothing at all, are no number.
        for typed in ("0", "000", "", "#", "  -  ", None):
            with self.subTest(typed=typed):
                self.assertEqual(bare_number(number_key(typed)), "")
        self.assertEqual(number_key("#"), "")

    def test_each_run_of_digits_loses_its_leading_zeros(self):
        self.assertEqual(number_key("HT2026-00009"), "HT20269")
        self.assertEqual(number_key("ht 2026 9"), "HT20269")
        self.assertEqual(number_key("HT0"), "HT0")
        self.assertEqual(number_key("A0B"), "A0B")

    def test_to_ascii_digits_is_what_the_key_reads(self):
        self.assertEqual(number_key(to_ascii_digits("ht ٩")), number_key("ht ٩"))


@tagged("post_install", "-at_install")
class TestFindingByNumber(StatusPageCommon):
    def _digits(self, ticket):
        return str(int(re.sub(r"\D", "", ticket.number)))

    def test_sql_keys_are_the_python_keys(self):
        """The indexes hold the key tools/number.py computes."""
        stored = ["HT00009", "HT-00009", "ht 0009", "HT2026-00009", "HT0", "X/0/01"]
        self.env.cr.execute(
            f"SELECT number, {NUMBER_KEY_SQL}, {NUMBER_DIGITS_SQL} "
            "FROM (SELECT unnest(%s::varchar[]) AS number) AS numbers",
            [stored],
        )
        for number, key, digits in self.env.cr.fetchall():
            with self.subTest(number=number):
                self.assertEqual(key, number_key(number))
                self.assertEqual(digits, re.sub(r"\D", "", number).lstrip("0"))

    def test_number_as_people_type_it(self):
        number = self.ticket.number
        digits = self._digits(self.ticket)
        prefix = re.match(r"[A-Za-z]*", number).group(0)
        for typed in (
            f"#{number}",
            f"{prefix.lower()} {digits}",
            f"{prefix}-{number[len(prefix) :]}",
            f" {number.lower()} ",
            digits,
        ):
            with self.subTest(typed=typed):
                self.assertEqual(self.page._find_ticket_by_number(typed), self.ticket)
        self.assertFalse(self.page._find_ticket_by_number(f"{prefix}X{digits}"))
        self.assertFalse(self.page._find_ticket_by_number("0"))
        self.assertFalse(self.page._find_ticket_by_number("#"))

    def test_bare_number_only_when_one_ticket_of_the_page_has_it(self):
        digits = self._digits(self.ticket)
        # A ticket of another page with the same digits: still one of ours.
        other_page = self.env["helpdesk.status.page"].create(
            {"name": "Other", "slug": "other-digits"}
        )
        other_team = self.env["helpdesk.ticket.team"].create(
            {"name": "Other team", "status_page_id": other_page.id}
        )
        self._create_ticket(number=f"ZZ{int(digits):05d}", team_id=other_team.id)
        self.assertEqual(self.page._find_ticket_by_number(digits), self.ticket)
        # A second ticket of this page with these digits: ambiguous, nothing.
        twin = self._create_ticket(number=f"XY-{int(digits):07d}")
        self.assertFalse(self.page._find_ticket_by_number(digits))
        # Its prefix names it.
        self.assertEqual(self.page._find_ticket_by_number(f"xy {digits}"), twin)
        self.assertEqual(
            self.page._find_ticket_by_number(self.ticket.number), self.ticket
        )

    def _lookup_queries(self, typed):
        """The queries of a look-up of ``typed`` that read a number's key."""
        queries = []
        execute = type(self.env.cr).execute

        def capture(cr, query, params=None, log_exceptions=True):
            queries.append(query)
            return execute(cr, query, params, log_exceptions)

        self.env.flush_all()
        type(self.env.cr).execute = capture
        try:
            self.page._find_ticket_by_number(typed)
        finally:
            type(self.env.cr).execute = execute
        return [query for query in queries if "regexp_replace" in str(query)]

    def test_lookup_uses_the_expression_indexes(self):
        for typed, index in (
            ("ht 9", "helpdesk_ticket_number_key_index"),
            ("9", "helpdesk_ticket_number_digits_index"),
        ):
            with self.subTest(typed=typed):
                lookup = self._lookup_queries(typed)
                self.assertEqual(len(lookup), 1)
                self.env.cr.execute("SET LOCAL enable_seqscan = off")
                try:
                    self.env.cr.execute("EXPLAIN " + lookup[0].code, lookup[0].params)
                    plan = "\n".join(row[0] for row in self.env.cr.fetchall())
                finally:
                    self.env.cr.execute("SET LOCAL enable_seqscan = on")
                self.assertIn(index, plan)


@tagged("post_install", "-at_install")
class TestLookupPageChoice(StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.Page = cls.env["helpdesk.status.page"]
        cls.Page.search([]).is_default = False
        cls.page.sequence = 5

    def test_default_page_first_then_first_page_of_the_website(self):
        later = self.Page.create({"name": "Later", "slug": "later", "sequence": 50})
        self.assertEqual(self.Page._get_lookup_page(self.website), self.page)
        later.is_default = True
        self.assertEqual(self.Page._get_lookup_page(self.website), later)
        # The default page of another website does not serve this one.
        other_website = self.env["website"].create({"name": "Other site"})
        later.website_id = other_website
        self.assertEqual(self.Page._get_lookup_page(self.website), self.page)
        self.assertEqual(self.Page._get_lookup_page(other_website), later)
        # Disabled pages never.
        self.page.active = False
        self.Page.search([("id", "!=", later.id)]).active = False
        self.assertFalse(self.Page._get_lookup_page(self.website))


@tagged("post_install", "-at_install")
class TestFindingHttp(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["helpdesk.status.page"].search([]).is_default = False
        cls.page.write({"is_default": True, "verification_method": "match"})

    def _shape(self, html, *slugs):
        """The answer without what changes on every answer (CSRF token,
        nonce) or names the path asked (the language switcher)."""
        html = CSRF_TOKEN_RE.sub("", NONCE_RE.sub("", html))
        for slug in slugs:
            html = html.replace(slug, "SLUG")
        return html

    def test_status_opens_the_default_look_up_form(self):
        for path in ("/status", "/status/"):
            with self.subTest(path=path):
                response = self._get(path)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_status_page", response.text)
                self.assertIn(
                    f'action="/status/{self.page.slug}/verify"', response.text
                )
                self.assertIn('id="o_status_number"', response.text)
                self.assertEqual(response.headers["Cache-Control"], "no-store")

    def test_number_typed_as_people_do_opens_the_ticket(self):
        digits = str(int(re.sub(r"\D", "", self.ticket.number)))
        response = self._post(
            f"/status/{self.page.slug}/verify",
            {"number": f"ht {digits}", "contact": "customer@example.com"},
            form_path="/status",
        )
        self.assertIn("o_status_timeline", response.text)

    def test_no_page_is_a_branded_dead_end_not_the_website_404(self):
        self.env["helpdesk.status.page"].search([]).active = False
        response = self._get("/status")
        self.assertEqual(response.status_code, 404)
        self.assertIn("o_status_page", response.text)
        self.assertIn(self.company.name, response.text)
        self.assertIn("Requests cannot be looked up on this website", response.text)
        self.assertNotIn('id="o_status_number"', response.text)

    def test_mistyped_and_disabled_pages_answer_alike_with_the_form(self):
        other = self.env["helpdesk.status.page"].create(
            {
                "name": "Secret team",
                "slug": "secret-team",
                "header": "<p>Secret team header</p>",
                "contact_url": "tel:+48111",
                "active": False,
            }
        )
        unknown = self._get("/status/secret-teem")
        disabled = self._get(f"/status/{other.slug}")
        for response in (unknown, disabled):
            self.assertEqual(response.status_code, 404)
            self.assertIn("Page not found", response.text)
            self.assertIn(f'action="/status/{self.page.slug}/verify"', response.text)
            self.assertIn('id="o_status_number"', response.text)
            self.assertNotIn("Secret team", response.text)
            self.assertNotIn("tel:+48111", response.text)
        self.assertEqual(
            self._shape(unknown.text, "secret-teem"),
            self._shape(disabled.text, other.slug),
        )
        # An old link of a disabled page alike.
        old = self._get(f"/status/{other.slug}/{'x' * 24}")
        self.assertEqual(old.status_code, 404)
        self.assertIn(f'action="/status/{self.page.slug}/verify"', old.text)

    def test_dead_end_form_looks_the_ticket_up(self):
        digits = str(int(re.sub(r"\D", "", self.ticket.number)))
        response = self._post(
            f"/status/{self.page.slug}/verify",
            {"number": digits, "contact": "customer@example.com"},
            form_path="/status/no-such-page",
        )
        self.assertIn("o_status_timeline", response.text)


@tagged("post_install", "-at_install")
class TestLookupInMessages(StatusPageCommon):
    def test_lookup_url_is_the_page_address_in_the_customer_language(self):
        self.assertEqual(self.ticket.status_lookup_url, self.page._get_public_url())
        self.assertTrue(self.ticket.status_lookup_url.endswith("/status/test-support"))
        self.assertTrue(
            self.ticket.status_page_url.startswith(self.ticket.status_lookup_url)
        )

    def test_status_emails_carry_the_lookup_address_beside_the_link(self):
        for xmlid in (
            "mail_template_ticket_received",
            "mail_template_status_changed",
            "mail_template_status_link",
            "mail_template_running_late",
        ):
            with self.subTest(template=xmlid):
                template = self.env.ref(f"helpdesk_mgmt_status_page.{xmlid}")
                body = template._render_field("body_html", self.ticket.ids)[
                    self.ticket.id
                ]
                self.assertIn(self.ticket.status_page_url, body)
                self.assertIn(f'href="{self.ticket.status_lookup_url}"', body)
                self.assertIn("Look your request up with its number", body)


@tagged("post_install", "-at_install")
class TestWebsiteMenu(StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.arabic = cls.env["res.lang"]._activate_lang("ar_001")
        cls.website.language_ids |= cls.arabic

    def _menus(self):
        return self.env["website.menu"].search([("status_page_id", "=", self.page.id)])

    def test_option_makes_and_removes_the_menu_entry(self):
        self.assertFalse(self._menus())
        self.page.website_menu = True
        menus = self._menus()
        self.assertIn(self.website, menus.website_id)
        menu = menus.filtered(lambda m: m.website_id == self.website)
        self.assertEqual(menu.url, "/status/test-support")
        self.assertEqual(menu.parent_id, self.website.menu_id)
        self.assertEqual(menu.with_context(lang="en_US").name, "Track my request")
        self.assertEqual(
            menu.with_context(lang="ar_001").name,
            self.page._get_menu_label("ar_001"),
        )
        # The address follows the page's.
        self.page.slug = "help"
        self.assertEqual(menu.url, "/status/help")
        # A label changed by an admin stays.
        menu.name = "Where is my repair?"
        self.page.write({"slug": "repairs"})
        self.assertEqual(menu.name, "Where is my repair?")
        # Disabled page, or option off: no entry.
        self.page.active = False
        self.assertFalse(self._menus())
        self.page.active = True
        self.assertEqual(
            len(self._menus().filtered(lambda m: m.website_id == self.website)), 1
        )
        self.page.website_menu = False
        self.assertFalse(self._menus())

    def test_page_of_one_website_and_deleted_page(self):
        other_website = self.env["website"].create({"name": "Other site"})
        self.page.write({"website_id": other_website.id, "website_menu": True})
        self.assertEqual(self._menus().website_id, other_website)
        self.page.website_id = self.website
        self.assertEqual(self._menus().website_id, self.website)
        menus = self._menus()
        page = self.env["helpdesk.status.page"].create(
            {"name": "Gone", "slug": "gone", "website_menu": True}
        )
        gone = self.env["website.menu"].search([("status_page_id", "=", page.id)])
        self.assertTrue(gone)
        page.unlink()
        self.assertFalse(gone.exists())
        self.assertTrue(menus.exists())

    def test_uninstall_removes_the_menu_entries(self):
        from ..hooks import uninstall_hook

        self.page.website_menu = True
        menus = self._menus()
        self.assertTrue(menus)
        with self.env.cr.savepoint(flush=False) as savepoint:
            uninstall_hook(self.env)
            self.assertFalse(menus.exists())
            savepoint.rollback()

    def test_option_on_the_form(self):
        view = self.env.ref("helpdesk_mgmt_status_page.helpdesk_status_page_view_form")
        self.assertIn('name="website_menu"', view.arch)
        self.assertEqual(
            self.page._fields["website_menu"].string,
            "Show 'Track my request' in the website menu",
        )
