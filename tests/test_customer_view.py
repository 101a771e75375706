# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import datetime

from odoo.tests import tagged

from ..tools import html as html_tools
from .test_customer_actions import PNG, StatusPageActionCommon

OUTCOME_RE = re.compile(r'<dd class="o_status_outcome[^"]*">(.*?)</dd>', re.DOTALL)


@tagged("post_install", "-at_install")
class TestCustomerSummary(StatusPageActionCommon):
    """The summary never contradicts the timeline (issue 21, item 4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_archived = cls.env["helpdesk.ticket.stage"].create(
            {"name": "Archived", "closed": True, "main_status": "closed"}
        )

    def setUp(self):
        super().setUp()
        # Created on January 1st: every move of the test comes after.
        self.ticket.status_log_ids.sudo().date = datetime(2026, 1, 1, 8, 0)

    def _move(self, stage, day):
        """Move the ticket to ``stage`` on January ``day``, 2026, 08:00."""
        self.ticket.stage_id = stage
        log = (
            self.env["helpdesk.ticket.status.log"]
            .sudo()
            .search([("ticket_id", "=", self.ticket.id)], order="id desc", limit=1)
        )
        log.date = datetime(2026, 1, day, 8, 0)

    def _values(self):
        self.ticket.user_id = False
        self.company.partner_id.tz = False
        return self.ticket.with_context(lang="en_US")._get_status_page_values(self.page)

    def _states(self, values):
        return {step["status"]: step["state"] for step in values["timeline"]}

    def _outcome_html(self):
        html = self._get(self._token_path()).text
        return [
            " ".join(re.sub(r"<[^>]+>", "", dd).split())
            for dd in OUTCOME_RE.findall(html)
        ], html

    def test_cancelled_says_closed_never_resolved(self):
        self._move(self.stage_cancelled, 2)
        self.ticket.user_id = False
        self.company.partner_id.tz = False
        self._grant()
        outcome, html = self._outcome_html()
        self.assertNotIn("Resolved on", html)
        self.assertEqual(outcome, ["Closed on Jan 2, 2026, 8:00 AM."])
        values = self._values()
        self.assertEqual(self._states(values)["resolved"], "skipped")
        self.assertEqual(
            [(o["status"], o["date_display"]) for o in values["outcome"]],
            [("closed", "Jan 2, 2026, 8:00 AM")],
        )

    def test_closed_without_resolution(self):
        self._move(self.stage_progress, 2)
        self._move(self.stage_archived, 3)
        values = self._values()
        self.assertEqual(self._states(values)["resolved"], "skipped")
        self.assertEqual([o["status"] for o in values["outcome"]], ["closed"])
        self._grant()
        outcome, html = self._outcome_html()
        self.assertEqual(outcome, ["Closed on Jan 3, 2026, 8:00 AM."])
        self.assertNotIn("Resolved on", html)

    def test_resolved_then_closed_says_both(self):
        self._move(self.stage_done, 2)
        values = self._values()
        self.assertEqual(
            [(o["status"], o["date_display"]) for o in values["outcome"]],
            [("resolved", "Jan 2, 2026, 8:00 AM")],
        )
        self._move(self.stage_archived, 4)
        values = self._values()
        self.assertEqual(self._states(values)["resolved"], "done")
        self.assertEqual(
            [(o["status"], o["date_display"]) for o in values["outcome"]],
            [("resolved", "Jan 2, 2026, 8:00 AM"), ("closed", "Jan 4, 2026, 8:00 AM")],
        )
        self.assertFalse(values["reopened"])

    def test_reopened_keeps_the_resolution_as_history(self):
        self._move(self.stage_progress, 2)
        self._move(self.stage_done, 3)
        self._move(self.stage_progress, 5)
        values = self._values()
        resolved = values["timeline"][2]
        self.assertEqual(resolved["state"], "upcoming")
        self.assertFalse(resolved["date"])
        history = "Resolved on Jan 3, 2026, 8:00 AM, reopened on Jan 5, 2026, 8:00 AM."
        self.assertEqual(resolved["history_display"], history)
        self.assertEqual(values["reopened"], [history])
        self.assertFalse(values.get("outcome"))
        self._grant()
        html = self._get(self._token_path()).text
        self.assertNotIn("o_status_outcome", html)
        self.assertIn(f'<dd class="o_status_reopened">{history}</dd>', html)
        self.assertIn(f'class="o_status_step_history text-muted small">{history}', html)

    def test_resolved_again_after_reopening(self):
        self._move(self.stage_done, 2)
        self._move(self.stage_progress, 3)
        self._move(self.stage_done, 6)
        values = self._values()
        self.assertEqual(values["timeline"][2]["date"], datetime(2026, 1, 6, 8, 0))
        self.assertEqual(
            [o["date_display"] for o in values["outcome"]], ["Jan 6, 2026, 8:00 AM"]
        )
        self.assertFalse(values["reopened"])

    def test_reopened_then_cancelled(self):
        self._move(self.stage_done, 2)
        self._move(self.stage_progress, 3)
        self._move(self.stage_cancelled, 4)
        values = self._values()
        resolved = values["timeline"][2]
        self.assertEqual(resolved["state"], "skipped")
        self.assertEqual(
            resolved["history_display"],
            "Resolved on Jan 2, 2026, 8:00 AM, reopened on Jan 3, 2026, 8:00 AM.",
        )
        self.assertEqual([o["status"] for o in values["outcome"]], ["closed"])


@tagged("post_install", "-at_install")
class TestCustomerViewText(StatusPageActionCommon):
    def test_mixed_direction_text_gets_dir_auto(self):
        """An Arabic page shows English messages, descriptions and values
        in their own direction (issue 21, item 5)."""
        self.stage_progress.customer_description = "We check the VAT number?"
        self.ticket.stage_id = self.stage_progress
        self.env["helpdesk.status.page.field"].create(
            {
                "page_id": self.page.id,
                "field_id": self.env["ir.model.fields"]
                ._get("helpdesk.ticket", "name")
                .id,
                "label": "Subject",
            }
        )
        self._agent_says("<p>Send the VAT number?</p>")
        self._grant()
        html = self._get(self._token_path()).text
        for css_class in ("o_status_message_body", "o_status_now", "o_status_current"):
            with self.subTest(css_class=css_class):
                self.assertRegex(html, rf'class="{css_class}[^"]*"\s+dir="auto"')
        self.assertRegex(html, r'<dd dir="auto">Printer on fire</dd>')


@tagged("post_install", "-at_install")
class TestCustomerFiles(StatusPageActionCommon):
    """Only the files that reached the customer, and those an agent shares
    (issue 21, item 7)."""

    def setUp(self):
        super().setUp()
        self.page.allow_attachment_download = True
        Attachment = self.env["ir.attachment"]
        # Made with the ticket (as the website form does): reached them.
        self.with_request = Attachment.create(
            {
                "name": "photo.png",
                "raw": PNG,
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        self.public = self._agent_says(
            "Your invoice", attachments=[("invoice.pdf", b"%PDF-1.4 public")]
        ).attachment_ids
        # Dropped in the chatter's attachment box by an agent, later.
        self.cost_sheet = Attachment.with_user(self.agent).create(
            {
                "name": "cost sheet.xlsx",
                "raw": b"internal margins",
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        # Generated later by the ticket's creator: a report.
        self.report = Attachment.create(
            {
                "name": "report.pdf",
                "raw": b"%PDF-1.4 report",
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        self.env.cr.execute(
            "UPDATE ir_attachment SET create_date = create_date + interval '1 hour'"
            " WHERE id = %s",
            [self.report.id],
        )
        self.report.invalidate_recordset()

    def _download(self, attachment):
        return self._get(f"{self._token_path()}/attachment/{attachment.id}")

    def test_chatter_files_and_reports_are_not_offered(self):
        offered = self.ticket._get_status_page_attachments()
        self.assertIn(self.with_request.id, offered)
        self.assertIn(self.public.id, offered)
        self.assertNotIn(self.cost_sheet.id, offered)
        self.assertNotIn(self.report.id, offered)
        self._grant()
        html = self._get(self._token_path()).text
        self.assertIn("photo.png", html)
        self.assertNotIn("cost sheet", html)
        self.assertNotIn("report.pdf", html)
        # IDOR: an unshared file of this very ticket, by id.
        for attachment in (self.cost_sheet, self.report):
            with self.subTest(attachment=attachment.name):
                response = self._download(attachment)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(b"internal margins", response.content)
        self.assertEqual(self._download(self.with_request).content, PNG)
        self.assertEqual(self._download(self.public).content, b"%PDF-1.4 public")

    def test_customer_reply_files_are_offered(self):
        self.ticket.stage_id = self.stage_awaiting
        self._grant()
        self._act(
            "reply",
            {"message": "Here it is"},
            files=[("files", ("serial.png", PNG, "image/png"))],
        )
        upload = self._customer_messages().attachment_ids
        self.assertTrue(upload)
        self.assertIn(upload.id, self.ticket._get_status_page_attachments())
        self.assertEqual(self._download(upload).content, PNG)

    def test_agent_shares_a_file_explicitly(self):
        self.assertFalse(self.cost_sheet.status_page_reached)
        self.assertTrue(self.public.status_page_reached)
        self.assertTrue(self.with_request.status_page_reached)
        # The ticket form lists the ticket's files with the switch.
        arch = self.env["helpdesk.ticket"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="status_page_shared"', arch)
        self.assertIn('name="status_page_reached"', arch)
        self.ticket.with_user(self.agent).write(
            {"attachment_ids": [(1, self.report.id, {"status_page_shared": True})]}
        )
        self.assertTrue(self.report.status_page_shared)
        self.assertIn(self.report.id, self.ticket._get_status_page_attachments())
        self._grant()
        self.assertIn("report.pdf", self._get(self._token_path()).text)
        self.assertEqual(self._download(self.report).content, b"%PDF-1.4 report")
        self.assertEqual(self._download(self.cost_sheet).status_code, 404)
        # The page still decides whether downloads exist at all.
        self.page.allow_attachment_download = False
        self.assertEqual(self._download(self.report).status_code, 404)
        self.assertNotIn("report.pdf", self._get(self._token_path()).text)


@tagged("post_install", "-at_install")
class TestCustomerViewWritesNothing(StatusPageActionCommon):
    def test_page_view_never_writes_the_ticket(self):
        """A view records the visit apart; the ticket row is untouched
        (issue 21, item 11)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET write_date = '2020-01-01 00:00:00',"
            " write_uid = %s WHERE id = %s",
            [self.agent.id, self.ticket.id],
        )
        self.ticket.invalidate_recordset()
        self._grant()
        self._get(self._token_path())
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.write_date, datetime(2020, 1, 1))
        self.assertEqual(self.ticket.write_uid, self.agent)
        self.assertTrue(self.ticket.status_page_last_view)
        self.assertEqual(
            self.env["helpdesk.status.page.visit"]
            .sudo()
            .search_count([("ticket_id", "=", self.ticket.id)]),
            1,
        )
        # Agents read it, without access to the visits themselves.
        self.assertTrue(self.ticket.with_user(self.agent).status_page_last_view)


