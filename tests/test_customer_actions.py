# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import timedelta

from markupsafe import Markup

from odoo import fields
from odoo.tests import new_test_user, tagged

from .test_status_page_http import CSRF_RE, StatusPageHttpCommon

NONCE_RE = re.compile(r'name="nonce"\s+value="([^"]+)"')
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class StatusPageActionCommon(StatusPageHttpCommon):
    """A verified customer acting on the ticket view."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="hsp_agent",
            name="Agent Smith",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.ticket.write({"user_id": cls.agent.id})
        cls.ticket.message_subscribe(partner_ids=cls.agent.partner_id.ids)

    def _agent_says(self, body, ticket=None, **kwargs):
        return (
            (ticket or self.ticket)
            .with_user(self.agent)
            .message_post(
                body=Markup(body),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                **kwargs,
            )
        )

    def _form_tokens(self, ticket=None):
        html = self._get(self._token_path(ticket)).text
        nonce = NONCE_RE.search(html)
        return CSRF_RE.search(html).group(1), nonce and nonce.group(1)

    def _act(self, action, data=None, files=None, ticket=None, nonce=None):
        """POST one action with the view's CSRF token and form nonce; the
        redirect is not followed."""
        csrf, form_nonce = self._form_tokens(ticket)
        return self.url_open(
            f"{self._token_path(ticket)}/{action}",
            data={"csrf_token": csrf, "nonce": nonce or form_nonce, **(data or {})},
            files=files,
            allow_redirects=False,
        )

    def _customer_messages(self, ticket=None):
        ticket = ticket or self.ticket
        return ticket.message_ids.filtered(
            lambda m: m.author_id == ticket.partner_id and m.message_type == "comment"
        )


@tagged("post_install", "-at_install")
class TestCustomerActions(StatusPageActionCommon):
    def test_reply_while_waiting_moves_ticket_and_notifies_agent(self):
        self.ticket.stage_id = self.stage_awaiting
        self._agent_says("<p>Which model is it?</p>")
        self._grant()
        view = self._get(self._token_path()).text
        self.assertIn("o_status_action", view)
        self.assertIn("Please answer our question below.", view)
        self.assertIn("Which model is it?", view)
        response = self._act(
            "reply",
            {"message": "A LaserJet 2100.\nSecond line."},
            files=[("files", ("label.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            response.headers["Location"].rsplit("/", 1)[1], self.ticket.status_token
        )
        message = self._customer_messages()
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn("A LaserJet 2100.<br>Second line.", message.body)
        self.assertEqual(message.attachment_ids.mapped("name"), ["label.png"])
        self.assertIn(self.agent.partner_id, message.notification_ids.res_partner_id)
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        self.assertEqual(self.ticket.status_log_ids[:1].stage_id, self.stage_progress)
        self.assertTrue(self.ticket.status_customer_replied)
        view = self._get(self._token_path()).text
        self.assertIn("Your message was sent", view)
        self.assertIn("You", view)
        self.assertNotIn("o_status_action", view)
        # The photo downloads through the attachment route.
        self.page.allow_attachment_download = True
        file = self._get(f"{self._token_path()}/attachment/{message.attachment_ids.id}")
        self.assertEqual(file.content, PNG)

    def test_reply_depends_on_page_option(self):
        self.page.customer_reply = "waiting"
        self._grant()
        self.ticket.stage_id = self.stage_progress
        self.assertNotIn("o_status_reply_form", self._get(self._token_path()).text)
        response = self._act("reply", {"message": "Hi"}, nonce="n" * 20)
        self.assertEqual(response.status_code, 303)
        self.assertIn("not possible", self._get(self._token_path()).text)
        self.assertFalse(self._customer_messages())
        self.page.customer_reply = "open"
        self.assertIn("o_status_reply_form", self._get(self._token_path()).text)
        self._act("reply", {"message": "Any news?"})
        self.assertEqual(len(self._customer_messages()), 1)
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        self.page.customer_reply = "never"
        self.ticket.stage_id = self.stage_awaiting
        self._act("reply", {"message": "Again"}, nonce="m" * 20)
        self.assertEqual(len(self._customer_messages()), 1)

    def test_refused_reply_keeps_typed_text_once(self):
        self.ticket.stage_id = self.stage_awaiting
        self._grant()
        text = "Long story. " * 500  # 6,000 characters
        self._act("reply", {"message": text})
        self.assertFalse(self._customer_messages())
        view = self._get(self._token_path()).text
        self.assertIn("too long", view)
        self.assertIn(text.strip()[:200], view)
        self.assertNotIn(text.strip()[:200], self._get(self._token_path()).text)
        self.assertEqual(self.ticket.stage_id, self.stage_awaiting)

    def test_double_submit_posts_once(self):
        self.page.customer_reply = "open"
        self._grant()
        csrf, nonce = self._form_tokens()
        for _attempt in range(2):
            response = self.url_open(
                f"{self._token_path()}/reply",
                data={"csrf_token": csrf, "nonce": nonce, "message": "Once"},
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self._customer_messages()), 1)
        # Without a nonce: a clear message, nothing posted, text kept.
        self.url_open(
            f"{self._token_path()}/reply",
            data={"csrf_token": csrf, "message": "No nonce"},
            allow_redirects=False,
        )
        view = self._get(self._token_path()).text
        self.assertIn("form has expired", view)
        self.assertIn("No nonce", view)

    def test_solved_yes_then_rate(self):
        self.ticket.stage_id = self.stage_done
        self._grant()
        view = self._get(self._token_path()).text
        self.assertIn("Is your request solved?", view)
        self._act("solved")
        self.assertTrue(self.ticket.status_solved_confirmed)
        self.assertIn("How did we do?", self._get(self._token_path()).text)
        self._act("rate", {"rating": "5", "comment": "Fast <b>and</b> kind"})
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Fast <b>and</b> kind")
        self.assertEqual(rating.partner_id, self.partner)
        self.assertEqual(rating.rated_partner_id, self.agent.partner_id)
        self.assertTrue(rating.consumed)
        self.assertIn("Thank you for your feedback", self._get(self._token_path()).text)
        # One rating per resolution.
        self._act("rate", {"rating": "1"})
        self.assertEqual(rating.search_count([("res_id", "=", self.ticket.id)]), 1)
        self.assertIn("no longer possible", self._get(self._token_path()).text)
        self.assertIn("&lt;b&gt;and", self.ticket.message_ids[0].body)

    def test_solved_no_reopens_with_reason(self):
        self.ticket.stage_id = self.stage_done
        self._grant()
        self._act("reopen", {"reason": ""})
        self.assertEqual(self.ticket.stage_id, self.stage_done)
        self._act("reopen", {"reason": "Still smoking."})
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        self.assertIn("Still smoking.", self._customer_messages().body)
        self.assertIn("open again", self._get(self._token_path()).text)

    def test_after_reopen_window_contact_support(self):
        self.ticket.stage_id = self.stage_done
        self._grant()
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(days=15)):
            self._grant()
            view = self._get(self._token_path()).text
            self.assertIn("contact support", view)
            self.assertNotIn("Is your request solved?", view)
            self._act("reopen", {"reason": "Late"})
            self._act("solved")
        self.assertEqual(self.ticket.stage_id, self.stage_done)
        self.assertFalse(self.ticket.status_solved_confirmed)

    def test_waiting_notification_says_action_needed(self):
        self.page.notify_delay = 0
        self.ticket.partner_id.phone = "+966 50 123 4567"
        self.ticket.partner_phone = "+966 50 123 4567"
        with self.mockSMSGateway():
            self.ticket.stage_id = self.stage_awaiting
        mail = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)],
            order="id desc",
            limit=1,
        )
        self.assertIn("Action needed", mail.body_html)
        sms = self.env["sms.sms"].search([], order="id desc", limit=1)
        self.assertIn("Action needed", sms.body)
        with self.mockSMSGateway():
            self.ticket.stage_id = self.stage_progress
        sms = self.env["sms.sms"].search([], order="id desc", limit=1)
        self.assertNotIn("Action needed", sms.body)

    def test_filters_waiting_and_customer_replied(self):
        Ticket = self.env["helpdesk.ticket"]
        other = self._create_ticket(name="Other")
        self.ticket.stage_id = self.stage_awaiting
        self.assertIn(
            self.ticket, Ticket.search([("stage_id.waiting_on_customer", "=", True)])
        )
        self.ticket._post_status_message("Here you are")
        replied = Ticket.search([("status_customer_replied", "=", True)])
        self.assertIn(self.ticket, replied)
        self.assertNotIn(other, replied)
        self._agent_says("Thanks")
        self.assertNotIn(
            self.ticket, Ticket.search([("status_customer_replied", "=", True)])
        )
        self.assertIn(
            self.ticket, Ticket.search([("status_customer_replied", "=", False)])
        )
