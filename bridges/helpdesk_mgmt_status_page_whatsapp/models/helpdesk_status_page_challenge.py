# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.whatsapp import code_template_payload

_logger = logging.getLogger(__name__)


class HelpdeskStatusPageChallenge(models.Model):
    """One-time codes by WhatsApp: the page's authentication template with
    a copy-code button, sent to the ticket's phone when the customer who
    verifies with it picks WhatsApp on the code step.

    A WhatsApp code is one more code of the ticket: every limit of
    ``_take_slot`` applies to it unchanged, codes per hour and wrong codes
    per day counted across e-mail, SMS and WhatsApp together, the resend
    delay per channel as for e-mail and SMS, and only the ticket's latest
    code works, whichever channel it went by.
    """

    _inherit = "helpdesk.status.page.challenge"

    # === FIELDS ===#

    channel = fields.Selection(
        selection_add=[("whatsapp", "WhatsApp")], ondelete={"whatsapp": "cascade"}
    )

    # === BUSINESS METHODS: RATE LIMITS ===#

    @api.model
    def _get_channel_label(self, channel):
        if channel == "whatsapp":
            return self.env._("by WhatsApp")
        return super()._get_channel_label(channel)

    # === BUSINESS METHODS: CODES ===#

    @api.model
    def _is_whatsapp_code_offered(self, page, ticket, channel):
        """Whether the code step offers to send ``ticket``'s code by
        WhatsApp: the page has a WhatsApp gateway and a code template, the
        customer verifies with the phone (``channel``: a code sent to the
        phone proves the phone, nothing else) and the ticket's phone reads
        as a number."""
        return bool(
            channel == "phone"
            and page.whatsapp_gateway_id
            and page.whatsapp_template_code_id
            and ticket._format_status_phone()
        )

    @api.model
    def _send_code(self, page, ticket, kind, lang=None):
        """A code by WhatsApp goes out at once, through the Graph API; when
        Meta refuses it, nothing of it is kept (the code sent before still
        works) and the customer is told to use SMS."""
        if kind != "whatsapp":
            return super()._send_code(page, ticket, kind, lang=lang)
        if not self._is_whatsapp_code_offered(page, ticket, "phone"):
            raise UserError(
                self.env._("Codes cannot be sent by WhatsApp for this request.")
            )
        try:
            with self.env.cr.savepoint():
                return super()._send_code(page, ticket, kind, lang=lang)
        except requests.exceptions.RequestException as error:
            _logger.warning(
                "WhatsApp code for ticket %s not sent: %s", ticket.id, error
            )
            raise UserError(
                self.env._(
                    "The code could not be sent by WhatsApp. Ask for a new "
                    "code by SMS, or try again later."
                )
            ) from error

    # === BUSINESS METHODS: CODE MESSAGES ===#

    @api.model
    def _queue_code(self, page, ticket, kind, code, lang):
        if kind == "whatsapp":
            return self._send_code_whatsapp(page, ticket, code, lang)
        return super()._queue_code(page, ticket, kind, code, lang)

    @api.model
    def _send_code_whatsapp(self, page, ticket, code, lang):
        """Send ``code`` to the ticket's phone as the page's authentication
        template, in the customer's language (``lang``: the page's), at
        once. Straight to the Graph API, not through a gateway
        conversation: the code is never stored, as an SMS code is deleted
        once sent.

        :raise requests.exceptions.RequestException: Meta refused it
        """
        gateway = page.whatsapp_gateway_id.sudo()
        template = page.whatsapp_template_code_id.sudo()._get_status_lang_variant(
            lang or ticket.status_page_lang
        )
        number = ticket._format_status_phone()
        response = requests.post(
            f"https://graph.facebook.com/v{gateway.whatsapp_version}/"
            f"{gateway.whatsapp_from_phone}/messages",
            headers={"Authorization": f"Bearer {gateway.token}"},
            json=code_template_payload(
                number.lstrip("+"), template.template_name, template.language, code
            ),
            timeout=10,
            proxies=self.env["mail.gateway.whatsapp"]._get_proxies(),
        )
        response.raise_for_status()
