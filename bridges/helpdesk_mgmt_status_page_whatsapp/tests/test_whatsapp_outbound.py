# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import MagicMock, patch

import requests
from markupsafe import Markup

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.helpdesk_mgmt_status_page.tests.common import StatusPageCommon

from .common_whatsapp import GRAPH_MESSAGES, WhatsappCommon

MASKED = "+966 •• ••• 4567"
SEND_LOGGER = "odoo.addons.mail_gateway_whatsapp.models.mail_gateway_whatsapp"


def graph_error(code, message):
    """A Graph API error response, as Meta answers a refused message."""
    response = requests.Response()
    response.status_code = 400
    response._content = json.dumps(
        {"error": {"message": message, "type": "OAuthException", "code": code}}
    ).encode()
    response.url = GRAPH_MESSAGES
    return response


class WhatsappOutboundCommon(WhatsappCommon, StatusPageCommon):
    """A page with a WhatsApp gateway and a utility template per message
    kind (English and Arabic), the Graph API mocked at the HTTP layer
    (``requests.post``), as mail_gateway_whatsapp's own tests do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_up_gateway()
        cls.templates = {}
        for kind, name in (
            ("create", "Request received"),
            ("status", "Request status"),
            ("late", "Request late"),
            ("link", "Request link"),
        ):
            cls.templates[kind] = cls._create_status_template(
                cls.gateway, cls.url_base, "en", name=name
            )
            cls._create_status_template(cls.gateway, cls.url_base, "ar", name=name)
        cls.page.write(
            {
                "notify_on_create": False,
                "notify_delay": 0,
                "notify_channel": "whatsapp",
                "whatsapp_gateway_id": cls.gateway.id,
                "whatsapp_template_create_id": cls.templates["create"].id,
                "whatsapp_template_id": cls.templates["status"].id,
                "whatsapp_template_late_id": cls.templates["late"].id,
                "whatsapp_template_link_id": cls.templates["link"].id,
            }
        )

    @contextmanager
    def _graph(self, error=None):
        """Mock the Graph API: every message accepted, else refused with
        ``error`` (a ``requests.Response`` or an exception)."""
        response = MagicMock()
        response.json.return_value = {"messages": [{"id": "wamid.HBgM"}]}
        if isinstance(error, requests.Response):
            response.raise_for_status.side_effect = requests.exceptions.HTTPError(
                f"400 Client Error: {error.json()['error']['message']}",
                response=error,
            )
        with (
            patch.object(requests, "post", return_value=response) as post,
            mute_logger(SEND_LOGGER),
        ):
            if isinstance(error, Exception):
                post.side_effect = error
            yield post

    def _template_payload(self, ticket, template_name, language="en"):
        link = ticket.status_page_url
        self.assertTrue(link.startswith(self.url_base))
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "966501234567",
            "type": "template",
            "template": {
                "name": template_name,
                "language": {"code": language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": ticket.number}],
                    },
                    {
                        "type": "button",
                        "sub_type": "url",
                        "index": 0,
                        "parameters": [
                            {"type": "text", "text": link[len(self.url_base) :]}
                        ],
                    },
                ],
            },
        }

    def _assert_sent(self, post, payload):
        post.assert_called_once()
        self.assertEqual(post.call_args.args, (GRAPH_MESSAGES,))
        self.assertEqual(
            post.call_args.kwargs["headers"], {"Authorization": "Bearer token"}
        )
        self.assertEqual(post.call_args.kwargs["json"], payload)

    def setUp(self):
        super().setUp()
        # Only what the test sends: not the creation messages of setUpClass.
        self.sms_floor = (
            self.env["sms.sms"].sudo().search([], order="id desc", limit=1).id
        )

    def _sms(self, ticket):
        return (
            self.env["sms.sms"]
            .sudo()
            .search(
                [("partner_id", "=", ticket.partner_id.id), ("id", ">", self.sms_floor)]
            )
        )

    def _mails(self, ticket):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        )

    def _notes(self, ticket):
        return ticket.message_ids.filtered(lambda m: m.message_type == "notification")


@tagged("post_install", "-at_install")
class TestWhatsappMessageKinds(WhatsappOutboundCommon):
    """Each message kind goes as its template, the exact Graph API payload
    asserted: template name, language, the URL button's parameter."""

    def test_creation(self):
        self.page.notify_on_create = True
        with self._graph() as post:
            ticket = self._create_ticket()
        self._assert_sent(post, self._template_payload(ticket, "request_received"))
        self.assertIn(f"sent by WhatsApp to {MASKED}", self._notes(ticket)[0].body)

    def test_status_change(self):
        with self._graph() as post:
            self.ticket.stage_id = self.stage_progress
        self._assert_sent(post, self._template_payload(self.ticket, "request_status"))
        self.assertEqual(self.ticket.status_notified_stage_id, self.stage_progress)

    def test_running_late(self):
        self.page.write(
            {"promise_mode": "days", "promise_days": 1, "notify_late": True}
        )
        with self.mock_datetime_and_now(datetime(2026, 5, 1, 10, 0)):
            ticket = self._create_ticket()
        with (
            self.mock_datetime_and_now(datetime(2026, 5, 10, 10, 0)),
            self._graph() as post,
        ):
            self.assertEqual(ticket._notify_status_late(), ticket)
        self._assert_sent(post, self._template_payload(ticket, "request_late"))

    def test_send_status_link_in_arabic(self):
        self.env["res.lang"]._activate_lang("ar_001")
        self.partner.lang = "ar_001"
        with self._graph() as post:
            self.ticket.action_send_status_link()
        # The Arabic template of the same Meta name.
        self._assert_sent(
            post, self._template_payload(self.ticket, "request_link", "ar")
        )

    def test_button_placeholder_is_not_its_text(self):
        """mail_gateway_whatsapp 18.0.2.2.0 names the placeholder after the
        button's text, which must then be a number: it is ``{{1}}``, and
        Meta is asked for the button's own text."""
        template = self.templates["link"]
        self.assertEqual(template.button_ids.variable_ids.name, "{{1}}")
        template.button_ids.name = "Open"
        self.assertEqual(template.button_ids.variable_ids.name, "{{1}}")
        exported = template._prepare_values_to_export()["components"][-1]
        self.assertEqual(exported["buttons"][0]["text"], "Open")
        self.assertEqual(exported["buttons"][0]["url"], self.url_base + "{{1}}")


