# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, items 1, 3 and 8, server side: replies while the ticket is
open by default, the conversation right after the status summary, the live
banner as a sticky region, *Last update* and what is new after a refresh,
empty fields hidden, no promise while the ticket waits on the customer, the
brand colour on the current step, the copy button."""

import html as html_lib
import re
from datetime import datetime, timedelta
from unittest import TestCase

from odoo import fields
from odoo.tests import tagged

from ..tools.colour import AA_TEXT_CONTRAST, contrast_ratio, readable_text_colour
from .test_customer_actions import StatusPageActionCommon

REFRESH_RE = re.compile(r'href="([^"]*\?seen=[^"#]*)#o_status_new"')


def _order(html, *markers):
    """Positions of ``markers`` in ``html`` (each must be there)."""
    positions = []
    for marker in markers:
        position = html.find(marker)
        if position < 0:
            raise AssertionError(f"{marker!r} is not in the view")
        positions.append(position)
    return positions


@tagged("post_install", "-at_install")
class TestRepliesWhileOpen(StatusPageActionCommon):
    """Item 1."""

    def test_new_page_lets_customers_reply_while_open(self):
        page = self.env["helpdesk.status.page"].create(
            {"name": "Fresh", "slug": "fresh-page"}
        )
        self.assertEqual(page.customer_reply, "open")
        self.assertEqual(self.page.customer_reply, "open")
        self.ticket.stage_id = self.stage_progress
        self.assertFalse(self.stage_progress.waiting_on_customer)
        self._grant()
        view = self._get(self._token_path()).text
        # Not waiting, no messages yet: the composer is there all the same.
        self.assertIn("o_status_reply_form", view)
        self.assertNotIn("o_status_action", view)
        self._act("reply", {"message": "Any news about my printer?"})
        self.assertEqual(len(self._customer_messages()), 1)
        view = self._get(self._token_path()).text
        self.assertIn("Any news about my printer?", view)
        self.assertIn("o_status_reply_form", view)
        # Closed: no composer.
        self.ticket.stage_id = self.stage_cancelled
        self.assertNotIn("o_status_reply_form", self._get(self._token_path()).text)

    def test_waiting_option_still_limits_replies(self):
        self.page.customer_reply = "waiting"
        self.ticket.stage_id = self.stage_progress
        self._grant()
        self.assertNotIn("o_status_reply_form", self._get(self._token_path()).text)
        self.ticket.stage_id = self.stage_awaiting
        view = self._get(self._token_path()).text
        self.assertIn("o_status_action", view)
        self.assertEqual(view.count('class="o_status_reply_form"'), 1)

    def test_conversation_comes_right_after_the_summary(self):
        self.ticket.stage_id = self.stage_progress
        self._grant()
        # No message: the composer closes the page, after the details.
        view = self._get(self._token_path()).text
        timeline, conversation = _order(
            view, "o_status_timeline", "o_status_conversation"
        )
        self.assertLess(timeline, conversation)
        self._agent_says("<p>We ordered the part.</p>")
        view = self._get(self._token_path()).text
        summary, conversation, timeline, description = _order(
            view,
            "o_status_summary_card",
            "o_status_conversation",
            "o_status_timeline",
            "o_status_description",
        )
        self.assertLess(summary, conversation)
        self.assertLess(conversation, timeline)
        self.assertLess(timeline, description)
        self.assertEqual(view.count("o_status_conversation_title"), 2)  # id, ref
        # The action card comes first.
        self.ticket.stage_id = self.stage_awaiting
        view = self._get(self._token_path()).text
        action, summary, conversation = _order(
            view, "o_status_action", "o_status_summary_card", "o_status_conversation"
        )
        self.assertLess(action, summary)
        self.assertLess(summary, conversation)
        # And so does the solved card.
        self.ticket.stage_id = self.stage_done
        view = self._get(self._token_path()).text
        solved, summary, conversation, timeline = _order(
            view,
            "o_status_solved",
            "o_status_summary_card",
            "o_status_conversation",
            "o_status_timeline",
        )
        self.assertLess(solved, summary)
        self.assertLess(summary, conversation)
        self.assertLess(conversation, timeline)


@tagged("post_install", "-at_install")
class TestLiveUpdates(StatusPageActionCommon):
    """Item 3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        cls.agent.tz = "UTC"
        cls.company.partner_id.tz = "UTC"

    def _last_update(self, view):
        return html_lib.unescape(
            re.search(r'class="o_status_last_update">([^<]*)<', view).group(1)
        )

    def _refresh_path(self, view):
        return html_lib.unescape(REFRESH_RE.search(view).group(1))

    def test_banner_is_one_named_sticky_region(self):
        view = self._grant().text
        self.assertEqual(view.count('role="region"'), 1)
        self.assertRegex(
            view,
            r'<div class="o_status_live alert alert-info" role="region"\s+'
            r'aria-labelledby="o_status_live_title" hidden="hidden"',
        )
        self.assertIn('id="o_status_live_title"', view)
        self.assertNotIn('role="alert"', view)
        self.assertRegex(
            view,
            r'class="visually-hidden o_status_live_status" role="status"'
            r' aria-live="polite"',
        )
        scss = self._read_module_file("static/src/scss/status_page.scss")
        self.assertRegex(scss, r"\.o_status_live \{\s+position: sticky;\s+top: 0;")

    def _read_module_file(self, path):
        from odoo.modules.module import get_module_path

        with open(f"{get_module_path('helpdesk_mgmt_status_page')}/{path}") as file:
            return file.read()

    def test_last_update_is_the_latest_visible_change(self):
        moved_at = datetime.now().replace(microsecond=0) + timedelta(days=1)
        with self.mock_datetime_and_now(moved_at):
            self.ticket.stage_id = self.stage_progress
            self.env.flush_all()
        self._grant()
        view = self._get(self._token_path()).text
        self.assertEqual(
            self._last_update(view), self.ticket._format_status_time(moved_at, "UTC")
        )
        answered_at = moved_at + timedelta(days=1, hours=3)
        with self.mock_datetime_and_now(answered_at):
            self._agent_says("<p>The part arrived.</p>")
            self.env.flush_all()
        # An internal note later still is no visible change.
        with self.mock_datetime_and_now(answered_at + timedelta(hours=2)):
            self.ticket.with_user(self.agent).message_post(
                body="Check the fuser", subtype_xmlid="mail.mt_note"
            )
            self.env.flush_all()
        view = self._get(self._token_path()).text
        self.assertEqual(
            self._last_update(view),
            self.ticket._format_status_time(answered_at, "UTC"),
        )
        # Older messages shown: the latest one still counts.
        for index in range(21):
            with self.mock_datetime_and_now(moved_at - timedelta(hours=index + 1)):
                self._agent_says(f"<p>Old {index}</p>")
        self.env.flush_all()
        before = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)],
            order="id desc",
            limit=1,
        )
        view = self._get(f"{self._token_path()}?before={before.id}").text
        self.assertIn("Old 0", view)
        self.assertNotIn("The part arrived.", view)
        self.assertEqual(
            self._last_update(view),
            self.ticket._format_status_time(answered_at, "UTC"),
        )

    def test_refresh_lands_on_the_first_new_item(self):
        self.ticket.stage_id = self.stage_progress
        self._agent_says("<p>We ordered the part.</p>")
        view = self._grant().text
        self.assertNotIn('id="o_status_new"', view)
        refresh = self._refresh_path(view)
        self.assertTrue(refresh.startswith(f"{self._token_path()}?seen="))
        # An agent answers twice: the first answer is where the view lands.
        first = self._agent_says("<p>The part arrived.</p>")
        self._agent_says("<p>Fitting it now.</p>")
        view = self._get(refresh).text
        self.assertEqual(view.count('id="o_status_new"'), 1)
        self.assertRegex(
            view, r'<article id="o_status_new" tabindex="-1"[^>]*o_status_is_new'
        )
        landing = view[view.index('id="o_status_new"') :]
        self.assertLess(landing.index("The part arrived."), landing.index("Fitting"))
        self.assertEqual(view.count(">New</span>"), 2)
        self.assertNotIn("We ordered the part.", landing)
        self.assertIn(f'data-copy="{self.ticket.number}"', view)
        self.assertTrue(first)
        # The status moved since: the summary comes first on the page.
        view = self._get(self._token_path()).text
        refresh = self._refresh_path(view)
        self.ticket.stage_id = self.stage_awaiting
        self._agent_says("<p>Please send a photo.</p>")
        view = self._get(refresh).text
        self.assertEqual(view.count('id="o_status_new"'), 1)
        self.assertRegex(view, r'<section id="o_status_new" tabindex="-1"')
        self.assertIn("o_status_summary_card o_status_is_new", view)
        # The status, and the message in the action card and in the
        # conversation: marked in both places, one landing.
        self.assertGreaterEqual(view.count(">New</span>"), 3)
        # Nothing new: nothing marked.
        view = self._get(self._refresh_path(view)).text
        self.assertNotIn(">New</span>", view)

    def test_a_status_change_in_the_same_second_is_new(self):
        # The history keeps seconds: a view and the next move within one
        # second still tell the move as new.
        with self.mock_datetime_and_now(fields.Datetime.now()):
            self.ticket.stage_id = self.stage_progress
            refresh = self._refresh_path(self._grant().text)
            self.ticket.stage_id = self.stage_awaiting
            view = self._get(refresh).text
        self.assertRegex(view, r'<section id="o_status_new" tabindex="-1"')

    def test_bad_seen_marks_nothing(self):
        self._agent_says("<p>Hello</p>")
        self._grant()
        for seen in ("abc", "1", "1.x", "9" * 13 + ".1", "1." + "9" * 18, "-1.-1"):
            with self.subTest(seen=seen):
                response = self._get(f"{self._token_path()}?seen={seen}")
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(">New</span>", response.text)
        view = self._get(f"{self._token_path()}?seen=0.0").text
        self.assertIn('id="o_status_new"', view)


