# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestAccess(StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, login="hsp_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.manager = new_test_user(
            cls.env, login="hsp_manager", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.portal = new_test_user(
            cls.env, login="hsp_portal", groups="base.group_portal"
        )
        cls.public = cls.env.ref("base.public_user")
        cls.line = cls.env["helpdesk.status.page.field"].create(
            {
                "page_id": cls.page.id,
                "field_id": cls.env["ir.model.fields"]
                ._get("helpdesk.ticket", "priority")
                .id,
            }
        )

    def test_agent_reads_but_cannot_edit_pages(self):
        page = self.page.with_user(self.agent)
        self.assertEqual(page.name, "Test support")
        self.assertEqual(self.line.with_user(self.agent).field_id.name, "priority")
        with self.assertRaises(AccessError):
            page.write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.env["helpdesk.status.page"].with_user(self.agent).create(
                {"name": "Mine", "slug": "mine"}
            )
        with self.assertRaises(AccessError):
            self.line.with_user(self.agent).unlink()

    def test_manager_configures_pages(self):
        page = (
            self.env["helpdesk.status.page"]
            .with_user(self.manager)
            .create({"name": "Managed", "slug": "managed"})
        )
        page.write({"verification_method": "match"})
        self.assertEqual(page.verification_method, "match")

    def test_agent_reads_history_and_moves_tickets(self):
        ticket = self.ticket.with_user(self.agent)
        ticket.stage_id = self.stage_progress
        logs = ticket.status_log_ids
        self.assertEqual(len(logs), 2)
        self.assertIn(self.agent, logs.author_id)
        with self.assertRaises(AccessError):
            logs[:1].write({"main_status": "closed"})
        with self.assertRaises(AccessError):
            logs[:1].unlink()

    def test_portal_and_public_read_nothing(self):
        for user in (self.portal, self.public):
            for model in (
                "helpdesk.status.page",
                "helpdesk.status.page.field",
                "helpdesk.ticket.status.log",
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} {model}"):
                    self.env[model].with_user(user).search([])

    def test_status_token_hidden_from_portal(self):
        self.ticket.sudo().partner_id = self.portal.partner_id
        with self.assertRaises(AccessError):
            _token = self.ticket.with_user(self.portal).status_token

    def test_other_company_page_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_page = self.env["helpdesk.status.page"].create(
            {"name": "Theirs", "slug": "theirs", "company_id": other_company.id}
        )
        pages = self.env["helpdesk.status.page"].with_user(self.manager).search([])
        self.assertNotIn(other_page, pages)
