# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

# What a test message rendered with a sample ticket keeps (see
# _send_status_test_sample).
TEST_MAIL_FIELDS = ("subject", "body_html", "email_from", "email_to", "reply_to")
TEST_SMS_FIELDS = ("number", "body", "partner_id")


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
        help="Ticket the preview and the e-mail and SMS of 'Send test' show. "
        "Empty: the latest ticket of a linked team, else a sample ticket.",
    )

    def action_send_test(self):
        """Render this page's status e-mail and SMS for the ticket of its
        preview (a sample ticket when it has none), through this page, and
        send them to the current user, to check templates before going live.

        The test is linked to no record: it never shows in the ticket's
        chatter as a message to the customer."""
        self.ensure_one()
        user = self.env.user
        if not (user.email or user.partner_id.phone or user.partner_id.mobile):
            raise UserError(
                self.env._("Set an e-mail or phone on your user to receive the test.")
            )
        page = self.with_context(status_page_preview=self.id)
        ticket = page._get_preview_ticket()
        if ticket:
            mails, texts = page._send_status_test(ticket)
        else:
            mails, texts = page._send_status_test_sample()
        recipients = ", ".join(mails.mapped("email_to") + texts.mapped("number"))
        if ticket:
            message = self.env._(
                "Test of ticket %(ticket)s queued to %(recipients)s.",
                ticket=ticket.display_name,
                recipients=recipients,
            )
        else:
            message = self.env._(
                "Test queued to %(recipients)s, with a sample ticket: this "
                "page serves no ticket yet.",
                recipients=recipients,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": message},
        }

    def _send_status_test_sample(self):
        """``_send_status_test`` with a sample ticket. What it queues goes
        with the sample's savepoint: it is queued again after, as rendered.
        """
        with self._sample_ticket() as sample:
            mails, texts = self._send_status_test(sample)
            mail_values = [
                {key: vals[key] for key in TEST_MAIL_FIELDS}
                for vals in mails.read(TEST_MAIL_FIELDS, load=None)
            ]
            sms_values = [
                {key: vals[key] for key in TEST_SMS_FIELDS}
                for vals in texts.read(TEST_SMS_FIELDS, load=None)
            ]
        return (
            self.env["mail.mail"].sudo().create(mail_values),
            self.env["sms.sms"].sudo().create(sms_values),
        )

    def _send_status_test(self, ticket):
        """Queue the status e-mail and SMS rendered for ``ticket`` to the
        current user, each where the page has a template and the user an
        address.

        :return: the ``mail.mail`` and the ``sms.sms`` queued
        """
        self.ensure_one()
        user = self.env.user
        mails = self.env["mail.mail"].sudo()
        texts = self.env["sms.sms"].sudo()
        if self.mail_template_id and user.email:
            mails = mails.browse(
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
            )
        phone = user.partner_id.phone or user.partner_id.mobile
        if self.sms_template_id and phone:
            body = self.sms_template_id._render_field("body", ticket.ids)[ticket.id]
            texts = texts.create(
                {"number": phone, "body": body, "partner_id": user.partner_id.id}
            )
        return mails, texts
