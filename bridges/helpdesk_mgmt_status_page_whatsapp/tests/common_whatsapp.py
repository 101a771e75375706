# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A WhatsApp gateway and templates for the bridge's tests; the Graph API
is mocked at the HTTP layer (``requests``), as mail_gateway_whatsapp's own
tests do."""

from contextlib import contextmanager
from unittest.mock import MagicMock, patch

import requests

from odoo import Command

GRAPH_MESSAGES = "https://graph.facebook.com/v23.0/15550001111/messages"


class WhatsappCommon:
    """Mixed into a ``StatusPageCommon`` test class."""

    @classmethod
    def _create_gateway(cls, **values):
        return cls.env["mail.gateway"].create(
            {
                "name": "Support WhatsApp",
                "gateway_type": "whatsapp",
                "token": "token",
                "whatsapp_security_key": "key",
                "whatsapp_from_phone": "15550001111",
                "whatsapp_version": "23.0",
                "webhook_secret": "MY-SECRET",
                "webhook_user_id": cls.env.ref("base.user_admin").id,
                **values,
            }
        )

    @classmethod
    def _set_up_gateway(cls):
        """The test's gateway (``cls.gateway``), and the base of the status
        links (``cls.url_base``) that templates' URL buttons take."""
        cls.gateway = cls._create_gateway(webhook_user_id=cls.env.user.id)
        link = cls.ticket.status_page_url
        cls.url_base = link[: link.index("/", len("https://"))] + "/"

    @classmethod
    def _create_code_template(cls, gateway, language, name="Status code"):
        """An approved authentication template with a copy-code button, as
        Meta's template library gives it (the body's text is Meta's)."""
        return cls.env["mail.whatsapp.template"].create(
            {
                "name": name,
                "category": "authentication",
                "language": language,
                "body": "{{1}} is your verification code.",
                "gateway_id": gateway.id,
                "state": "approved",
                "is_supported": True,
            }
        )

    @classmethod
    def _create_status_template(cls, gateway, url_base, language, name="Status link"):
        """An approved utility template on ``gateway``: the ticket's number in
        its body, and a dynamic URL button on ``url_base`` taking the rest of
        the status link (its placeholder is {{1}}, whatever its text: see
        ``mail.whatsapp.template.variable``)."""
        template = cls.env["mail.whatsapp.template"].create(
            {
                "name": name,
                "category": "utility",
                "language": language,
                "body": "Your request {{1}}: follow it with the button below.",
                "gateway_id": gateway.id,
                "state": "approved",
                "is_supported": True,
                "model_id": cls.env["ir.model"]._get_id("helpdesk.ticket"),
                "button_ids": [
                    Command.create(
                        {
                            "name": "View status",
                            "button_type": "url",
                            "url_type": "dynamic",
                            "website_url": url_base,
                        }
                    )
                ],
            }
        )
        template.variable_ids.filtered(lambda v: v.line_type == "body").write(
            {"field_name": "number"}
        )
        template.button_ids.variable_ids.write({"field_name": "status_page_url"})
        return template

    @contextmanager
    def _graph_api(self, side_effect=None):
        """Mock the Graph API: every ``requests.post`` answers a message id
        (or raises ``side_effect``); yields the mock."""
        response = MagicMock()
        response.json.return_value = {"messages": [{"id": "wamid.HBgM"}]}
        with patch.object(requests, "post", return_value=response) as post:
            if side_effect:
                post.side_effect = side_effect
            yield post
