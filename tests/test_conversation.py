# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .test_customer_actions import PNG, StatusPageActionCommon


@tagged("post_install", "-at_install")
class TestConversation(StatusPageActionCommon):
    def _conversation(self, **kwargs):
        return self.ticket._get_status_conversation(self.page, **kwargs)

    def test_only_public_messages_oldest_first(self):
        self.page.notify_delay = 0
        self._agent_says("<p>First answer</p>")
        self.ticket.with_user(self.agent).message_post(
            body="Internal note", subtype_xmlid="mail.mt_note"
        )
        self.ticket._message_log(body="System notification")
        self.ticket.stage_id = self.stage_progress  # tracking + status e-mail
        self.env["helpdesk.status.page.challenge"]._send_code(
            self.page, self.ticket, "email"
        )
        code = self._last_code()
        self.ticket.message_post(
            body="Mail from the customer",
            author_id=self.partner.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        self._agent_says("<p>Second answer</p>")
        messages = self._conversation()["messages"]
        self.assertEqual(
            [str(m["body"]) for m in messages],
            [
                "<p>First answer</p>",
                "<p>Mail from the customer</p>",
                "<p>Second answer</p>",
            ],
        )
        self.assertEqual(
            [m["author"] for m in messages], ["Agent Smith", "You", "Agent Smith"]
        )
        self.assertEqual(self._conversation()["latest_agent"]["id"], messages[-1]["id"])
        self.assertNotIn(code, str(messages))

    def test_team_name_when_page_says_so(self):
        self.page.agent_display = "team"
        self._agent_says("Hello")
        self.assertEqual(self._conversation()["messages"][0]["author"], "Status team")

    def test_latest_twenty_then_older(self):
        for index in range(25):
            self._agent_says(f"Message {index}")
        latest = self._conversation()
        self.assertEqual(len(latest["messages"]), 20)
        self.assertIn("Message 24", latest["messages"][-1]["body"])
        self.assertIn("Message 5", latest["messages"][0]["body"])
        older = self._conversation(before=latest["older"])
        self.assertEqual(len(older["messages"]), 5)
        self.assertFalse(older["older"])
        self.assertTrue(older["newer"])

    def test_attachments_of_public_messages_only(self):
        public = self._agent_says(
            "Invoice", attachments=[("invoice.pdf", b"%PDF-1.4 public")]
        )
        note = self.ticket.message_post(
            body="Note",
            subtype_xmlid="mail.mt_note",
            attachments=[("secret.pdf", b"%PDF-1.4 secret")],
        )
        allowed = self.ticket._get_status_page_attachments()
        self.assertIn(public.attachment_ids.id, allowed)
        self.assertNotIn(note.attachment_ids.id, allowed)
        message = self._conversation()["messages"][0]
        self.assertEqual(
            [(file["id"], file["name"]) for file in message["attachments"]],
            [(public.attachment_ids.id, "invoice.pdf")],
        )

    def test_view_shows_conversation_escaped_with_older_link(self):
        self._agent_says("Hi <script>alert(1)</script><b>there</b>")
        self.ticket.message_post(
            body="<b>Plain</b> text",
            author_id=self.partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._grant()
        html = self._get(self._token_path()).text
        self.assertIn("o_status_conversation", html)
        self.assertIn("<b>there</b>", html)
        self.assertNotIn("alert(1)", html)
        self.assertIn("&lt;b&gt;Plain&lt;/b&gt; text", html)
        for index in range(20):
            self._agent_says(f"More {index}")
        html = self._get(self._token_path()).text
        self.assertIn("?before=", html)
        self.assertNotIn("<b>there</b>", html)
        older = self._conversation()["older"]
        html = self._get(f"{self._token_path()}?before={older}").text
        self.assertIn("<b>there</b>", html)
        self.assertIn("Latest messages", html)

    def test_view_queries_constant_with_messages(self):
        """0 or 60 messages with files: the same number of queries."""
        self.page.allow_attachment_download = True
        self.ticket.stage_id = self.stage_awaiting
        self._grant()
        path = self._token_path()
        empty = self._view_queries(path)
        for index in range(30):
            self._agent_says(f"Agent {index}", attachments=[(f"a{index}.png", PNG)])
            self.ticket._post_status_message(f"Customer {index}")
        full = self._view_queries(path)
        self.assertEqual(empty, full)
        with self.assertQueryCount(full):
            self._get(path)
