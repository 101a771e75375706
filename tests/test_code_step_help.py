# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 23, item 7 and issue 24, section 4: the code step says what to do
when nothing arrives ("Not received?"), the form names the ticket it is for,
and the code step's messages are GOV.UK's."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import BaseCase, tagged

from ..tools.code import fold_code
from .common import StatusPageCommon
from .test_status_page_http import StatusPageHttpCommon


class TestCodeFolding(BaseCase):
    """What a typed code reads as: no database."""

    def test_spaces_and_hyphens_are_dropped(self):
        for typed in (
            "1234",
            " 12 34 ",
            "12-34",
            "1-2-3-4",
            "12\u201334",  # en dash
            "12\u221234",  # minus sign
            "12\u00a034",  # no-break space
            "١٢-٣٤",
            "１２ ３４",
        ):
            with self.subTest(typed=typed):
                self.assertEqual(fold_code(typed), "1234")

    def test_other_characters_are_kept_to_be_refused(self):
        self.assertEqual(fold_code("12a4"), "12a4")
        self.assertEqual(fold_code("12.34"), "12.34")
        self.assertEqual(fold_code(None), "")


@tagged("post_install", "-at_install")
class TestCodeMessages(StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"verification_method": "code", "resend_delay": 0})
        cls.Challenge = cls.env["helpdesk.status.page.challenge"]

    def _mails(self):
        return self.env["mail.mail"].sudo().search_count([])

    def test_empty_and_wrong_length_codes_use_no_attempt(self):
        challenge = self.Challenge._send_code(self.page, self.ticket, "email")
        for typed, message in (
            ("", "Enter the 4-digit code"),
            ("  ", "Enter the 4-digit code"),
            ("12", "The code must be 4 numbers"),
            ("12345", "The code must be 4 numbers"),
            ("12a4", "The code must be 4 numbers"),
        ):
            with self.subTest(typed=typed):
                with self.assertRaises(UserError) as caught:
                    self.Challenge._check_code(self.page, self.ticket, typed)
                self.assertEqual(caught.exception.args[0], message)
        self.assertEqual(challenge.attempts, 0)

    def test_messages_name_the_page_code_length(self):
        self.page.code_length = 6
        self.Challenge._send_code(self.page, self.ticket, "email")
        with self.assertRaisesRegex(UserError, "^Enter the 6-digit code$"):
            self.Challenge._check_code(self.page, self.ticket, None)
        with self.assertRaisesRegex(UserError, "^The code must be 6 numbers$"):
            self.Challenge._check_code(self.page, self.ticket, "1234")

    def test_code_typed_with_spaces_or_hyphens_works(self):
        self.Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        self.assertTrue(
            self.Challenge._check_code(self.page, self.ticket, f"{code[:2]}-{code[2:]}")
        )
        self.Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        self.assertTrue(
            self.Challenge._check_code(self.page, self.ticket, " ".join(code))
        )

    def _refusal(self, code):
        """The message refusing ``code``, what the refusal did kept (as
        the controller keeps it: assertRaises would roll it back)."""
        try:
            self.Challenge._check_code(self.page, self.ticket, code, lang="en_US")
        except UserError as error:
            return error.args[0]
        return self.fail(f"{code!r} was accepted")

    def test_expired_code_sends_a_new_one_and_says_so(self):
        self.Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        mails = self._mails()
        later = fields.Datetime.now() + timedelta(minutes=self.page.code_lifetime + 1)
        with self.mock_datetime_and_now(later):
            self.assertEqual(
                self._refusal(code), "That code has expired – we sent you a new one"
            )
            self.assertEqual(self._mails(), mails + 1)
            new_code = self._last_code()
            self.assertTrue(
                self.Challenge._check_code(self.page, self.ticket, new_code)
            )

    def test_expired_code_without_a_new_one_says_it_expired(self):
        self.page.max_codes_per_hour = 1
        self.Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        mails = self._mails()
        later = fields.Datetime.now() + timedelta(minutes=self.page.code_lifetime + 1)
        with self.mock_datetime_and_now(later):
            # Over the hourly limit: nothing sent, the customer asks later.
            self.assertRegex(self._refusal(code), "^This code has expired")
            self.page.max_codes_per_hour = 5
            # A wrong code never makes a message go.
            wrong = f"{(int(code) + 1) % 10000:04d}"
            self.assertRegex(self._refusal(wrong), "^This code has expired")
        self.assertEqual(self._mails(), mails)


@tagged("post_install", "-at_install")
class TestCodeStepHelp(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"verification_method": "code"})

    def test_form_names_the_ticket_number_never_its_subject(self):
        html = self._get(self._token_path()).text
        self.assertIn("o_status_form_ticket", html)
        self.assertIn(self.ticket.number, html)
        self.assertNotIn(self.ticket.name, html)
        # The number form has no ticket to name.
        self.assertNotIn(
            "o_status_form_ticket", self._get(f"/status/{self.page.slug}").text
        )

    def test_code_step_says_what_to_do_when_nothing_arrives(self):
        html = self._post(
            f"{self._token_path()}/verify", {"contact": "customer@example.com"}
        ).text
        self.assertIn("Not received?", html)
        self.assertIn("Check your spam or junk folder", html)
        self.assertIn("Wait until the countdown ends", html)
        self.assertIn("o_status_another", html)
        self.assertNotIn(self.ticket.name, html)

    def test_code_by_sms_has_no_spam_folder(self):
        with self.mockSMSGateway():
            html = self._post(
                f"{self._token_path()}/verify", {"contact": "0501234567"}
            ).text
        self.assertIn("Not received?", html)
        self.assertIn("Text messages sometimes take a few minutes", html)
        self.assertNotIn("spam", html)

    def test_expired_code_on_the_page_sends_a_new_one(self):
        self._post(f"{self._token_path()}/verify", {"contact": "customer@example.com"})
        code = self._last_code()
        Challenge = self.env["helpdesk.status.page.challenge"].sudo()
        Challenge.search(
            [("ticket_id", "=", self.ticket.id), ("kind", "=", "code")]
        ).expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.page.resend_delay = 0
        mails = self.env["mail.mail"].sudo().search_count([])
        html = self._post(f"{self._token_path()}/code", {"code": code}).text
        self.assertIn("That code has expired – we sent you a new one", html)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails + 1)
        response = self._post(f"{self._token_path()}/code", {"code": self._last_code()})
        self.assertIn("o_status_timeline", response.text)

    def test_wrong_length_code_on_the_page(self):
        self._post(f"{self._token_path()}/verify", {"contact": "customer@example.com"})
        code_path = f"{self._token_path()}/code"
        html = self._post(code_path, {"code": "123"}).text
        self.assertIn("The code must be 4 numbers", html)
        code = self._last_code()
        response = self._post(code_path, {"code": f"{code[:2]} {code[2:]}"})
        self.assertIn("o_status_timeline", response.text)
