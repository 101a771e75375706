# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""axe-core on the customer views, in a real browser, left to right and
right to left: the verification form (with and without an error), the code
step, the ticket view and the not-found page (browser, axe-core and
screenshots: see ``common_browser.py``).
"""

from datetime import datetime, timedelta

from odoo.tests import tagged

from .common_browser import LANGS, StatusPageBrowserMixin
from .test_status_page_http import StatusPageHttpCommon


@tagged("post_install", "-at_install")
class TestStatusPageAccessibility(StatusPageBrowserMixin, StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_progress.customer_label = "We are on it"
        cls.page.write(
            {
                "header": "<p>Our team answers within one working day.</p>",
                "contact_url": "https://example.com/contact",
                # Empty: the default "Contact us", shipped translated.
                "contact_label": False,
                "allow_attachment_download": True,
            }
        )
        cls.ticket.stage_id = cls.stage_progress
        cls.env["ir.attachment"].create(
            {
                "name": "invoice.pdf",
                "res_model": "helpdesk.ticket",
                "res_id": cls.ticket.id,
                "raw": b"%PDF-1.4 public",
            }
        )

    def test_form_then_code_step(self):
        self.page.verification_method = "code"
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path(ticket)))
                self._check(page, f"form-{lang}")
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector("#o_status_code")
                self._check(page, f"code-{lang}")

    def test_form_then_ticket_view(self):
        self.page.verification_method = "match"
        self.env.flush_all()
        for lang in LANGS:
            with self.subTest(lang=lang):
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path()))
                page.fill("#o_status_contact", "+48 601 000 000")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".alert-danger")
                self._check(page, f"form-error-{lang}")
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".o_status_timeline")
                self._check(page, f"ticket-{lang}")

    def test_not_found_page(self):
        """Unknown page, and an old link of a known page (its look, contact
        link and the look-up by number)."""
        old_link = f"/status/{self.page.slug}/{'x' * 24}"
        for lang in LANGS:
            for view, path in (
                ("not-found", "/status/no-such-page"),
                ("old-link", old_link),
            ):
                with self.subTest(lang=lang, view=view):
                    page = self._new_page()
                    self._open(page, self._path(lang, path))
                    self._check(page, f"{view}-{lang}")

    def test_paused_code_step(self):
        self.page.write({"verification_method": "code", "max_failures_per_day": 1})
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                # One wrong code already today: verification is paused.
                self.env["helpdesk.status.page.challenge"].sudo().create(
                    {"kind": "failure", "page_id": self.page.id, "ticket_id": ticket.id}
                )
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path(ticket)))
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".o_status_paused")
                self._check(page, f"code-paused-{lang}")

    def test_promise_and_running_late(self):
        """The promise, "what happens now" and the running-late apology."""
        self.page.write(
            {"verification_method": "match", "promise_mode": "days", "promise_days": 14}
        )
        self.stage_progress.customer_description = (
            "Our technician is testing your device; this usually takes two days."
        )
        with self.mock_datetime_and_now(datetime.now() - timedelta(days=20)):
            late = self._create_ticket(stage_id=self.stage_progress.id)
        self.env.flush_all()
        for lang in LANGS:
            for view, ticket in (("promise", self.ticket), ("late", late)):
                with self.subTest(view=view, lang=lang):
                    page = self._new_page()
                    self._open(page, self._path(lang, self._token_path(ticket)))
                    page.fill("#o_status_contact", "customer@example.com")
                    self._submit(page, ".o_status_form button[type=submit]")
                    page.wait_for_selector(".o_status_promise time")
                    self._check(page, f"ticket-{view}-{lang}")

    def test_action_card_and_solved_card(self):
        """The 'action needed' card with its reply form, then the solved
        question and the rating form, in both directions."""
        self.page.verification_method = "match"
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_awaiting.id)
                ticket.message_post(
                    body="Which model is it? Send us a photo of its label.",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path(ticket)))
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".o_status_action")
                self._check(page, f"action-{lang}")
                ticket.stage_id = self.stage_done
                self.env.flush_all()
                self._open(page, self._path(lang, self._token_path(ticket)))
                self._submit(page, ".o_status_solved button[type=submit]")
                page.wait_for_selector(".o_status_rate_form")
                self._check(page, f"rate-{lang}")
