# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.addons.mail.tests.common import MailCommon


class StatusPageCommon(MailCommon):
    """Tickets, a page and users, with mail tracking on.

    helpdesk_mgmt's test base disables tracking; status history and
    notifications depend on it, so this base keeps it enabled.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_cancelled = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
        )
        cls.company = cls.env.company
        cls.page = cls.env["helpdesk.status.page"].create(
            {"name": "Test support", "slug": "test-support"}
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Status team", "status_page_id": cls.page.id}
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Customer Saudi",
                "email": "customer@example.com",
                "phone": "+966 50 123 4567",
                "country_id": cls.env.ref("base.sa").id,
            }
        )
        cls.ticket = cls._create_ticket()

    @classmethod
    def _create_ticket(cls, **values):
        return cls.env["helpdesk.ticket"].create(
            {
                "name": "Printer on fire",
                "description": "<p>It smokes.</p>",
                "team_id": cls.team.id,
                "partner_id": cls.partner.id,
                "partner_email": cls.partner.email,
                **values,
            }
        )

    def _last_code(self, kind="email"):
        """The one-time code in the latest code e-mail or SMS."""
        if kind == "email":
            mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
            body = re.sub(r"<[^>]+>", " ", mail.body_html)
        else:
            body = self.env["sms.sms"].sudo().search([], order="id desc", limit=1).body
        return re.search(r"\b(\d{4,8})\b", body.replace(self.ticket.number, "")).group(
            1
        )
