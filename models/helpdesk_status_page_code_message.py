# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class HelpdeskStatusPageCodeMessage(models.AbstractModel):
    """The e-mail and SMS that carry a one-time code: never in a chatter,
    in the language of the page the customer is using. Inherited by
    ``helpdesk.status.page.challenge``.
    """

    _name = "helpdesk.status.page.code.message"
    _description = "Status Page Code Messages"

    @api.model
    def _queue_code_mail(self, ticket, code, lang):
        """Queue the code e-mail, linked to no record: never in the chatter,
        deleted once sent. Rendered without a notification layout, a code
        needs none and the customer waits for it."""
        # A data record, looked up from the cache without a query for its
        # existence: the customer waits for this e-mail.
        template_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "helpdesk_mgmt_status_page.mail_template_status_code"
        )
        template = self.env["mail.template"].sudo().browse(template_id)
        # The customer (language) and the company (sender) in one read.
        (ticket.partner_id | ticket.company_id.partner_id).fetch(
            ["lang", "name", "email"]
        )
        values = template.with_context(
            status_code=code, template_preview_lang=lang
        )._generate_template(ticket.ids, ("subject", "body_html", "email_from"))[
            ticket.id
        ]
        self.env["mail.mail"].sudo().create(
            {
                "subject": values["subject"],
                "body_html": values["body_html"],
                "email_from": values["email_from"],
                "reply_to": values["email_from"],
                "author_id": ticket.company_id.partner_id.id,
                "email_to": ticket._get_status_email(),
                "auto_delete": True,
            }
        )

    @api.model
    def _queue_code_sms(self, ticket, code, lang):
        """Queue the code SMS, without a chatter message."""
        template = self.env.ref(
            "helpdesk_mgmt_status_page.sms_template_status_code"
        ).sudo()
        body = template.with_context(
            status_code=code, template_preview_lang=lang
        )._render_field("body", ticket.ids, compute_lang=True)[ticket.id]
        # WebOTP: phones offer a code whose last line names the page's host.
        body += f"\n\n@{ticket.status_page_id._get_webotp_host()} #{code}"
        self.env["sms.sms"].sudo().create(
            {
                "number": ticket._format_status_phone() or ticket.partner_phone,
                "body": body,
                "partner_id": ticket.partner_id.id,
                "state": "outgoing",
            }
        )
        self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
