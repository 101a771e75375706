# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo import http
from odoo.tests import tagged

from .test_customer_actions import PNG, StatusPageActionCommon
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


@tagged("post_install", "-at_install")
class TestStatusPageTourCustomerActions(StatusPageActionCommon):
    """The two-way page on a phone, as a public visitor: the customer
    answers the agent with a photo, the agent resolves, the customer rates.
    Two tours share one browser session; the agent acts in between."""

    browser_size = "360x740"
    touch_enabled = True

    def _start_tour_keeping_session(self, path, tour):
        """Run ``tour`` as a public visitor and return the id of the
        browser's session at its end. Verifying renews the session id (see
        ``helpdesk.status.grant._grant``), in the browser only: the store's
        own rotation, watched here, tells the new one."""
        store = http.root.session_store
        rotate, sids = store.rotate, []

        def watch_rotate(session, env):
            rotate(session, env)
            sids.append(session.sid)

        with patch.object(store, "rotate", watch_rotate):
            self.start_tour(path, tour)
        self.assertTrue(sids, "verifying renews the session id")
        return sids[-1]

    def test_customer_replies_with_photo_then_rates(self):
        self.page.verification_method = "match"
        self.stage_progress.customer_label = "We are on it"
        self.ticket.stage_id = self.stage_awaiting
        self._agent_says("<p>Which model is it?</p>")
        path = self._token_path()
        sid = self._start_tour_keeping_session(path, "helpdesk_status_page_reply_tour")
        self.assertEqual(self.ticket.stage_id, self.stage_progress)
        reply = self._customer_messages()
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.partner)
        self.assertEqual(reply.attachment_ids.mimetype, "image/png")
        self.assertEqual(reply.attachment_ids.raw, PNG)
        # The agent answers and resolves from the backend, with their rights.
        self._agent_says("<p>Replace the fuser: it works again.</p>")
        self.ticket.with_user(self.agent).stage_id = self.stage_done
        # The same visitor comes back: same browser session, same grant.
        self.start_tour(
            path, "helpdesk_status_page_rate_tour", cookies={"session_id": sid}
        )
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Fast and kind")
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.partner_id, self.partner)
        self.assertEqual(rating.rated_partner_id, self.agent.partner_id)
        self.assertTrue(self.ticket.status_solved_confirmed)
