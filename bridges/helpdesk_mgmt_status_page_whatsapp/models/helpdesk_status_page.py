# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

WHATSAPP_TEMPLATE_DOMAIN = (
    "[('gateway_id', '=', whatsapp_gateway_id), ('category', '=', 'utility'),"
    " ('model', '=', 'helpdesk.ticket')]"
)


class HelpdeskStatusPage(models.Model):
    _inherit = "helpdesk.status.page"

    notify_channel = fields.Selection(
        selection_add=[("whatsapp", "WhatsApp")],
        ondelete={"whatsapp": "set default"},
    )
    whatsapp_gateway_id = fields.Many2one(
        "mail.gateway",
        string="WhatsApp gateway",
        domain=[("gateway_type", "=", "whatsapp")],
        ondelete="set null",
        help="The WhatsApp Business number the page's WhatsApp messages are sent from.",
    )
    whatsapp_template_create_id = fields.Many2one(
        "mail.whatsapp.template",
        string="WhatsApp on creation",
        domain=WHATSAPP_TEMPLATE_DOMAIN,
        ondelete="set null",
    )
    whatsapp_template_id = fields.Many2one(
        "mail.whatsapp.template",
        string="WhatsApp on status change",
        domain=WHATSAPP_TEMPLATE_DOMAIN,
        ondelete="set null",
        help="An approved utility template whose dynamic URL button opens "
        "the customer's status link. The template with the same name in the "
        "customer's language is used when there is one.",
    )
    whatsapp_template_late_id = fields.Many2one(
        "mail.whatsapp.template",
        string="WhatsApp when running late",
        domain=WHATSAPP_TEMPLATE_DOMAIN,
        ondelete="set null",
    )
    whatsapp_template_link_id = fields.Many2one(
        "mail.whatsapp.template",
        string="WhatsApp status link",
        domain=WHATSAPP_TEMPLATE_DOMAIN,
        ondelete="set null",
    )
    whatsapp_template_code_id = fields.Many2one(
        "mail.whatsapp.template",
        string="WhatsApp code template",
        domain="[('gateway_id', '=', whatsapp_gateway_id),"
        " ('category', '=', 'authentication')]",
        ondelete="set null",
        help="An approved authentication template with a copy-code button: "
        "the code step then offers customers who verify with their phone "
        "to get their code by WhatsApp. The template with the same name in "
        "the customer's language is used when there is one.",
    )

    # === BUSINESS METHODS: WHATSAPP ===#

    def _get_status_whatsapp_template(self, kind):
        """The page's WhatsApp template for a message kind.

        :param str kind: ``create``, ``status``, ``late`` or ``link``
        :return: a ``mail.whatsapp.template``, maybe empty
        """
        self.ensure_one()
        return {
            "create": self.whatsapp_template_create_id,
            "status": self.whatsapp_template_id,
            "late": self.whatsapp_template_late_id,
            "link": self.whatsapp_template_link_id,
        }[kind]

    def _get_status_fallback_templates(self, kind):
        """The page's e-mail and SMS templates of a message kind, sent
        instead of a WhatsApp message that failed.

        :return: ``(mail.template, sms.template)``, maybe empty
        """
        self.ensure_one()
        return {
            "create": (self.mail_template_create_id, self.sms_template_create_id),
            "status": (self.mail_template_id, self.sms_template_id),
            "late": (self.mail_template_late_id, self.sms_template_late_id),
            "link": (self.mail_template_link_id, self.sms_template_link_id),
        }[kind]