@tagged("post_install", "-at_install")
class TestWhatsappAutoChannel(WhatsappOutboundCommon):
    """*auto* prefers WhatsApp (a gateway and a mobile number), then the
    page's usual channels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.notify_channel = "auto"

    def test_mobile_number_goes_by_whatsapp_only(self):
        with self._graph() as post:
            self.ticket.stage_id = self.stage_progress
        self._assert_sent(post, self._template_payload(self.ticket, "request_status"))
        self.assertFalse(self._sms(self.ticket))
        self.assertFalse(
            self._mails(self.ticket).filtered(lambda m: "is now" in m.subject)
        )
        self.assertIn(
            f"Status link sent by WhatsApp to {MASKED}.",
            self._notes(self.ticket)[0].body,
        )
        self.assertEqual(self.ticket.status_notified_stage_id, self.stage_progress)

    def test_landline_gets_email_and_sms(self):
        ticket = self._create_ticket(partner_phone="+966 11 234 5678")
        with self._graph() as post:
            ticket.stage_id = self.stage_progress
        post.assert_not_called()
        self.assertEqual(
            len(self._mails(ticket).filtered(lambda m: "is now" in m.subject)), 1
        )
        self.assertTrue(
            self.env["sms.sms"].sudo().search([("number", "=", "+966112345678")])
        )

    def test_no_gateway_keeps_email_and_sms(self):
        self.page.whatsapp_gateway_id = False
        with self._graph() as post:
            self.ticket.stage_id = self.stage_progress
        post.assert_not_called()
        self.assertTrue(self._sms(self.ticket))
        self.assertTrue(
            self._mails(self.ticket).filtered(lambda m: "is now" in m.subject)
        )

    def test_no_template_of_the_kind_keeps_email_and_sms(self):
        self.page.whatsapp_template_id = False
        with self._graph() as post:
            self.ticket.stage_id = self.stage_progress
        post.assert_not_called()
        self.assertTrue(self._sms(self.ticket))


@tagged("post_install", "-at_install")
class TestWhatsappQuietHours(WhatsappOutboundCommon):
    """Quiet hours and the notification delay hold WhatsApp as SMS."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"quiet_start": 22.0, "quiet_end": 7.0})
        cls.partner.tz = "Asia/Riyadh"

    def test_held_until_the_end_of_quiet_hours(self):
        # 23:00 in Riyadh: held until 07:00, 04:00 UTC.
        with (
            self._graph() as post,
            self.mock_datetime_and_now(datetime(2026, 5, 10, 20, 0)),
        ):
            self.ticket.stage_id = self.stage_progress
        post.assert_not_called()
        self.assertEqual(self.ticket.status_sms_due, datetime(2026, 5, 11, 4, 0))
        self.assertEqual(self.ticket.status_whatsapp_held_kind, "status")
        self.assertIn(
            "Status WhatsApp message held until May 11, 2026, 7:00 AM Asia/Riyadh",
            self._notes(self.ticket)[0].body,
        )
        Ticket = self.env["helpdesk.ticket"]
        with (
            self._graph() as post,
            self.mock_datetime_and_now(datetime(2026, 5, 11, 3, 59)),
        ):
            Ticket._cron_send_status_notifications()
        post.assert_not_called()
        with (
            self._graph() as post,
            self.mock_datetime_and_now(datetime(2026, 5, 11, 4, 0)),
        ):
            Ticket._cron_send_status_notifications()
            Ticket._cron_send_status_notifications()
        self._assert_sent(post, self._template_payload(self.ticket, "request_status"))
        self.assertFalse(self.ticket.status_sms_due)
        self.assertFalse(self.ticket.status_whatsapp_held_kind)
        self.assertFalse(self._sms(self.ticket))

    def test_outside_quiet_hours_goes_now(self):
        with (
            self._graph() as post,
            self.mock_datetime_and_now(datetime(2026, 5, 10, 9, 0)),
        ):
            self.ticket.stage_id = self.stage_progress
        post.assert_called_once()
        self.assertFalse(self.ticket.status_sms_due)

    def test_notification_delay(self):
        self.page.write({"quiet_start": 0.0, "quiet_end": 0.0, "notify_delay": 60})
        now = datetime(2026, 5, 10, 9, 0)
        with self._graph() as post, self.mock_datetime_and_now(now):
            self.ticket.stage_id = self.stage_progress
        post.assert_not_called()
        self.assertEqual(self.ticket.status_notify_due, now + timedelta(seconds=60))
        Ticket = self.env["helpdesk.ticket"]
        with (
            self._graph() as post,
            self.mock_datetime_and_now(now + timedelta(seconds=61)),
        ):
            Ticket._cron_send_status_notifications()
        self._assert_sent(post, self._template_payload(self.ticket, "request_status"))
        # Several moves within the delay, back to the known status: nothing.
        with (
            self._graph() as post,
            self.mock_datetime_and_now(now + timedelta(hours=1)),
        ):
            self.ticket.stage_id = self.stage_awaiting
            self.ticket.stage_id = self.stage_progress
        with (
            self._graph() as post,
            self.mock_datetime_and_now(now + timedelta(hours=2)),
        ):
            Ticket._cron_send_status_notifications()
        post.assert_not_called()


