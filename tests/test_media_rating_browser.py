# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A customer's phone, in English and Arabic (right to left), in a real
browser: attaches a photo to a reply and sees its thumbnail, rates with the
stars by keyboard, and after the reopen window asks a follow-up question;
axe-core finds no violation on any view passed (see
``common_browser.py`` for the browser and axe set-up)."""

import io
from datetime import datetime, timedelta

from PIL import Image

from odoo.tests import tagged

from .common_browser import LANGS, PHONE
from .test_accessibility import TestStatusPageAccessibility


def make_photo():
    data = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 120, 200)).save(data, "JPEG")
    return data.getvalue()


@tagged("post_install", "-at_install")
class TestMediaRatingBrowser(TestStatusPageAccessibility):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"verification_method": "match", "customer_reply": "open"})

    def _phone(self):
        return self._new_page(PHONE)

    def _verify(self, page, lang, ticket):
        self._open(page, self._path(lang, self._token_path(ticket)))
        page.fill("#o_status_contact", "customer@example.com")
        self._submit(page, ".o_status_form button[type=submit]")
        page.wait_for_selector(".o_status_timeline")

    def _tab_to(self, page, selector, limit=60):
        """Press Tab until the focus is on an element matching ``selector``."""
        for _press in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(
                "(selector) => document.activeElement.matches(selector)", selector
            ):
                return
        self.fail(f"Tab never reached {selector}")

    def test_photo_reply_shows_thumbnail(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                self.env.flush_all()
                page = self._phone()
                self._verify(page, lang, ticket)
                self._check(page, f"media-reply-{lang}")
                page.fill("#o_status_reply_message", "Here is a photo of the label.")
                page.set_input_files(
                    "#o_status_reply_files",
                    files=[
                        {
                            "name": "label.jpg",
                            "mimeType": "image/jpeg",
                            "buffer": make_photo(),
                        }
                    ],
                )
                self._submit(page, ".o_status_reply_form button[type=submit]")
                image = page.wait_for_selector(
                    ".o_status_message_customer .o_status_thumbnail img"
                )
                self.assertEqual(image.get_attribute("alt"), "label.jpg")
                image.scroll_into_view_if_needed()
                page.wait_for_function(
                    "(img) => img.complete && img.naturalWidth > 0", arg=image
                )
                width = image.evaluate("(img) => img.naturalWidth")
                self.assertLessEqual(width, 512)
                self.assertGreater(width, 0)
                self.assertEqual(page.locator("img[alt='label.jpg']").count(), 1)
                self._check(page, f"media-thumbnail-{lang}")

    def test_rate_with_stars_by_keyboard(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_done.id)
                self.env.flush_all()
                page = self._phone()
                self._verify(page, lang, ticket)
                self._submit(page, ".o_status_solved button[type=submit]")
                page.wait_for_selector(".o_status_stars")
                self._check(page, f"rate-stars-{lang}")
                self._tab_to(page, "input[name=rating]")
                page.keyboard.press("Space")
                for _press in range(3):
                    page.keyboard.press("ArrowDown")
                self.assertTrue(page.is_checked("#o_status_rating_4"))
                self.assertEqual(
                    page.evaluate("document.activeElement.id"), "o_status_rating_4"
                )
                # The focus shows around the chosen star.
                outline = page.evaluate(
                    "getComputedStyle(document.querySelector("
                    "'label[for=o_status_rating_4]')).outlineStyle"
                )
                self.assertEqual(outline, "solid")
                self._tab_to(page, ".o_status_rate_form button[type=submit]")
                with page.expect_navigation(wait_until="load"):
                    page.keyboard.press("Enter")
                page.wait_for_selector(".o_status_rated_score")
                self.assertIn("4", page.inner_text(".o_status_rated_score"))
                self._check(page, f"rated-{lang}")
                rating = self.env["rating.rating"].search(
                    [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
                )
                self.assertEqual(rating.rating, 4)

    def test_followup_after_reopen_window(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                with self.mock_datetime_and_now(datetime.now() - timedelta(days=20)):
                    ticket = self._create_ticket(stage_id=self.stage_done.id)
                self.env.flush_all()
                page = self._phone()
                self._verify(page, lang, ticket)
                page.wait_for_selector(".o_status_followup_form")
                self._check(page, f"followup-form-{lang}")
                page.fill("#o_status_followup_question", "It smokes again.")
                self._submit(page, ".o_status_followup_form button[type=submit]")
                page.wait_for_selector(".o_status_timeline")
                followup = self.env["helpdesk.ticket"].search(
                    [("status_followup_of_id", "=", ticket.id)]
                )
                self.assertEqual(len(followup), 1)
                self.assertTrue(page.url.endswith(followup.status_token))
                self.assertIn(followup.number, page.inner_text(".o_status_number"))
                self.assertEqual(page.locator(".o_status_notice").count(), 1)
                self._check(page, f"followup-ticket-{lang}")
