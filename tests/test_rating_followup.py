# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rating with five accessible stars, the score in the thank-you, and the
follow-up question after the reopen window: a new linked ticket, opened at
once without a new code."""

import re
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_customer_actions import StatusPageActionCommon

LATER = timedelta(days=15)  # past the default 14-day reopen window


@tagged("post_install", "-at_install")
class TestRatingFollowup(StatusPageActionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket.write(
            {"partner_phone": "+966 50 123 4567", "stage_id": cls.stage_done.id}
        )
        cls.other = cls._create_ticket(name="Other customer's ticket")
        cls.other.stage_id = cls.stage_done

    @contextmanager
    def _later(self):
        """Past the reopen window, verified again (a grant lasts a day)."""
        with self.mock_datetime_and_now(fields.Datetime.now() + LATER):
            self._grant()
            yield

    def _followups(self, ticket=None):
        return self.env["helpdesk.ticket"].search(
            [("status_followup_of_id", "=", (ticket or self.ticket).id)]
        )

    def _reply_slots(self, ticket=None):
        return self.env["helpdesk.status.page.challenge"].search_count(
            [("ticket_id", "=", (ticket or self.ticket).id), ("kind", "=", "reply")]
        )

    # ------------------------------------------------------------
    # Stars
    # ------------------------------------------------------------

    def test_rating_is_a_group_of_five_labelled_stars(self):
        self._grant()
        self._act("solved")
        html = self._get(self._token_path()).text
        form = re.search(r"<form[^>]*o_status_rate_form.*?</form>", html, re.S).group(0)
        fieldset = re.search(r"<fieldset.*?</fieldset>", form, re.S).group(0)
        self.assertIn("<legend", fieldset)
        radios = re.findall(r'<input type="radio"[^>]*name="rating"[^>]*>', fieldset)
        self.assertEqual(len(radios), 5)
        labels = re.findall(
            r'<label for="o_status_rating_(\d)"[^>]*>.*?'
            r'<span class="visually-hidden">([^<]*)</span>',
            fieldset,
            re.S,
        )
        self.assertEqual(
            labels,
            [
                ("1", "1 star"),
                ("2", "2 stars"),
                ("3", "3 stars"),
                ("4", "4 stars"),
                ("5", "5 stars"),
            ],
        )
        for value, radio in enumerate(radios, 1):
            self.assertIn(f'id="o_status_rating_{value}"', radio)
            self.assertIn(f'value="{value}"', radio)
        self.assertIn("fa-star-o", fieldset)
        # No bare numbers as the choices' visible text.
        self.assertFalse(re.search(r">\s*[1-5]\s*</label>", fieldset))

    def test_thank_you_shows_the_score_given(self):
        self._grant()
        self._act("solved")
        self._act("rate", {"rating": "4", "comment": "Quick"})
        html = self._get(self._token_path()).text
        self.assertIn("Thank you for your feedback", html)
        self.assertIn("You rated 4 out of 5", html)
        score = re.search(r'o_status_rated".*?</span>', html, re.S).group(0)
        self.assertEqual(score.count('"fa fa-star"'), 4)
        self.assertEqual(score.count('"fa fa-star-o"'), 1)
        self.assertEqual(
            self.ticket._get_status_actions(self.page)["rated"],
            (4, "You rated 4 out of 5"),
        )

    # ------------------------------------------------------------
    # Follow-up question
    # ------------------------------------------------------------

    def test_followup_after_window_creates_linked_ticket_and_grants_it(self):
        self._grant()
        self.assertNotIn("o_status_followup_form", self._get(self._token_path()).text)
        with self._later():
            view = self._get(self._token_path()).text
            self.assertIn("o_status_followup_form", view)
            self.assertIn("Ask a follow-up question", view)
            response = self._act(
                "followup", {"question": "The printer smokes again.\nSince Monday."}
            )
            followup = self._followups()
            self.assertEqual(len(followup), 1)
            self.assertEqual(response.status_code, 303)
            self.assertTrue(
                response.headers["Location"].endswith(self._token_path(followup))
            )
            # Opened at once, with no new verification.
            view = self._get(self._token_path(followup)).text
            self.assertIn("o_status_timeline", view)
            self.assertIn(followup.number, view)
            self.assertIn("sent as a new request", view)
            # The old ticket stays open in this browser too.
            self.assertIn("o_status_timeline", self._get(self._token_path()).text)
        self.assertEqual(followup.name, "Follow-up: Printer on fire")
        self.assertIn(
            "The printer smokes again.<br>Since Monday.", followup.description
        )
        self.assertEqual(followup.status_followup_of_id, self.ticket)
        self.assertEqual(followup.partner_id, self.partner)
        self.assertEqual(followup.partner_email, "customer@example.com")
        self.assertEqual(followup.partner_phone, "+966 50 123 4567")
        self.assertEqual(followup.team_id, self.team)
        self.assertEqual(followup.company_id, self.ticket.company_id)
        self.assertNotEqual(followup.status_token, self.ticket.status_token)
        self.assertEqual(followup.stage_id.main_status, "received")
        # Each chatter names the other ticket.
        self.assertIn(followup.number, self.ticket.message_ids[0].body)
        note = followup.message_ids.filtered(lambda m: "Follow-up question" in m.body)
        self.assertIn(self.ticket.number, note.body)
        # Counted as a message of the old ticket.
        self.assertEqual(self._reply_slots(), 1)
        # The agent sees the link on the form.
        arch = self.env["helpdesk.ticket"].get_view(
            self.env.ref("helpdesk_mgmt.ticket_view_form").id, "form"
        )["arch"]
        self.assertIn('name="status_followup_of_id"', arch)

    def test_followup_double_submit_creates_one_ticket(self):
        self._grant()
        with self._later():
            nonce = self._form_tokens()[1]
            locations = set()
            for _attempt in range(2):
                # The grant renews the session id: the second submit comes
                # with the CSRF token of the renewed session.
                csrf = self._form_tokens()[0]
                response = self.url_open(
                    f"{self._token_path()}/followup",
                    data={"csrf_token": csrf, "nonce": nonce, "question": "Again?"},
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 303)
                locations.add(response.headers["Location"])
        self.assertEqual(len(self._followups()), 1)
        self.assertEqual(len(locations), 1)

    def test_followup_refused_within_window(self):
        self._grant()
        view = self._get(self._token_path()).text
        self.assertNotIn("o_status_followup_form", view)
        response = self._act("followup", {"question": "Too early"}, nonce="n" * 20)
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self._followups())
        view = self._get(self._token_path()).text
        self.assertIn("no longer possible", view)
        # An open ticket: not either.
        self.ticket.stage_id = self.stage_progress
        self._act("followup", {"question": "Open"}, nonce="m" * 20)
        self.assertFalse(self._followups())

    def test_followup_refused_without_grant_or_for_another_ticket(self):
        with self.mock_datetime_and_now(fields.Datetime.now() + LATER):
            response = self._act("followup", {"question": "Hi"}, nonce="n" * 20)
            self.assertEqual(response.status_code, 404)
            self._grant()
            csrf = self._form_tokens()[0]
            response = self.url_open(
                f"{self._token_path(self.other)}/followup",
                data={"csrf_token": csrf, "nonce": "m" * 20, "question": "Hi"},
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 404)
            # Without CSRF: refused too.
            response = self.url_open(
                f"{self._token_path()}/followup",
                data={"nonce": "o" * 20, "question": "Hi"},
                allow_redirects=False,
            )
            self.assertNotEqual(response.status_code, 303)
        self.assertFalse(self._followups() | self._followups(self.other))

    def test_followup_keeps_text_and_counts_on_reply_limit(self):
        self.page.max_replies_per_hour = 1
        self._grant()
        with self._later():
            text = "Long question. " * 400  # 6,000 characters
            self._act("followup", {"question": text})
            self.assertFalse(self._followups())
            view = self._get(self._token_path()).text
            self.assertIn("too long", view)
            self.assertIn(text.strip()[:200], view)
            self._act("followup", {"question": "Short"})
            self.assertEqual(len(self._followups()), 1)
            self._get(self._token_path())
            self._act("followup", {"question": "Another one"})
            self.assertEqual(len(self._followups()), 1)
            view = self._get(self._token_path()).text
            self.assertIn("many messages in the last hour", view)
            self.assertIn("Another one", view)
            # Messages off: the page says to contact support.
            self.page.max_replies_per_hour = 0
            view = self._get(self._token_path()).text
            self.assertNotIn("o_status_followup_form", view)
            self.assertIn("contact support", view)