@tagged("post_install", "-at_install")
class TestWhatsappFallback(WhatsappOutboundCommon):
    """A refused WhatsApp message falls back to SMS, then e-mail; the
    chatter says so."""

    def test_graph_error_falls_back_to_sms(self):
        with self._graph(requests.exceptions.ConnectionError("Graph API down")):
            self.ticket.stage_id = self.stage_progress
        sms = self._sms(self.ticket)
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+966501234567")
        self.assertIn(self.ticket.status_page_url, sms.body)
        note = self._notes(self.ticket)[0].body
        self.assertIn(
            f"The status WhatsApp message to {MASKED} could not be sent: "
            "Graph API down. Sent by SMS instead.",
            note,
        )
        self.assertFalse(
            self._mails(self.ticket).filtered(lambda m: "is now" in m.subject)
        )

    def test_not_on_whatsapp_falls_back_to_email_without_sms_template(self):
        self.page.sms_template_id = False
        error = graph_error(131026, "Message undeliverable")
        with self._graph(error):
            self.ticket.stage_id = self.stage_progress
        self.assertFalse(self._sms(self.ticket))
        self.assertEqual(
            len(self._mails(self.ticket).filtered(lambda m: "is now" in m.subject)), 1
        )
        self.assertIn(
            "could not be sent: 400 Client Error: Message undeliverable. "
            "Sent by e-mail to customer@example.com instead.",
            self._notes(self.ticket)[0].body,
        )

    def _status_update(self, status, message_id="wamid.HBgM"):
        """Meta's status webhook payload for the message ``message_id``."""
        info = {
            "id": message_id,
            "status": status,
            "timestamp": "1767225600",
            "recipient_id": "966501234567",
        }
        if status == "failed":
            info["errors"] = [
                {
                    "code": 131026,
                    "title": "Message undeliverable",
                    "error_data": {"details": "Receiver is not on WhatsApp"},
                }
            ]
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "WHATSAPP_BUSINESS_ACCOUNT_ID",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550001111",
                                    "phone_number_id": "15550001111",
                                },
                                "statuses": [info],
                            },
                        }
                    ],
                }
            ],
        }

    def test_failed_status_webhook_falls_back_to_sms(self):
        with self._graph():
            self.ticket.action_send_status_link()
        self.assertEqual(self.ticket.status_whatsapp_message_ref, "wamid.HBgM")
        self.assertEqual(self.ticket.status_whatsapp_message_kind, "link")
        self.assertFalse(self._sms(self.ticket))
        Whatsapp = self.env["mail.gateway.whatsapp"]
        # Delivered and read: nothing to do; another message's failure neither.
        Whatsapp._receive_update(self.gateway, self._status_update("delivered"))
        Whatsapp._receive_update(
            self.gateway, self._status_update("failed", "wamid.OTHER")
        )
        self.assertFalse(self._sms(self.ticket))
        Whatsapp._receive_update(self.gateway, self._status_update("failed"))
        sms = self._sms(self.ticket)
        self.assertEqual(len(sms), 1)
        self.assertIn("here is your link", sms.body)
        self.assertIn(
            f"WhatsApp reported that the message to {MASKED} was not delivered: "
            "[131026] Receiver is not on WhatsApp. Sent by SMS instead.",
            self._notes(self.ticket)[0].body,
        )
        self.assertFalse(self.ticket.status_whatsapp_message_ref)
        # Reported twice: sent once.
        Whatsapp._receive_update(self.gateway, self._status_update("failed"))
        self.assertEqual(len(self._sms(self.ticket)), 1)

    def test_nothing_to_fall_back_to(self):
        self.page.write({"sms_template_link_id": False, "mail_template_link_id": False})
        with self._graph(requests.exceptions.ConnectionError("down")):
            self.ticket.action_send_status_link()
        self.assertIn(
            "No SMS or e-mail could be sent instead.", self._notes(self.ticket)[0].body
        )


