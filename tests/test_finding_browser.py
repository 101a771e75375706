# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, items 6 and 7, in a real browser at phone width, left to right
and right to left: ``/status`` opens the look-up form, a number typed as
people type it ("ht 9") and the contact lead to the code step, which says
what to do when nothing arrives, and a code of the wrong length is refused
in GOV.UK's words. axe-core finds nothing on any of these views."""

import re

from odoo.tests import tagged

from .common_browser import LANGS, PHONE, StatusPageBrowserMixin
from .test_status_page_http import StatusPageHttpCommon


@tagged("post_install", "-at_install")
class TestFindingBrowser(StatusPageBrowserMixin, StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["helpdesk.status.page"].search([]).is_default = False
        cls.page.write(
            {
                "is_default": True,
                "verification_method": "code",
                "contact_url": "https://example.com/contact",
                "contact_label": False,
            }
        )

    def _translated(self, lang, source, **kwargs):
        """``source`` as the page says it in ``lang``."""
        code = "ar_001" if lang == "ar" else "en_US"
        return (
            self.env["helpdesk.status.page"]
            .with_context(lang=code)
            .env._(source, **kwargs)
        )

    def test_status_number_code_step_on_a_phone(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                digits = str(int(re.sub(r"\D", "", ticket.number)))
                self.env.flush_all()
                page = self._new_page(PHONE)
                self._open(page, self._path(lang, "/status"))
                page.wait_for_selector("#o_status_number")
                self._check(page, f"status-lookup-{lang}")
                page.fill("#o_status_number", f"ht {digits}")
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector("#o_status_code")
                self.assertTrue(page.is_visible(".o_status_not_received"))
                self.assertTrue(page.is_visible(".o_status_not_received_help"))
                self._check(page, f"status-code-help-{lang}")
                page.fill("#o_status_code", "123")
                self._submit(page, ".o_status_form button[type=submit]")
                alert = page.wait_for_selector(".alert-danger")
                self.assertEqual(
                    alert.inner_text().strip(),
                    self._translated(
                        lang, "The code must be %(count)s numbers", count=4
                    ),
                )
                self._check(page, f"status-code-wrong-length-{lang}")

    def test_mistyped_page_on_a_phone(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                page = self._new_page(PHONE)
                self._open(page, self._path(lang, "/status/no-such-page"))
                page.wait_for_selector(".o_status_lookup #o_status_number")
                self._check(page, f"status-mistyped-{lang}")