@tagged("post_install", "-at_install")
class TestSmallerPoints(StatusPageActionCommon):
    """Item 8."""

    def _add_field(self, name, label):
        self.env["helpdesk.status.page.field"].create(
            {
                "page_id": self.page.id,
                "field_id": self.env["ir.model.fields"]
                ._get("helpdesk.ticket", name)
                .id,
                "label": label,
            }
        )

    def test_copy_button(self):
        view = self._grant().text
        button = re.search(r"<button[^>]*o_status_copy[^>]*>.*?</button>", view, re.S)
        self.assertIn('aria-label="Copy the ticket number"', button.group(0))
        self.assertIn('class="fa fa-copy"', button.group(0))
        self.assertNotIn("btn-sm", button.group(0))

    def test_empty_fields_hidden_by_default(self):
        self.assertTrue(self.page.hide_empty_fields)
        self._add_field("name", "Subject")
        self._add_field("tag_ids", "Tags")
        self._add_field("category_id", "Category")
        view = self._grant().text
        self.assertIn(">Subject</dt>", view)
        self.assertNotIn(">Tags</dt>", view)
        self.assertNotIn(">Category</dt>", view)
        # Nothing with a value: no Details card at all.
        self.env["helpdesk.status.page.field"].search(
            [("page_id", "=", self.page.id), ("label", "=", "Subject")]
        ).unlink()
        self.assertNotIn(">Details</h2>", self._get(self._token_path()).text)
        self.page.hide_empty_fields = False
        view = self._get(self._token_path()).text
        self.assertRegex(view, r">Tags</dt>\s*<dd dir=\"auto\">—</dd>")
        self.assertIn(">Category</dt>", view)

    def test_no_promise_while_waiting_on_customer(self):
        self.page.write({"promise_mode": "days", "promise_days": 14})
        self.ticket.stage_id = self.stage_progress
        view = self._grant().text
        self.assertIn("We will answer by", view)
        self.ticket.stage_id = self.stage_awaiting
        view = self._get(self._token_path()).text
        self.assertIn("o_status_action", view)
        self.assertNotIn("We will answer by", view)
        self.assertNotIn("o_status_promise", view)
        self.ticket.stage_id = self.stage_progress
        self.assertIn("We will answer by", self._get(self._token_path()).text)

    def test_brand_colour_marks_current_step_readably(self):
        self.page.brand_color = "#ffcc00"  # pale: darkened for text
        view = self._grant().text
        text_colour = readable_text_colour("#ffcc00")
        self.assertIn(f"--o-status-brand-text: {text_colour}", view)
        self.assertIn(
            ".o_status_step_current .o_status_step_label "
            "{ color: var(--o-status-brand-text); }",
            view,
        )
        self.assertRegex(view, r'o_status_step_current"\s+aria-current="step"')


class TestColourTool(TestCase):
    """The brand colour's readable shade (no database)."""

    def test_readable_text_colour(self):
        self.assertAlmostEqual(contrast_ratio("#000", "#fff"), 21, places=5)
        self.assertAlmostEqual(contrast_ratio("#fff", "#fff"), 1)
        # Dark enough already: unchanged.
        self.assertEqual(readable_text_colour("#0a6ebd"), "#0a6ebd")
        for colour in ("#ffcc00", "#fff", "#1f8a70", "#e83e8c", "#abc"):
            with self.subTest(colour=colour):
                shade = readable_text_colour(colour)
                self.assertRegex(shade, r"^#[0-9a-f]{6}$")
                self.assertGreaterEqual(contrast_ratio(shade, "#fff"), AA_TEXT_CONTRAST)
                # Just enough: one step lighter would not pass.
                self.assertNotEqual(shade, "#000000")
