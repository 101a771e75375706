# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import MagicMock, patch

import requests

from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.helpdesk_mgmt_status_page.tests.common import StatusPageCommon

from .common_whatsapp import GRAPH_MESSAGES, WhatsappCommon


@tagged("post_install", "-at_install")
class TestWhatsappStatus(WhatsappCommon, StatusPageCommon):
    """Status messages as WhatsApp utility templates, the Graph API mocked
    at the HTTP layer (``requests.post``), as mail_gateway_whatsapp's own
    tests do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_up_gateway()
        cls.template_pl = cls._create_status_template(cls.gateway, cls.url_base, "pl")
        cls.template_en = cls._create_status_template(cls.gateway, cls.url_base, "en")
        cls.page.write(
            {
                "notify_channel": "whatsapp",
                "whatsapp_gateway_id": cls.gateway.id,
                "whatsapp_template_link_id": cls.template_pl.id,
            }
        )

    def _send_link(self, tickets=None, **post_kwargs):
        response = MagicMock()
        response.json.return_value = {"messages": [{"id": "wamid.HBgM"}]}
        with patch.object(requests, "post", return_value=response) as post:
            if "side_effect" in post_kwargs:
                post.side_effect = post_kwargs["side_effect"]
            (tickets or self.ticket)._send_status_notifications("link")
        return post

    def test_status_link_sent_as_utility_template(self):
        sms_before = self.env["sms.sms"].search_count([])
        mail_before = self.env["mail.mail"].search_count([])
        post = self._send_link()
        link = self.ticket.status_page_url
        self.assertTrue(link.startswith(self.url_base))
        post.assert_called_once()
        self.assertEqual(post.call_args.args, (GRAPH_MESSAGES,))
        self.assertEqual(
            post.call_args.kwargs["headers"], {"Authorization": "Bearer token"}
        )
        # The customer's language (en_US) picks the English template of the
        # same name over the Polish one the page names.
        self.assertEqual(
            post.call_args.kwargs["json"],
            {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "966501234567",
                "type": "template",
                "template": {
                    "name": "status_link",
                    "language": {"code": "en"},
                    "components": [
                        {
                            "type": "body",
                            "parameters": [
                                {"type": "text", "text": self.ticket.number}
                            ],
                        },
                        {
                            "type": "button",
                            "sub_type": "url",
                            "index": 0,
                            "parameters": [
                                {
                                    "type": "text",
                                    "text": link[len(self.url_base) :],
                                }
                            ],
                        },
                    ],
                },
            },
        )
        # WhatsApp only: no SMS, no e-mail; the ticket says where it went.
        self.assertEqual(self.env["sms.sms"].search_count([]), sms_before)
        self.assertEqual(self.env["mail.mail"].search_count([]), mail_before)
        self.assertIn(
            "Status link sent by WhatsApp to +966 •• ••• 4567.",
            self.ticket.message_ids[0].body,
        )
        self.assertFalse(self.ticket.status_link_unsent)

    def test_customer_language_falls_back_to_page_template(self):
        self.template_en.unlink()
        post = self._send_link()
        self.assertEqual(
            post.call_args.kwargs["json"]["template"]["language"], {"code": "pl"}
        )

    def test_no_phone_sends_nothing_and_says_so(self):
        ticket = self._create_ticket(
            partner_id=self.env["res.partner"]
            .create({"name": "No phone", "email": "nophone@example.com"})
            .id,
            partner_email="nophone@example.com",
        )
        post = self._send_link(ticket)
        post.assert_not_called()
        self.assertIn(
            "No phone number: the status WhatsApp message was not sent.",
            ticket.message_ids[0].body,
        )

    @mute_logger("odoo.addons.mail_gateway_whatsapp.models.mail_gateway_whatsapp")
    def test_graph_api_error_is_noted(self):
        self._send_link(side_effect=requests.exceptions.HTTPError("400 Bad Request"))
        self.assertIn(
            "The status WhatsApp message to +966 •• ••• 4567 could not be sent: "
            "400 Bad Request",
            self.ticket.message_ids[0].body,
        )

    def test_page_form_offers_whatsapp(self):
        with Form(self.env["helpdesk.status.page"]) as form:
            form.name = "WhatsApp page"
            form.slug = "whatsapp-page"
            form.notify_channel = "whatsapp"
            form.whatsapp_gateway_id = self.gateway
            form.whatsapp_template_id = self.template_en
        page = form.record
        self.assertEqual(page.notify_channel, "whatsapp")
        self.assertEqual(page._get_status_whatsapp_template("status"), self.template_en)

    def test_send_status_link_names_the_phone_only(self):
        response = MagicMock()
        response.json.return_value = {"messages": [{"id": "wamid.HBgM"}]}
        with patch.object(requests, "post", return_value=response) as post:
            action = self.ticket.action_send_status_link()
        post.assert_called_once()
        self.assertEqual(
            action["params"]["message"], "Status link sent to +966 50 123 4567."
        )
