# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, items 1 and 3, in a real browser at phone width, left to right
and right to left: the customer replies on an open ticket that does not wait
on them, scrolls down, an agent answers, the banner shows in view where the
customer is, *Refresh* lands on the new message marked "New"; axe-core finds
nothing on every view passed (see ``common_browser.py``)."""

from markupsafe import Markup

from odoo.tests import new_test_user, tagged

from .common_browser import LANGS, StatusPageBrowserMixin
from .test_status_page_http import StatusPageHttpCommon

PHONE = {"width": 390, "height": 800}

# The "New" mark as the page writes it (shipped translations).
NEW_LABEL = {"en": "New", "ar": "جديد"}


@tagged("post_install", "-at_install")
class TestLiveBannerBrowser(StatusPageBrowserMixin, StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="hsp_live_agent",
            name="Agent Amal",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.page.write(
            {
                "verification_method": "match",
                "contact_url": "https://example.com/contact",
                "brand_color": "#0a6ebd",
            }
        )

    def _agent_says(self, ticket, body):
        ticket.with_user(self.agent).message_post(
            body=Markup(body),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.env.flush_all()

    def _in_view(self, page, selector):
        """Whether the element is wholly inside the viewport."""
        box = page.locator(selector).bounding_box()
        return (
            box is not None
            and box["y"] >= 0
            and box["y"] + box["height"] <= PHONE["height"]
        )

    def test_reply_then_banner_while_scrolled_then_land_on_new(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(
                    stage_id=self.stage_progress.id, user_id=self.agent.id
                )
                for index in range(4):
                    self._agent_says(
                        ticket,
                        f"<p>Update {index}: we are testing the printer's fuser, "
                        "its drum and its paper path, one part after another.</p>",
                    )
                page = self._new_page(PHONE)
                self._open(page, self._path(lang, self._token_path(ticket)))
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".o_status_timeline")
                # Open, not waiting on the customer: the composer is there,
                # in the conversation, which follows the status summary.
                self.assertFalse(page.locator(".o_status_action").count())
                composer = ".o_status_conversation .o_status_reply_form"
                self.assertTrue(page.locator(composer).is_visible())
                copy = page.locator(".o_status_copy")
                if copy.is_visible():
                    box = copy.bounding_box()
                    self.assertGreaterEqual(min(box["width"], box["height"]), 44)
                self._check(page, f"conv-ticket-{lang}")

                page.fill("#o_status_reply_message", "The paper jams again.")
                self._submit(page, f"{composer} button[type=submit]")
                page.wait_for_selector(".o_status_notice")
                self.assertIn(
                    "The paper jams again.",
                    page.locator(".o_status_message_customer").last.inner_text(),
                )
                self._check(page, f"conv-replied-{lang}")

                # Scrolled to the bottom, an agent answers.
                page.evaluate(
                    "document.querySelector('.o_status_page')"
                    ".lastElementChild.scrollIntoView({block: 'end'})"
                )
                self.assertFalse(self._in_view(page, ".o_status_summary_card"))
                self.assertFalse(page.locator(".o_status_live").is_visible())
                self._agent_says(ticket, "<p>A new roller is on its way.</p>")
                # The poll runs every 30 s, and when the tab shows again.
                page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
                page.wait_for_selector(".o_status_live", state="visible")
                self.assertTrue(self._in_view(page, ".o_status_live"))
                self.assertFalse(self._in_view(page, ".o_status_summary_card"))
                self.assertEqual(page.locator("[role=region]").count(), 1)
                self.assertEqual(
                    page.locator(".o_status_live_status").inner_text().strip(),
                    page.locator("#o_status_live_title").inner_text().strip(),
                )
                self.assertEqual(page.locator("[role=alert]").count(), 0)
                self._check(page, f"conv-banner-{lang}")
                # The screenshots (HSP_SCREENSHOT_DIR) resize the page: back
                # to the bottom.
                page.evaluate(
                    "document.querySelector('.o_status_page')"
                    ".lastElementChild.scrollIntoView({block: 'end'})"
                )
                self.assertTrue(self._in_view(page, ".o_status_live"))

                self._submit(page, ".o_status_live_refresh")
                landing = page.locator("#o_status_new")
                landing.wait_for()
                # The script (in a lazy bundle) focuses the landing, then
                # drops the refresh's mark from the address.
                page.wait_for_function("!window.location.search.includes('seen=')")
                self.assertIn("A new roller is on its way.", landing.inner_text())
                badge = landing.locator(".o_status_new_badge")
                self.assertTrue(badge.is_visible())
                self.assertEqual(badge.inner_text().strip(), NEW_LABEL[lang])
                self.assertTrue(self._in_view(page, "#o_status_new header"))
                self.assertEqual(
                    page.evaluate("document.activeElement.id"), "o_status_new"
                )
                self.assertFalse(page.locator(".o_status_live").is_visible())
                # Only the agent's new answer is new; the reply before it is not.
                self.assertEqual(page.locator(".o_status_new_badge").count(), 1)
                self._check(page, f"conv-new-{lang}")
