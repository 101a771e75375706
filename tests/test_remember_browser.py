# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remember this device and "Your requests" on a phone, as a public
visitor, in English and Arabic, with axe-core at 0 violations on the new
views: verify by code with Remember ticked; a new browser context with the
same cookies (the session's gone, as after a restart) opens a second
ticket of the same contact from "Your requests" with no code; Forget this
device; a code is asked again."""

import json
import os
import shutil

from odoo.tests import tagged
from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME

from ..tools.session import DEVICE_COOKIE
from .test_accessibility import (
    AXE_TAGS,
    AXE_URL,
    MODULE,
    _default_axe_path,
    _format_violations,
    _unlimited_address_space,
)
from .test_status_page_http import StatusPageHttpCommon

PHONE = {"width": 390, "height": 844}


@tagged("post_install", "-at_install")
class TestRememberBrowser(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        arabic = cls.env["res.lang"]._activate_lang("ar_001")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["ar_001"])
        cls.env["website"].get_current_website().language_ids |= arabic
        cls.page.write(
            {
                "verification_method": "code",
                "verification_field": "email",
                "remember_days": 30,
                "resend_delay": 0,
                "contact_url": "https://example.com/contact",
            }
        )

    def setUp(self):
        super().setUp()
        self.axe_path = os.environ.get("HSP_AXE_PATH") or _default_axe_path()
        if not os.path.isfile(self.axe_path):
            self.fail(f"axe-core not found at {self.axe_path}: run scripts/test.sh")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self.fail("Playwright is missing: pip install -r test-requirements.txt")
        self.env.flush_all()
        with _unlimited_address_space():
            self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        self.addCleanup(self.browser.close)

    def _context(self, cookies=None):
        """A phone's browser context: the test's cursor cookie, ``cookies``
        kept from an earlier context, no request leaving the test server."""
        context = self.browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US"
        )
        self.addCleanup(context.close)
        context.add_cookies(
            cookies
            or [
                {
                    "name": TEST_CURSOR_COOKIE_NAME,
                    "value": self.http_request_key,
                    "domain": HOST,
                    "path": "/",
                }
            ]
        )
        context.route("**/*", self._route)
        page = context.new_page()
        page.set_default_timeout(30000)
        return context, page

    def _route(self, route):
        url = route.request.url
        if url == self.base_url() + AXE_URL:
            route.fulfill(path=self.axe_path, content_type="text/javascript")
        elif url.startswith(self.base_url() + "/"):
            route.continue_()
        else:
            route.abort()

    def _open(self, page, path):
        page.goto(self.base_url() + path, wait_until="load")

    def _submit(self, page, selector):
        with page.expect_navigation(wait_until="load"):
            page.click(selector)

    def _check(self, page, view):
        page.wait_for_load_state("networkidle")
        page.add_script_tag(url=AXE_URL)
        violations = json.loads(
            page.evaluate(
                """(tags) => axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                }).then((r) => JSON.stringify(r.violations))""",
                AXE_TAGS,
            )
        )
        if violations:
            self.fail(
                f"axe-core found {len(violations)} violation(s) on {view} "
                f"({page.url}):\n{_format_violations(violations)}"
            )

    def _path(self, lang, ticket):
        path = self._token_path(ticket)
        return path if lang == "en" else f"/{lang}{path}"

    def test_remember_then_open_from_your_requests_then_forget(self):
        # Made before any browser request (the test cursor may be left
        # read-only by the last one).
        tickets = {
            lang: (
                self._create_ticket(name=f"Laptop battery {lang}"),
                self._create_ticket(name=f"Phone screen {lang}"),
            )
            for lang in ("en", "ar")
        }
        self.env.flush_all()
        for lang, (first, second) in tickets.items():
            with self.subTest(lang=lang):
                self._journey(lang, first, second)

    def _journey(self, lang, first, second):
        # Verify by code, Remember ticked (it is by default).
        context, page = self._context()
        self._open(page, self._path(lang, first))
        page.fill("#o_status_contact", "customer@example.com")
        self._submit(page, ".o_status_form button[type=submit]")
        page.wait_for_selector("#o_status_remember")
        self.assertTrue(page.is_checked("#o_status_remember"))
        self._check(page, f"code-remember-{lang}")
        page.fill("#o_status_code", self._last_code())
        self._submit(page, ".o_status_form button[type=submit]")
        page.wait_for_selector(".o_status_requests")
        self._check(page, f"ticket-requests-{lang}")
        # The browser closes; its cookies stay, its session is gone.
        cookies = [c for c in context.cookies() if c["name"] != "session_id"]
        self.assertIn(DEVICE_COOKIE, [c["name"] for c in cookies])
        device = next(c for c in cookies if c["name"] == DEVICE_COOKIE)
        self.assertTrue(device["httpOnly"])
        self.assertEqual(device["sameSite"], "Lax")
        context.close()
        mails = self.env["mail.mail"].sudo().search_count([])
        context, page = self._context(cookies)
        self._open(page, self._path(lang, first))
        page.wait_for_selector(".o_status_open")
        self.assertFalse(page.is_visible("#o_status_code"))
        self._check(page, f"remembered-{lang}")
        self._submit(page, ".o_status_open")
        page.wait_for_selector(".o_status_requests")
        # The second ticket, from "Your requests", with no code.
        self._submit(page, f".o_status_request_open >> text=Phone screen {lang}")
        page.wait_for_selector(".o_status_timeline")
        self.assertIn(second.status_token, page.url)
        self.assertIn(f"Phone screen {lang}", page.content())
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
        self._check(page, f"second-ticket-{lang}")
        # Forget this device: a code is asked again.
        self._submit(page, ".o_status_forget")
        page.wait_for_selector("#o_status_contact")
        self.assertNotIn(DEVICE_COOKIE, [c["name"] for c in context.cookies()])
        self._open(page, self._path(lang, first))
        self.assertFalse(page.is_visible(".o_status_open"))
        page.fill("#o_status_contact", "customer@example.com")
        self._submit(page, ".o_status_form button[type=submit]")
        page.wait_for_selector("#o_status_code")
        context.close()
