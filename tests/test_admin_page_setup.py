# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import new_test_user, tagged

from .common import StatusPageCommon
from .test_status_page_http import StatusPageHttpCommon


class AdminPageSetupCommon(StatusPageHttpCommon):
    """A team with a ticket property and a ticket, served by no page yet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.printer_team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Printer team",
                "ticket_properties": [
                    {"name": "printer_model", "string": "Printer model", "type": "char"}
                ],
            }
        )
        cls.printer_ticket = cls._create_ticket(
            name="Paper jam",
            team_id=cls.printer_team.id,
            priority="2",
        )
        cls.printer_ticket.properties = {"printer_model": "LaserJet 4000"}

    def _customer_view(self, page, ticket):
        """The ticket's page as its verified customer sees it."""
        # A visitor of their own, not the admin of the tour: the server
        # opens the session (and renews it on verifying).
        del self.opener.cookies["session_id"]
        page.verification_method = "match"
        path = f"/status/{page.slug}/{ticket.status_token}"
        response = self._post(f"{path}/verify", {"contact": "customer@example.com"})
        self.assertIn("o_status_timeline", response.text)
        return response.text


@tagged("post_install", "-at_install")
class TestAdminPageSetupTour(AdminPageSetupCommon):
    def test_admin_sets_a_page_up_through_the_picker(self):
        """Item 1 of issue 21: the picker offers the ticket's fields and the
        teams' properties, on a page made from scratch in the backend; the
        page's options, clicked as an admin does, are saved."""
        self.start_tour("/odoo", "helpdesk_status_page_admin_tour", login="admin")
        page = self.env["helpdesk.status.page"].search([("slug", "=", "printer-care")])
        self.assertEqual(page.team_ids, self.printer_team)
        # The options clicked in the header and the tabs, saved.
        self.assertRecordValues(
            page,
            [
                {
                    "website_menu": True,
                    "remember_days": 60,
                    "email_one_tap": True,
                    "email_one_tap_hours": 12,
                    "times_zone": "customer",
                    "quiet_hours_enabled": True,
                    "quiet_start": 22.5,
                    "quiet_end": 6.75,
                    "hide_empty_fields": False,
                    "reply_activity": False,
                }
            ],
        )
        self.assertTrue(page.website_menu_ids)
        self.assertEqual(
            [
                (line.field_name, line.property_name, line.label)
                for line in page.field_ids
            ],
            [("priority", False, "Urgency"), ("properties", "printer_model", False)],
        )
        html = self._customer_view(page, self.printer_ticket)
        self.assertRegex(html, r"<dt[^>]*>Urgency</dt>\s*<dd[^>]*>High</dd>")
        self.assertRegex(
            html, r"<dt[^>]*>Printer model</dt>\s*<dd[^>]*>LaserJet 4000</dd>"
        )


