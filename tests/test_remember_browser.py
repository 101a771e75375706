# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remember this device and "Your requests" on a phone, as a public
visitor, in English and Arabic, with axe-core at 0 violations on the new
views: verify by code with Remember ticked; a new browser context with the
same cookies (the session's gone, as after a restart) opens a second
ticket of the same contact from "Your requests" with no code; Forget this
device; a code is asked again."""

from odoo.tests import tagged

from ..tools.session import DEVICE_COOKIE
from .common_browser import PHONE, StatusPageBrowserMixin
from .test_status_page_http import StatusPageHttpCommon


@tagged("post_install", "-at_install")
class TestRememberBrowser(StatusPageBrowserMixin, StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write(
            {
                "verification_method": "code",
                "verification_field": "email",
                "remember_days": 30,
                "resend_delay": 0,
                "contact_url": "https://example.com/contact",
            }
        )

    def _context(self, cookies=None):
        """A phone's browser (see ``_new_page``), with ``cookies`` kept from
        an earlier one: its context and its page."""
        page = self._new_page(PHONE, mobile=True, cookies=cookies)
        return page.context, page

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
        self._open(page, self._path(lang, self._token_path(first)))
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
        self._open(page, self._path(lang, self._token_path(first)))
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
        self._open(page, self._path(lang, self._token_path(first)))
        self.assertFalse(page.is_visible(".o_status_open"))
        page.fill("#o_status_contact", "customer@example.com")
        self._submit(page, ".o_status_form button[type=submit]")
        page.wait_for_selector("#o_status_code")
        context.close()
