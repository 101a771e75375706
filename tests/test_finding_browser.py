# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, items 6 and 7, in a real browser at phone width, left to right
and right to left: ``/status`` opens the look-up form, a number typed as
people type it ("ht 9") and the contact lead to the code step, which says
what to do when nothing arrives, and a code of the wrong length is refused
in GOV.UK's words. axe-core finds nothing on any of these views."""

import os
import re
import shutil

from odoo.tests import tagged

from . import test_accessibility as a11y
from .test_status_page_http import StatusPageHttpCommon

PHONE = {"width": 390, "height": 844}


@tagged("post_install", "-at_install")
class TestFindingBrowser(StatusPageHttpCommon):
    # The browser helpers of the accessibility tests (their test methods
    # are not imported: only these functions).
    _new_page = a11y.TestStatusPageAccessibility._new_page
    _route = a11y.TestStatusPageAccessibility._route
    _open = a11y.TestStatusPageAccessibility._open
    _submit = a11y.TestStatusPageAccessibility._submit
    _check = a11y.TestStatusPageAccessibility._check
    _screenshot = a11y.TestStatusPageAccessibility._screenshot
    _path = a11y.TestStatusPageAccessibility._path

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        arabic = cls.env["res.lang"]._activate_lang("ar_001")
        cls.env["ir.module.module"]._load_module_terms([a11y.MODULE], ["ar_001"])
        cls.env["website"].get_current_website().language_ids |= arabic
        cls.env["helpdesk.status.page"].search([]).is_default = False
        cls.page.write(
            {
                "is_default": True,
                "verification_method": "code",
                "contact_url": "https://example.com/contact",
                "contact_label": False,
            }
        )

    def setUp(self):
        super().setUp()
        self.axe_path = os.environ.get("HSP_AXE_PATH") or a11y._default_axe_path()
        if not os.path.isfile(self.axe_path):
            self.fail(
                f"axe-core not found at {self.axe_path}: run scripts/test.sh, which "
                "installs it with npm, or point HSP_AXE_PATH at axe.min.js"
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self.fail("Playwright is missing: pip install -r test-requirements.txt")
        self.chromium = shutil.which("chromium") or "/usr/bin/chromium"
        self.screenshot_dir = os.environ.get("HSP_SCREENSHOT_DIR")
        self.env.flush_all()
        with a11y._unlimited_address_space():
            self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(
            executable_path=self.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        self.addCleanup(self.browser.close)

    def _translated(self, lang, source, **kwargs):
        """``source`` as the page says it in ``lang``."""
        code = "ar_001" if lang == "ar" else "en_US"
        return (
            self.env["helpdesk.status.page"]
            .with_context(lang=code)
            .env._(source, **kwargs)
        )

    def test_status_number_code_step_on_a_phone(self):
        for lang in a11y.LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                digits = str(int(re.sub(r"\D", "", ticket.number)))
                self.env.flush_all()
                page = self._new_page()
                page.set_viewport_size(PHONE)
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
        for lang in a11y.LANGS:
            with self.subTest(lang=lang):
                page = self._new_page()
                page.set_viewport_size(PHONE)
                self._open(page, self._path(lang, "/status/no-such-page"))
                page.wait_for_selector(".o_status_lookup #o_status_number")
                self._check(page, f"status-mistyped-{lang}")
