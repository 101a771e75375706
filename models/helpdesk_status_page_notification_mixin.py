# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError


class HelpdeskStatusPageNotificationMixin(models.AbstractModel):
    """When and how a status page tells customers: events, channel, delay,
    templates, and a test send to the admin. Inherited by
    ``helpdesk.status.page``.
    """

    _name = "helpdesk.status.page.notification.mixin"
    _description = "Status Page Notification Settings"

    # Notifications
    notify_on_create = fields.Boolean(string="Notify on creation", default=True)
    notify_on_status_change = fields.Boolean(
        string="Notify on status change", default=True
    )
    notify_channel = fields.Selection(
        [
            ("auto", "Every channel the ticket has contact data for"),
            ("email", "E-mail"),
            ("sms", "SMS"),
            ("both", "E-mail and SMS"),
        ],
        string="Channel",
        required=True,
        default="auto",
    )
    notify_delay = fields.Integer(
        string="Notification delay (seconds)",
        default=60,
        help="A status change is sent only once the ticket has stayed in its "
        "new status this long, so quick corrections send nothing.",
    )
    mail_template_create_id = fields.Many2one(
        "mail.template",
        string="E-mail on creation",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_ticket_received", False
        ),
    )
    sms_template_create_id = fields.Many2one(
        "sms.template",
        string="SMS on creation",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_ticket_received", False
        ),
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail on status change",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_status_changed", False
        ),
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS on status change",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_status_changed", False
        ),
    )
    mail_template_link_id = fields.Many2one(
        "mail.template",
        string="E-mail with the status link",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.mail_template_status_link", False
        ),
        help='Sent by the ticket\'s "Send status link" button: here is your '
        "link, whether or not the status changed.",
    )
    sms_template_link_id = fields.Many2one(
        "sms.template",
        string="SMS with the status link",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_status_link", False
        ),
        help='Sent by the ticket\'s "Send status link" button.',
    )
    test_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Test with ticket",
        ondelete="set null",
        help="Ticket whose e-mail and SMS 'Send test' renders.",
    )

    def action_send_test(self):
        """Render this page's status e-mail and SMS for the chosen ticket and
        send them to the current user, to check templates before going live.

        The test is linked to no record: it never shows in the ticket's
        chatter as a message to the customer."""
        self.ensure_one()
        ticket = self.test_ticket_id
        user = self.env.user
        if not ticket:
            raise UserError(self.env._("Choose a ticket to render the test with."))
        if not (user.email or user.partner_id.phone or user.partner_id.mobile):
            raise UserError(
                self.env._("Set an e-mail or phone on your user to receive the test.")
            )
        sent = []
        if self.mail_template_id and user.email:
            self.mail_template_id.send_mail(
                ticket.id,
                email_values={
                    "email_to": user.email,
                    "recipient_ids": [],
                    "model": False,
                    "res_id": False,
                },
                email_layout_xmlid="mail.mail_notification_light",
            )
            sent.append(user.email)
        phone = user.partner_id.phone or user.partner_id.mobile
        if self.sms_template_id and phone:
            body = self.sms_template_id._render_field("body", ticket.ids)[ticket.id]
            self.env["sms.sms"].sudo().create(
                {"number": phone, "body": body, "partner_id": user.partner_id.id}
            )
            sent.append(phone)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Test queued to %(recipients)s.", recipients=", ".join(sent)
                ),
            },
        }