@tagged("post_install", "-at_install")
class TestAdminPagePreviewAndTest(AdminPageSetupCommon):
    """Item 2 of issue 21: preview and test show this page, its settings and
    its link, whatever ticket they render; a sample ticket when none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.email = "admin@example.com"
        cls.env.user.partner_id.phone = "+48 601 000 000"

    def _new_page(self, **values):
        return self.env["helpdesk.status.page"].create(
            {"name": "Printer care", "slug": "printer-care", **values}
        )

    def _last(self, model):
        return self.env[model].sudo().search([], order="id desc", limit=1)

    def test_preview_of_a_page_without_ticket_shows_a_sample(self):
        page = self._new_page()
        tickets = self.env["helpdesk.ticket"].search_count([])
        url = page.action_preview()["url"]
        self.assertEqual(url, f"/status/preview/sample?page_id={page.id}")
        self.authenticate("admin", "admin")
        response = self._get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_status_timeline", response.text)
        self.assertIn("o_status_sample", response.text)
        self.assertIn("Sample ticket", response.text)
        # Nothing of the sample stays.
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets)
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("number", "=", "SAMPLE")])
        )

    def test_sample_preview_needs_a_helpdesk_user_who_reads_the_page(self):
        page = self._new_page()
        new_test_user(self.env, login="hsp_portal_s", groups="base.group_portal")
        for login in (None, "hsp_portal_s"):
            with self.subTest(login=login):
                if login:
                    self.authenticate(login, login)
                response = self._get(f"/status/preview/sample?page_id={page.id}")
                self.assertNotIn("o_status_timeline", response.text)
        self.authenticate("admin", "admin")
        for page_id in ("", "x1", "999999999"):
            with self.subTest(page_id=page_id):
                response = self._get(f"/status/preview/sample?page_id={page_id}")
                self.assertEqual(response.status_code, 404)

    def test_preview_shows_this_page_with_another_teams_ticket(self):
        """The test ticket belongs to another page: the preview still shows
        this page's labels, promise and links."""
        page = self._new_page(
            label_received="Got it",
            promise_mode="days",
            promise_days=3,
            test_ticket_id=self.ticket.id,
        )
        self.page.write({"label_received": "Registered", "promise_mode": "none"})
        url = page.action_preview()["url"]
        self.assertEqual(url, f"/status/preview/{self.ticket.id}?page_id={page.id}")
        self.authenticate("admin", "admin")
        html = self._get(url).text
        self.assertIn("Got it", html)
        self.assertNotIn("Registered", html)
        self.assertIn("o_status_promise", html)
        self.assertNotIn("o_status_sample", html)
        self.assertNotIn(f"/status/{self.page.slug}", html)

    def test_send_test_of_a_page_without_ticket_uses_a_sample(self):
        page = self._new_page()
        tickets = self.env["helpdesk.ticket"].search_count([])
        mails = self.env["mail.mail"].sudo().search_count([])
        action = page.action_send_test()
        self.assertIn("sample ticket", action["params"]["message"])
        # The test only: nothing for the sample's customer.
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails + 1)
        mail = self._last("mail.mail")
        self.assertEqual(mail.email_to, "admin@example.com")
        self.assertIn("SAMPLE", mail.subject)
        self.assertIn(f"/status/{page.slug}/", mail.body_html)
        self.assertFalse(mail.model or mail.res_id)
        sms = self._last("sms.sms")
        self.assertEqual(sms.number, "+48 601 000 000")
        self.assertIn(f"/status/{page.slug}/", sms.body)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets)

    def test_send_test_shows_this_page_with_another_teams_ticket(self):
        page = self._new_page(test_ticket_id=self.ticket.id)
        action = page.action_send_test()
        link = f"/status/{page.slug}/{self.ticket.status_token}"
        self.assertIn(link, self._last("mail.mail").body_html)
        self.assertIn(link, self._last("sms.sms").body)
        self.assertIn(self.ticket.number, action["params"]["message"])
        self.assertNotIn(
            f"/status/{self.page.slug}/", self._last("mail.mail").body_html
        )
        # The ticket itself is still served by its own page.
        self.ticket.invalidate_recordset()
        self.assertEqual(self.ticket.status_page_id, self.page)
        self.assertIn(f"/status/{self.page.slug}/", self.ticket.status_page_url)


@tagged("post_install", "-at_install")
class TestFieldLabelTranslation(StatusPageCommon):
    def test_label_translated_through_update_field_translations(self):
        """Item 3 of issue 21: the translation dialog's call works and the
        page shows the new label at once."""
        self.env["res.lang"]._activate_lang("pl_PL")
        Line = self.env["helpdesk.status.page.field"]
        line = Line.create(
            {
                "page_id": self.page.id,
                "field_id": self.env["ir.model.fields"]
                ._get("helpdesk.ticket", "priority")
                .id,
                "label": "Urgency",
            }
        )
        polish = Line.with_context(lang="pl_PL")
        self.assertEqual(polish._get_shown_lines(self.page.id)[0][2], "Urgency")
        line.update_field_translations("label", {"pl_PL": "Pilność"})
        self.assertEqual(polish._get_shown_lines(self.page.id)[0][2], "Pilność")
        self.assertEqual(Line._get_shown_lines(self.page.id)[0][2], "Urgency")