@tagged("post_install", "-at_install")
class TestWhatsappReplyWindow(WhatsappOutboundCommon):
    """An agent's public reply: text inside Meta's 24-hour window, the
    status template after it, SMS then e-mail when refused."""

    def _reply(self, body=None, **kwargs):
        return self.ticket.with_user(self.user_admin).message_post(
            body=body or Markup("<p>Your printer is <b>fixed</b>.</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            **kwargs,
        )

    def test_inside_window_sent_as_text(self):
        self.ticket.status_whatsapp_last_inbound = fields.Datetime.now() - timedelta(
            hours=23
        )
        with self._graph() as post:
            self._reply()
        self._assert_sent(
            post,
            {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "966501234567",
                "type": "text",
                "text": {"preview_url": False, "body": "Your printer is *fixed*."},
            },
        )
        self.assertIn(
            f"Reply sent by WhatsApp to {MASKED} as text",
            self._notes(self.ticket)[0].body,
        )

    def test_after_window_sent_as_status_template(self):
        self.ticket.status_whatsapp_last_inbound = fields.Datetime.now() - timedelta(
            hours=25
        )
        with self._graph() as post:
            self._reply()
        self._assert_sent(post, self._template_payload(self.ticket, "request_status"))
        self.assertIn(
            f"Reply announced by WhatsApp to {MASKED} with the status template",
            self._notes(self.ticket)[0].body,
        )

    def test_never_wrote_sent_as_status_template(self):
        with self._graph() as post:
            self._reply()
        self.assertEqual(post.call_args.kwargs["json"]["type"], "template")

    def test_expired_window_falls_back_to_sms(self):
        # Meta's clock says the window is closed, ours did not yet.
        self.ticket.status_whatsapp_last_inbound = fields.Datetime.now() - timedelta(
            hours=1
        )
        error = graph_error(131047, "Re-engagement message")
        with self._graph(error):
            self._reply()
        self.assertEqual(len(self._sms(self.ticket)), 1)
        self.assertIn(
            f"The reply could not be sent by WhatsApp to {MASKED}: 400 Client "
            "Error: Re-engagement message. Sent by SMS instead.",
            self._notes(self.ticket)[0].body,
        )

    def test_agent_without_gateway_rights(self):
        agent = self.env["res.users"].create(
            {
                "name": "Agent",
                "login": "wa_agent",
                "email": "agent@example.com",
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("helpdesk_mgmt.group_helpdesk_user").id,
                        ]
                    )
                ],
            }
        )
        with self._graph() as post:
            self.ticket.with_user(agent).message_post(
                body="Fixed.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        post.assert_called_once()

    def test_notes_customer_messages_and_other_pages_send_nothing(self):
        with self._graph() as post:
            self.ticket.message_post(
                body="Internal note",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            self.ticket.message_post(
                body="From the customer",
                author_id=self.partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.page.notify_channel = "email"
            self._reply()
        post.assert_not_called()


@tagged("post_install", "-at_install")
class TestWhatsappDemoTemplates(StatusPageCommon):
    """The demo templates are ready to submit to Meta: one name per kind
    across English, Arabic and Polish, example values for every variable,
    no variable opening or closing the body, the status link button."""

    def test_demo_templates_export(self):
        prefix = "helpdesk_mgmt_status_page_whatsapp.whatsapp_template_"
        ticket = self.ticket
        for kind in ("received", "status", "late", "link"):
            templates = self.env["mail.whatsapp.template"]
            for lang in ("en", "ar", "pl"):
                templates |= self.env.ref(f"{prefix}{kind}_{lang}")
            self.assertEqual(len(set(templates.mapped("template_name"))), 1)
            self.assertEqual(set(templates.mapped("language")), {"en", "ar", "pl"})
            for template in templates:
                values = template._prepare_values_to_export()
                self.assertEqual(values["category"], "UTILITY")
                body, buttons = values["components"]
                variables = template.variable_ids.filtered(
                    lambda v: v.line_type == "body"
                )
                self.assertEqual(len(body["example"]["body_text"][0]), len(variables))
                self.assertNotIn("Sample Value", body["example"]["body_text"][0])
                text = body["text"]
                self.assertFalse(text.startswith("{{") or text.endswith("}}"))
                self.assertEqual(
                    buttons["buttons"][0]["url"], "https://help.example.com/{{1}}"
                )
                self.assertNotEqual(buttons["buttons"][0]["text"], "1")
                # Every variable renders from the ticket.
                message = template.with_context(
                    default_res_id=ticket.id
                ).render_body_message()
                self.assertIn(ticket.number, message)
                self.assertNotIn("{{", message)
                button_value = template.button_ids.variable_ids._get_variables_value(
                    ticket
                )
                self.assertEqual(button_value, {"button-{{1}}": ticket.status_page_url})
