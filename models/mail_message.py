# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# What decides whether a message is a ticket's public message, and whose.
CUSTOMER_REPLIED_FIELDS = {
    "model",
    "res_id",
    "message_type",
    "subtype_id",
    "is_internal",
    "author_id",
}


class MailMessage(models.Model):
    """Keeps the tickets' stored *Customer replied* flag
    (``helpdesk.ticket.status_customer_replied``) in step with their public
    messages: one query per batch of messages, none for other messages."""

    _inherit = "mail.message"

    # === CRUD METHODS ===#

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        messages._update_status_customer_replied()
        return messages

    def write(self, vals):
        if not CUSTOMER_REPLIED_FIELDS.intersection(vals):
            return super().write(vals)
        before = self._get_status_ticket_ids()
        res = super().write(vals)
        self._update_status_customer_replied(before)
        return res

    def unlink(self):
        ticket_ids = self._get_status_ticket_ids()
        res = super().unlink()
        self.env["helpdesk.ticket"].sudo()._update_status_customer_replied(
            sorted(ticket_ids)
        )
        return res

    # === BUSINESS METHODS: CUSTOMER REPLIED ===#

    def _get_status_ticket_ids(self):
        """Tickets of which these messages are public messages (the status
        page's conversation, see ``_get_public_message_sql``)."""
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        return {
            message.res_id
            for message in self.sudo()
            if message.model == "helpdesk.ticket"
            and message.res_id
            and message.message_type in ("comment", "email")
            and not message.is_internal
            and message.subtype_id.id == comment
        }

    def _update_status_customer_replied(self, ticket_ids=()):
        ticket_ids = set(ticket_ids) | self._get_status_ticket_ids()
        self.env["helpdesk.ticket"].sudo()._update_status_customer_replied(
            sorted(ticket_ids)
        )
