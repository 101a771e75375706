# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import tagged

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestTicketLink(StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lang_en = cls.env.ref("base.lang_en")
        lang_ar = cls.env["res.lang"]._activate_lang("ar_001")
        lang_pl = cls.env["res.lang"]._activate_lang("pl_PL")
        cls.website = cls.env["website"].create(
            {
                "name": "Support site",
                "domain": "https://support.example.com",
                "default_lang_id": lang_en.id,
                "language_ids": [(6, 0, (lang_en + lang_ar + lang_pl).ids)],
            }
        )
        cls.page.website_id = cls.website

    def test_token_is_random_unique_and_not_portal_token(self):
        ticket = self.ticket.sudo()
        other = self._create_ticket().sudo()
        self.assertGreaterEqual(len(ticket.status_token), 32)  # >= 192 bits
        self.assertNotEqual(ticket.status_token, other.status_token)
        ticket._portal_ensure_token()
        self.assertNotEqual(ticket.status_token, ticket.access_token)

    def test_token_not_copied(self):
        copy = self.ticket.copy()
        self.assertTrue(copy.sudo().status_token)
        self.assertNotEqual(copy.sudo().status_token, self.ticket.sudo().status_token)
        self.assertEqual(len(copy.status_log_ids), 1)

    def test_regenerate_revokes_old_token(self):
        old_token = self.ticket.sudo().status_token
        old_url = self.ticket.status_page_url
        self.ticket.action_regenerate_status_token()
        self.assertNotEqual(self.ticket.sudo().status_token, old_token)
        self.assertNotEqual(self.ticket.status_page_url, old_url)
        self.assertIn("no longer works", self.ticket.message_ids[0].body)

    def test_page_url_and_ticket_url_per_language(self):
        token = self.ticket.sudo().status_token
        self.assertEqual(
            self.page.url, "https://support.example.com/status/test-support"
        )
        self.assertEqual(
            self.ticket.status_page_url,
            f"https://support.example.com/status/test-support/{token}",
        )
        self.partner.lang = "ar_001"
        self.assertEqual(
            self.ticket.status_page_url,
            f"https://support.example.com/ar/status/test-support/{token}",
        )
        self.partner.lang = "pl_PL"
        self.assertEqual(
            self.ticket.status_page_url,
            f"https://support.example.com/pl/status/test-support/{token}",
        )

    def test_url_follows_website(self):
        other_site = self.env["website"].create(
            {"name": "Other", "domain": "https://help.example.org"}
        )
        self.page.website_id = other_site
        self.assertEqual(self.page.url, "https://help.example.org/status/test-support")

    def test_page_from_team_else_company_default(self):
        self.assertEqual(self.ticket.status_page_id, self.page)
        no_team = self.env["helpdesk.ticket"].create(
            {
                "name": "No team",
                "description": "d",
                "partner_id": self.partner.id,
                "user_id": False,
                "team_id": False,
            }
        )
        self.assertFalse(no_team.team_id)
        self.env["helpdesk.status.page"].search([]).is_default = False
        no_team.invalidate_recordset(["status_page_id", "status_page_url"])
        self.assertFalse(no_team.status_page_id)
        self.assertFalse(no_team.status_page_url)
        self.page.is_default = True
        no_team.invalidate_recordset(["status_page_id", "status_page_url"])
        self.assertEqual(no_team.status_page_id, self.page)
        self.assertIn("/status/test-support/", no_team.status_page_url)

    def test_page_of_a_ticket_follows_every_link_change(self):
        """Which page serves which team is cached per server: a team linked
        from the page's form, unlinked, or a default page archived, all
        count at once."""
        Page = self.env["helpdesk.status.page"]
        other = Page.create({"name": "Other", "slug": "other"})
        other.team_ids = [Command.link(self.team.id)]
        self.ticket.invalidate_recordset(["status_page_id"])
        self.assertEqual(self.ticket.status_page_id, other)
        self.assertFalse(self.page._is_ticket_reachable(self.ticket))
        other.team_ids = [Command.unlink(self.team.id)]
        Page.search([]).is_default = False
        self.page.is_default = True
        self.ticket.invalidate_recordset(["status_page_id"])
        self.assertEqual(self.ticket.status_page_id, self.page)
        self.page.active = False
        self.ticket.invalidate_recordset(["status_page_id"])
        # Shared by every caller: a look-up among archived records (a dead
        # link's branded page) caches no archived default page.
        everything = self.ticket.with_context(active_test=False)
        self.assertFalse(everything.status_page_id)
        self.assertFalse(self.ticket.status_page_id)

    def test_partner_phone_from_partner(self):
        self.assertEqual(self.ticket.partner_phone, "+966 50 123 4567")
        mobile_only = self.env["res.partner"].create(
            {"name": "Mobile", "mobile": "+48 601 234 567"}
        )
        self.ticket.partner_id = mobile_only
        self.assertEqual(self.ticket.partner_phone, "+48 601 234 567")
        self.ticket.partner_phone = "+48 22 123 45 67"
        self.assertEqual(self.ticket.partner_phone, "+48 22 123 45 67")
        explicit = self._create_ticket(partner_phone="+966 11 000 0000")
        self.assertEqual(explicit.partner_phone, "+966 11 000 0000")
