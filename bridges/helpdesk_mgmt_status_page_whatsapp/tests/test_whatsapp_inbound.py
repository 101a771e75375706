# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customers' WhatsApp messages in their tickets (issue 26, item 3), through
the real webhook route with recorded payloads signed with the app secret
(``X-Hub-Signature-256``), as mail_gateway_whatsapp's own tests do."""

import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from unittest.mock import MagicMock, patch

import requests

from odoo import fields
from odoo.tests import BaseCase, HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.helpdesk_mgmt_status_page.tests.common import StatusPageCommon

from ..tools.whatsapp import named_number, sent_at, wa_id_to_e164
from .common_whatsapp import GRAPH_MESSAGES, WhatsappCommon

WEBHOOK_KEY = "hsp_whatsapp_hook"
CUSTOMER = "966501234567"


def _messages_payload(wa_id, message):
    """A ``messages`` webhook as Meta sends it (recorded shape)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550001111",
                                "phone_number_id": "106540352242922",
                            },
                            "contacts": [
                                {"profile": {"name": "Noura"}, "wa_id": wa_id}
                            ],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": f"wamid.{wa_id}{time.time_ns()}",
                                    "timestamp": str(int(time.time())),
                                    **message,
                                }
                            ],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def text_payload(body, wa_id=CUSTOMER):
    return _messages_payload(wa_id, {"type": "text", "text": {"body": body}})


def image_payload(caption, wa_id=CUSTOMER):
    return _messages_payload(
        wa_id,
        {
            "type": "image",
            "image": {
                "caption": caption,
                "mime_type": "image/jpeg",
                "sha256": "5ba3d0b7b4f2c2b3c9e1e8e4d9a7f6b5",
                "id": "1003383421387256",
            },
        },
    )


def statuses_payload(wa_id=CUSTOMER):
    """Sent, delivered, read and failed statuses of an outgoing message."""
    statuses = [
        {
            "id": "wamid.HBgM",
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": wa_id,
        }
        for status in ("sent", "delivered", "read")
    ]
    statuses.append(
        {
            "id": "wamid.HBgM",
            "status": "failed",
            "timestamp": str(int(time.time())),
            "recipient_id": wa_id,
            "errors": [
                {
                    "code": 131047,
                    "title": "Re-engagement message",
                    "error_data": {"details": "More than 24 hours have passed."},
                }
            ],
        }
    )
    payload = _messages_payload(wa_id, {})
    value = payload["entry"][0]["changes"][0]["value"]
    del value["messages"], value["contacts"]
    value["statuses"] = statuses
    return payload


class TestWhatsappInboundRules(BaseCase):
    """What an incoming message says, no database."""

    def test_sender_in_e164(self):
        self.assertEqual(wa_id_to_e164("966501234567"), "+966501234567")
        self.assertEqual(wa_id_to_e164(None), "")

    def test_sent_at_never_later_than_now(self):
        now = datetime(2026, 12, 3, 12, 0)
        self.assertEqual(sent_at("1796299200", now), datetime(2026, 12, 3, 12, 0))
        self.assertEqual(sent_at("1796295600", now), datetime(2026, 12, 3, 11, 0))
        self.assertEqual(sent_at("1896295600", now), now)
        self.assertEqual(sent_at("soon", now), now)
        self.assertEqual(sent_at(None, now), now)

    def test_named_number(self):
        numbers = ["HT00012", "HT00015"]
        for text, expected in (
            ("HT00015 any news?", "HT00015"),
            ("#ht15: any news?", "HT00015"),
            ("ht-00012", "HT00012"),
            ("#12 it is broken again", "HT00012"),
            ("12 printers are broken", ""),
            ("HT00099 any news?", ""),
            ("Any news about HT00015?", ""),
            ("", ""),
            (None, ""),
        ):
            with self.subTest(text=text):
                self.assertEqual(named_number(text, numbers), expected)


@tagged("post_install", "-at_install")
class TestWhatsappInbound(WhatsappCommon, HttpCase, StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = cls._create_gateway(webhook_key=WEBHOOK_KEY)
        cls.page.whatsapp_gateway_id = cls.gateway
        cls.agent = cls.env["res.users"].create(
            {
                "name": "Agent Sami",
                "login": "agent_sami",
                "email": "sami@example.com",
                "groups_id": [
                    (6, 0, [cls.env.ref("helpdesk_mgmt.group_helpdesk_user").id])
                ],
            }
        )
        cls.ticket.write({"user_id": cls.agent.id, "stage_id": cls.stage_awaiting.id})

    def setUp(self):
        super().setUp()
        self.gateway.set_webhook()
        self._request(
            "GET",
            f"/gateway/whatsapp/{WEBHOOK_KEY}/update?hub.verify_token=key"
            "&hub.challenge=22",
        ).raise_for_status()
        self.assertEqual(self.gateway.integrated_webhook_state, "integrated")

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _request(self, method, path, data=None, headers=None):
        return self.opener.request(
            method, self.base_url() + path, data=data, headers=headers, timeout=30
        )

    def _deliver(self, payload, secret="MY-SECRET"):
        """POST ``payload`` to the webhook, signed with ``secret`` as Meta
        signs it; the Graph API mocked. Returns the answer and the mock."""
        data = json.dumps(payload).encode()
        signature = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
        photo = MagicMock(content=b"\xff\xd8\xff\xe0 photo")
        photo.json.return_value = {
            "url": "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
            "mime_type": "image/jpeg",
        }
        with (
            self._graph_api() as post,
            patch.object(requests, "get", return_value=photo),
        ):
            response = self._request(
                "POST",
                f"/gateway/whatsapp/{WEBHOOK_KEY}/update",
                data=data,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": f"sha256={signature}",
                },
            )
        self.env.invalidate_all()
        return response, post

    def _public_messages(self, ticket=None):
        ticket = ticket or self.ticket
        return ticket.message_ids.filtered(
            lambda m: (
                m.message_type == "comment"
                and m.subtype_id == self.env.ref("mail.mt_comment")
            )
        )

    def _answers(self, post):
        """The texts sent back to the customer."""
        return [
            call.kwargs["json"]["text"]["body"]
            for call in post.call_args_list
            if call.kwargs["json"].get("type") == "text"
        ]

    def _channel(self, wa_id=CUSTOMER):
        return self.env["discuss.channel"].search(
            [
                ("gateway_id", "=", self.gateway.id),
                ("gateway_channel_token", "=", wa_id),
            ]
        )

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_text_lands_in_the_ticket_as_the_customer(self):
        before = fields.Datetime.now() - timedelta(seconds=5)
        response, post = self._deliver(text_payload("Here is the *serial*: 42"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {})
        message = self._public_messages()[:1]
        self.assertEqual(message.author_id, self.partner)
        self.assertEqual(message.gateway_type, "whatsapp")
        self.assertIn("<strong>serial</strong>: 42", message.body)
        self.assertFalse(message.is_internal)
        # The page shows it as the customer's, and the ticket reads as
        # "customer replied": the waiting stage moved on, the agent has the
        # activity.
        conversation = self.ticket._get_status_conversation(self.page)
        self.assertTrue(conversation["messages"][-1]["is_customer"])
        self.assertIn("serial", conversation["messages"][-1]["body"])
        self.assertTrue(self.ticket.status_customer_replied)
        self.assertEqual(
            self.ticket.stage_id, self.stage_awaiting.customer_reply_stage_id
        )
        self.assertEqual(self.ticket.status_log_ids[:1].author_partner_id, self.partner)
        activity = self.ticket.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(
                    "helpdesk_mgmt_status_page.mail_activity_customer_replied"
                )
            )
        )
        self.assertEqual(activity.user_id, self.agent)
        # Meta's 24-hour window opens with the customer's message.
        self.assertGreaterEqual(self.ticket.status_whatsapp_last_inbound, before)
        # Still in the gateway's conversation, linked to the ticket.
        channel_message = self._channel().message_ids[-1:]
        self.assertIn("serial", channel_message.body)
        self.assertEqual(channel_message.gateway_message_id, message)
        # One acknowledgement, naming the ticket; none for the next message.
        self.assertEqual(post.call_args.args, (GRAPH_MESSAGES,))
        self.assertEqual(
            self._answers(post),
            [f"Thank you, we added your message to your request {self.ticket.number}."],
        )
        self.assertEqual(post.call_args.kwargs["json"]["to"], CUSTOMER)
        _response, post = self._deliver(text_payload("And the model is P-100."))
        post.assert_not_called()
        self.assertIn("P-100", self._public_messages()[:1].body)

    def test_image_lands_with_its_file(self):
        self.page.allow_attachment_download = True
        _response, post = self._deliver(image_payload("The label"))
        message = self._public_messages()[:1]
        self.assertEqual(message.author_id, self.partner)
        self.assertIn("The label", message.body)
        self.assertEqual(message.attachment_ids.mimetype, "image/jpeg")
        self.assertEqual(message.attachment_ids.raw, b"\xff\xd8\xff\xe0 photo")
        self.assertEqual(
            (message.attachment_ids.res_model, message.attachment_ids.res_id),
            ("helpdesk.ticket", self.ticket.id),
        )
        shown = self.ticket._get_status_conversation(self.page)["messages"][-1]
        self.assertEqual(len(shown["attachments"]), 1)
        self.assertEqual(len(self._answers(post)), 1)

    def test_status_updates_post_nothing(self):
        messages = self.ticket.message_ids
        response, post = self._deliver(statuses_payload())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {})
        self.assertEqual(self.ticket.message_ids, messages)
        self.assertFalse(self.ticket.status_whatsapp_last_inbound)
        post.assert_not_called()

    @mute_logger("odoo.addons.mail_gateway.controllers.gateway")
    def test_bad_signature_is_refused(self):
        messages = self.ticket.message_ids
        response, post = self._deliver(text_payload("Hello"), secret="NOT-THE-SECRET")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.ticket.message_ids, messages)
        self.assertFalse(self._channel())
        self.assertFalse(self.ticket.status_whatsapp_last_inbound)
        post.assert_not_called()

    def test_several_open_tickets(self):
        self.ticket.stage_id = self.stage_progress
        newer = self._create_ticket(name="Scanner jammed")
        self.ticket.status_last_notified = fields.Datetime.now()
        newer.status_last_notified = fields.Datetime.now() - timedelta(days=1)
        done = self._create_ticket(name="Old request", stage_id=self.stage_done.id)
        done.status_last_notified = fields.Datetime.now() + timedelta(minutes=1)
        # The most recently notified open ticket, with how to choose another.
        _response, post = self._deliver(text_payload("Any news?"))
        self.assertIn("Any news?", self._public_messages()[:1].body)
        self.assertFalse(self._public_messages(newer))
        self.assertFalse(self._public_messages(done))
        self.assertEqual(
            self._answers(post),
            [
                "Thank you, we added your message to your request "
                f"{self.ticket.number}.\n"
                f"To write about another request ({newer.number}), start your "
                "message with its number."
            ],
        )
        # A message starting with a number goes to that ticket, and says so.
        _response, post = self._deliver(text_payload(f"{newer.number} it jams again"))
        self.assertIn("it jams again", self._public_messages(newer).body)
        self.assertEqual(
            self._answers(post)[0].splitlines()[0],
            f"Thank you, we added your message to your request {newer.number}.",
        )
        # The number of a request that is not open: the default one.
        _response, post = self._deliver(text_payload(f"{done.number} hello"))
        self.assertFalse(self._public_messages(done))
        self.assertIn("hello", self._public_messages()[:1].body)
        # Meta's window is the number's: open on each of its tickets.
        for ticket in (self.ticket, newer, done):
            self.assertTrue(ticket.status_whatsapp_last_inbound)

    def test_unknown_number_gets_nothing(self):
        """A number that matches no ticket: the same answer as any accepted
        webhook, no WhatsApp answer, no ticket touched, no ticket data."""
        tickets = self.env["helpdesk.ticket"].search([])
        known, _post = self._deliver(text_payload("Hello"))
        counts = {t: len(t.message_ids) for t in tickets}
        unknown, post = self._deliver(
            text_payload(f"{self.ticket.number} hello", wa_id="966509999999")
        )
        post.assert_not_called()
        self.assertEqual({t: len(t.message_ids) for t in tickets}, counts)
        self.assertEqual(unknown.status_code, known.status_code)
        self.assertEqual(unknown.content, known.content)
        self.assertEqual(
            unknown.headers.get("Content-Type"), known.headers.get("Content-Type")
        )
        for value in (self.ticket.number, self.ticket.name, self.partner.name):
            self.assertNotIn(value.encode(), unknown.content)
        # mail_gateway keeps it in the gateway's conversation with that number.
        self.assertIn("hello", self._channel("966509999999").message_ids[:1].body)

    def test_ticket_of_a_page_without_the_gateway_gets_nothing(self):
        self.page.whatsapp_gateway_id = False
        messages = self.ticket.message_ids
        _response, post = self._deliver(text_payload("Hello"))
        self.assertEqual(self.ticket.message_ids, messages)
        post.assert_not_called()

    def test_closed_ticket_gets_nothing(self):
        self.ticket.stage_id = self.stage_done
        messages = self._public_messages()
        _response, post = self._deliver(text_payload("Thanks!"))
        self.assertEqual(self._public_messages(), messages)
        post.assert_not_called()
        self.assertIn("Thanks!", self._channel().message_ids[:1].body)

    def test_acknowledged_again_after_an_hour(self):
        self._deliver(text_payload("First"))
        self.ticket.status_whatsapp_last_inbound -= timedelta(hours=2)
        self.env.flush_all()
        _response, post = self._deliver(text_payload("Later"))
        self.assertEqual(len(self._answers(post)), 1)

    def test_new_ticket_during_a_conversation(self):
        """A ticket notified since the number's last message (no message
        of its own yet) takes the next one, and the answer says so: the
        conversation moved to another ticket. The next message, to the
        same ticket, gets none."""
        self._deliver(text_payload("First"))
        newer = self._create_ticket(name="Scanner jammed")
        newer.status_last_notified = fields.Datetime.now()
        response, post = self._deliver(text_payload("Second"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Second", self._public_messages(newer).body)
        self.assertEqual(
            self._answers(post)[0].splitlines(),
            [
                f"Thank you, we added your message to your request {newer.number}.",
                f"To write about another request ({self.ticket.number}), start "
                "your message with its number.",
            ],
        )
        _response, post = self._deliver(text_payload("Third"))
        post.assert_not_called()
