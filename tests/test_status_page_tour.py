# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .test_status_page_http import StatusPageHttpCommon


class StatusPageTourCommon(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_progress.customer_label = "We are on it"
        cls.ticket.stage_id = cls.stage_progress
        website = cls.env["website"].get_current_website()
        website.language_ids |= cls.env["res.lang"]._activate_lang("ar_001")

    def _run_tours(self):
        with self.subTest(tour="e-mail"):
            self.start_tour(
                self._token_path(), "helpdesk_status_page_email_tour", login="admin"
            )
            self.assertTrue(self.ticket.status_page_last_view)
        with self.subTest(tour="SMS"):
            self._run_sms_journey()

    def _run_sms_journey(self):
        """The phone's journey as a public visitor, in two tours sharing one
        session: the visitor cannot read the SMS queue, the test can."""
        # Its own ticket: a ticket's codes wait for the resend delay.
        ticket = self._create_ticket(stage_id=self.stage_progress.id)
        path = self._token_path(ticket)
        self.start_tour(path, "helpdesk_status_page_sms_tour")
        code = self._last_code("sms")
        # Keep the visitor's session: authenticate() deletes the previous one.
        sid, self.session = self.session.sid, None
        self.start_tour(
            f"/ar{path}/code#{code}",
            "helpdesk_status_page_sms_tour_part2",
            cookies={"session_id": sid},
        )
        self.assertTrue(ticket.status_page_last_view)


@tagged("post_install", "-at_install")
class TestStatusPageTourPublic(StatusPageTourCommon):
    browser_size = "360x740"
    touch_enabled = True

    def test_public_visitor_looks_a_ticket_up(self):
        self.page.verification_method = "match"
        self.ticket.number = "HT90001"
        self.start_tour(f"/status/{self.page.slug}", "helpdesk_status_page_public_tour")
        self.assertTrue(self.ticket.status_page_last_view)


@tagged("post_install", "-at_install")
class TestStatusPageTourPhone(StatusPageTourCommon):
    browser_size = "360x740"
    touch_enabled = True

    def test_tours_on_phone(self):
        self._run_tours()


@tagged("post_install", "-at_install")
class TestStatusPageTourDesktop(StatusPageTourCommon):
    def test_tours_on_desktop(self):
        self._run_tours()
