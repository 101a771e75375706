# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models

from odoo.addons.helpdesk_mgmt_status_page.tools.contact import mask_phone

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    status_whatsapp_last_inbound = fields.Datetime(
        string="Last WhatsApp message received", copy=False, readonly=True
    )
    status_last_notified = fields.Datetime(
        string="Customer last notified",
        copy=False,
        readonly=True,
        help="When a status message last went to the customer: a WhatsApp "
        "message from a number with several open tickets goes to the one "
        "notified last.",
    )

    # === BUSINESS METHODS: NOTIFICATIONS AND QUIET HOURS ===#

    def _send_status_notifications_for_page(self, page, kind):
        """A page whose channel is WhatsApp sends its status messages as
        the page's WhatsApp template; the main module then records the
        status as notified, as for its own channels (which it skips)."""
        if page.notify_channel == "whatsapp":
            self._send_status_whatsapp(page, kind)
        res = super()._send_status_notifications_for_page(page, kind)
        self.sudo().write({"status_last_notified": fields.Datetime.now()})
        return res

    # === BUSINESS METHODS: WHATSAPP ===#

    def _send_status_whatsapp(self, page, kind):
        """Send the page's WhatsApp template of ``kind`` to each ticket's
        phone, one per ticket, and note the outcome on the ticket's chatter.

        :param page: the tickets' ``helpdesk.status.page``
        :param str kind: ``create``, ``status``, ``late`` or ``link``
        """
        gateway = page.whatsapp_gateway_id
        template = page._get_status_whatsapp_template(kind)
        notes = {}
        for ticket in self:
            number = ticket._format_status_phone()
            if not (gateway and template):
                notes[ticket.id] = self.env._(
                    "No WhatsApp gateway or template on the status page: the "
                    "status WhatsApp message was not sent."
                )
            elif not number:
                notes[ticket.id] = self.env._(
                    "No phone number: the status WhatsApp message was not sent."
                )
            else:
                notes[ticket.id] = ticket._send_status_whatsapp_template(
                    gateway.sudo(), template, number
                )
        self._message_log_batch(notes)

    def _send_status_whatsapp_template(self, gateway, template, number):
        """Send one ticket's status template by WhatsApp, in the customer's
        language, to its E.164 ``number``.

        :return: the note for the ticket's chatter
        """
        self.ensure_one()
        template = template._get_status_lang_variant(self.status_page_lang)
        channel = self._get_status_whatsapp_channel(gateway, number)
        # mail_gateway_whatsapp reads the template and the record its
        # variables come from in the context.
        rendered = template.with_context(default_res_id=self.id).render_body_message()
        message = channel.with_context(
            whatsapp_template_id=template.id, res_id=self.id
        ).message_post(
            body=rendered, subtype_xmlid="mail.mt_comment", message_type="comment"
        )
        notification = message.notification_ids.filtered(
            lambda n: n.notification_type == "gateway"
        )
        masked = mask_phone(number, self._get_status_phone_country().phone_code)
        if notification and notification.notification_status == "exception":
            return self.env._(
                "The status WhatsApp message to %(phone)s could not be sent: %(error)s",
                phone=masked,
                error=notification.failure_reason,
            )
        return self.env._("Status link sent by WhatsApp to %(phone)s.", phone=masked)

    def _get_status_whatsapp_channel(self, gateway, number):
        """The gateway's WhatsApp conversation with ``number`` (E.164, the
        form verification compares), created on first use and linked to
        the ticket's customer."""
        self.ensure_one()
        token = number.lstrip("+")
        partner = self.partner_id
        links = self.env["res.partner.gateway.channel"].sudo()
        if partner and not links.search_count(
            [
                ("partner_id", "=", partner.id),
                ("gateway_id", "=", gateway.id),
                ("gateway_token", "=", token),
            ],
            limit=1,
        ):
            links.create(
                {
                    "name": gateway.name,
                    "partner_id": partner.id,
                    "gateway_id": gateway.id,
                    "gateway_token": token,
                }
            )
        name = partner.display_name or self.partner_name or number
        return (
            self.env["mail.gateway.whatsapp"]
            .sudo()
            ._get_channel(
                gateway,
                token,
                {
                    "contacts": [{"wa_id": token, "profile": {"name": name}}],
                    "messages": [{"from": token}],
                },
                force_create=True,
            )
        )

    # === BUSINESS METHODS: WHATSAPP REPLIES ===#

    @api.model
    def _get_status_whatsapp_tickets(self, gateway, number):
        """The tickets a WhatsApp message from ``number`` (E.164) to
        ``gateway`` may be about: those whose phone is that number as
        verification compares it, served by an active page that sends
        through ``gateway``, the most recently notified first.
        """
        if not number:
            return self.browse()
        tickets = self.sudo().search(
            [("status_contact_phone", "=", number)],
            order="status_last_notified desc nulls last, id desc",
            limit=200,
        )
        return tickets.filtered(
            lambda ticket: (
                ticket.status_page_id.active
                and ticket.status_page_id.whatsapp_gateway_id == gateway
                and ticket.status_page_id._is_ticket_reachable(ticket)
                and (ticket.partner_id or ticket.partner_email)
            )
        )

    def _post_status_whatsapp_reply(self, message):
        """Post the customer's WhatsApp ``message`` (as the gateway's
        conversation holds it, files included) on this ticket as the
        customer's public message, as a reply from the status page is
        posted: shown on the page, and counted as the customer's answer.

        :return: the ticket's new ``mail.message``
        """
        self.ensure_one()
        ticket = self.sudo()
        posted = ticket.with_context(mail_create_nosubscribe=True).message_post(
            body=message.body,
            author_id=ticket.partner_id.id or None,
            email_from=ticket.partner_id.email_formatted or ticket.partner_email,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            gateway_type="whatsapp",
            attachments=[
                (attachment.name, attachment.raw)
                for attachment in message.sudo().attachment_ids
            ],
        )
        self._after_status_customer_message()
        return posted

    def _after_status_customer_message(self):
        """What a customer's message from outside the page sets off, as a
        reply from the page does: from a waiting stage, the move to the
        stage's reply stage; the "Customer replied" activity."""
        self.ensure_one()
        stage = self.stage_id
        if stage.waiting_on_customer and stage.customer_reply_stage_id:
            self._move_status_as_customer(stage.customer_reply_stage_id)
        self._schedule_status_reply_activity(self.status_page_id)