@tagged("post_install", "-at_install")
class TestCaches(StatusPageActionCommon):
    """Caches stay right and bounded (issue 21, item 12)."""

    def test_brand_follows_a_logo_changed_through_the_partner(self):
        Page = self.env["helpdesk.status.page"]
        company = self.env["res.company"].create({"name": "Logo Co"})
        self.assertFalse(Page._get_company_brand(company.id)["logo_url"])
        company.partner_id.image_1920 = base64.b64encode(PNG)
        self.assertFalse(company.uses_default_logo)
        self.assertTrue(Page._get_company_brand(company.id)["logo_url"])

    def test_cached_property_definition_cannot_be_altered(self):
        Team = self.env["helpdesk.ticket.team"]
        self.team.ticket_properties = [
            {
                "name": "size",
                "string": "Size",
                "type": "selection",
                "selection": [["s", "Small"], ["l", "Large"]],
            },
        ]
        definition = Team._get_status_properties_definition(self.team.id)
        for alter in (
            lambda d: d.append({"name": "x", "type": "char"}),
            lambda d: d[0].update(string="Hacked"),
            lambda d: d[0]["selection"].append(["x", "X"]),
        ):
            try:
                alter(definition)
            except (AttributeError, TypeError, NotImplementedError):
                continue
            self.fail("the cached definition was altered")
        again = Team._get_status_properties_definition(self.team.id)
        self.assertEqual(len(again), 1)
        self.assertEqual(again[0]["string"], "Size")
        self.assertEqual(len(again[0]["selection"]), 2)
        # What the page shows is unaffected and still formatted.
        self.ticket.properties = {"size": "l"}
        self.env["helpdesk.status.page.field"].create(
            {
                "page_id": self.page.id,
                "field_id": self.env["ir.model.fields"]
                ._get("helpdesk.ticket", "properties")
                .id,
                "property_name": "size",
            }
        )
        shown = dict(self.ticket._get_status_page_values(self.page)["fields"])
        self.assertEqual(shown["Size"], "Large")

    def test_very_large_bodies_are_not_cached(self):
        cached = getattr(
            html_tools,
            "_sanitize_html_cached",
            html_tools.sanitize_html,
        )
        cached.cache_clear()
        small = html_tools.sanitize_html("<p>small</p>")
        self.assertEqual(str(small), "<p>small</p>")
        big = "<p>" + "x" * 500_000 + "</p>"
        self.assertIn("xxx", html_tools.sanitize_html(big))
        self.assertEqual(cached.cache_info().currsize, 1)
