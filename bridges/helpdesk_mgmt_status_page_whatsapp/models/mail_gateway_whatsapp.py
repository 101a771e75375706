# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models
from odoo.tools import plaintext2html

from ..tools.whatsapp import named_number, sent_at, wa_id_to_e164

# A message within this time of the number's previous one continues the
# conversation: no new acknowledgement.
CONVERSATION_GAP = timedelta(hours=1)


class MailGatewayWhatsappService(models.AbstractModel):
    """Customers' WhatsApp messages in their tickets.

    mail_gateway_whatsapp posts every incoming message in the gateway's
    conversation with the number (Discuss). A message from the phone of an
    open ticket served through the gateway also lands in the ticket, as
    the customer's public message (see ``helpdesk.ticket``,
    ``_post_status_whatsapp_reply``). Nothing else changes: a number with
    no such ticket gets no answer and its message stays in the gateway's
    conversation, and the webhook answers every signed request alike.
    """

    _inherit = "mail.gateway.whatsapp"

    # === BUSINESS METHODS: STATUS PAGE REPLIES ===#

    def _process_update(self, chat, message, value):
        Message = self.env["mail.message"].sudo()
        domain = [("model", "=", "discuss.channel"), ("res_id", "=", chat.id)]
        last = Message.search(domain, order="id desc", limit=1).id or 0
        res = super()._process_update(chat, message, value)
        posted = Message.search(
            domain + [("id", ">", last), ("message_type", "=", "comment")],
            order="id",
            limit=1,
        )
        if posted:
            self._route_status_reply(chat, message, posted)
        return res

    def _route_status_reply(self, chat, message, posted):
        """Post the customer's message ``posted`` (in the conversation
        ``chat``) on the ticket it is about: among the open tickets of the
        sender's number, the one its first word names (``HT00012 …``),
        else the most recently notified one. The first message of a
        conversation (none for an hour), and one going to another ticket
        than the previous one, are acknowledged, with how to choose another
        ticket when the number has several.

        :param dict message: the message as the webhook gave it
        """
        gateway = chat.gateway_id
        Ticket = self.env["helpdesk.ticket"].sudo()
        tickets = Ticket._get_status_whatsapp_tickets(
            gateway, wa_id_to_e164(message.get("from"))
        )
        if not tickets:
            return
        now = fields.Datetime.now()
        previous = max(
            (
                t.status_whatsapp_last_inbound
                for t in tickets
                if t.status_whatsapp_last_inbound
            ),
            default=None,
        )
        # Meta's customer-service window is the number's, whichever ticket
        # the message is about.
        tickets.write(
            {"status_whatsapp_last_inbound": sent_at(message.get("timestamp"), now)}
        )
        open_tickets = tickets.filtered(lambda ticket: ticket._is_status_open())
        linked = posted.gateway_message_id
        if linked:
            # mail_gateway posted it already on the record whose message the
            # customer answered (a WhatsApp reply to a message of the ticket).
            ticket = open_tickets.filtered(
                lambda t: linked.model == t._name and linked.res_id == t.id
            )
            if ticket:
                ticket._after_status_customer_message()
            return
        if not open_tickets:
            return
        text = (message.get("text") or {}).get("body") or ""
        for kind in ("image", "video", "document"):
            text = text or (message.get(kind) or {}).get("caption") or ""
        number = named_number(text, open_tickets.mapped("number"))
        ticket = open_tickets.filtered(lambda t: t.number == number)[:1]
        ticket = ticket or open_tickets[0]
        # The ticket the conversation's previous message went to.
        before = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", chat.id),
                    ("id", "<", posted.id),
                    ("gateway_message_id.model", "=", ticket._name),
                ],
                order="id desc",
                limit=1,
            )
            .gateway_message_id.res_id
        )
        posted.gateway_message_id = ticket._post_status_whatsapp_reply(posted)
        if (
            number
            or before != ticket.id
            or not previous
            or previous < now - CONVERSATION_GAP
        ):
            self._answer_status_reply(chat, ticket, open_tickets - ticket)

    def _answer_status_reply(self, chat, ticket, others):
        """Tell the customer, in their language, which ticket their message
        went to, and how to choose one of ``others`` (their other open
        tickets) instead: a free text message in the conversation, inside
        the 24-hour window the customer's message opened."""
        env = self.with_context(lang=ticket.status_page_lang).env
        lines = [
            env._(
                "Thank you, we added your message to your request %(number)s.",
                number=ticket.number,
            )
        ]
        if others:
            lines.append(
                env._(
                    "To write about another request (%(numbers)s), start your "
                    "message with its number.",
                    numbers=", ".join(others.mapped("number")),
                )
            )
        chat.sudo().with_context(no_gateway_notification=False).message_post(
            body=plaintext2html("\n".join(lines)),
            author_id=ticket.company_id.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
