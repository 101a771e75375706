# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailNotification(models.Model):
    """A WhatsApp message Meta accepted may still fail to be delivered: its
    ``failed`` status webhook marks the notification as an exception (see
    mail_gateway_whatsapp's ``_process_update_status``). A status message
    of a ticket then falls back to SMS, then e-mail, as a refused one does.
    Refusals while sending are handled by the sender
    (``helpdesk.ticket._post_status_whatsapp``, context
    ``status_whatsapp_sending``)."""

    _inherit = "mail.notification"

    # === CRUD METHODS ===#

    def write(self, vals):
        failed = self.browse()
        if vals.get("notification_status") == "exception" and not (
            self.env.context.get("status_whatsapp_sending")
        ):
            failed = self.filtered(
                lambda n: n.notification_type == "gateway"
                and n.gateway_type == "whatsapp"
                and n.gateway_message_id
                and n.notification_status != "exception"
            )
        res = super().write(vals)
        if failed:
            self.env["helpdesk.ticket"].sudo()._on_status_whatsapp_failed(failed)
        return res
