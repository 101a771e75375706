# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The verification journey as a phone lives it: every POST answers with a
redirect to a GET page (post/redirect/get), so that reload, Back and a
language switch keep the customer on the step they were on."""

import re

from odoo.tests import tagged

from .test_status_page_http import CSRF_RE, StatusPageHttpCommon

MODULE = "helpdesk_mgmt_status_page"


@tagged("post_install", "-at_install")
class TestVerificationJourney(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"verification_method": "code", "contact_url": "tel:+9661"})

    def _arabic(self):
        lang = self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["ar_001"])
        self.env["website"].get_current_website().language_ids |= lang

    def _post_raw(self, path, data, form_path=None):
        """POST without following the answer's redirect."""
        form = self._get(form_path or self._token_path())
        token = CSRF_RE.search(form.text).group(1)
        return self.url_open(
            path, data={"csrf_token": token, **data}, allow_redirects=False
        )

    def _request(self, method, path):
        return self.opener.request(method, self.base_url() + path, timeout=30)

    def _mails(self):
        return self.env["mail.mail"].sudo().search_count([])

    def test_every_post_answers_303_to_a_get_page(self):
        base = self._token_path()
        answers = {
            "verify refused": (f"{base}/verify", {"contact": "x@example.com"}, base),
            "verify": (
                f"{base}/verify",
                {"contact": "customer@example.com"},
                f"{base}/code",
            ),
            "resend refused": (f"{base}/resend", {}, f"{base}/code"),
            "wrong code": (f"{base}/code", {"code": "12"}, f"{base}/code"),
            "another": (f"{base}/another", {}, base),
            "signout": (f"{base}/signout", {}, base),
        }
        for name, (path, data, location) in answers.items():
            with self.subTest(name):
                response = self._post_raw(path, data)
                self.assertEqual(response.status_code, 303)
                self.assertTrue(response.headers["Location"].endswith(location))
                self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.page.verification_method = "match"
        response = self._post_raw(f"{base}/verify", {"contact": "customer@example.com"})
        self.assertEqual(response.status_code, 303)
        self.assertNotIn("x@example.com", response.headers["Location"])

    def test_refused_form_keeps_input_once_and_not_in_url(self):
        path = f"/status/{self.page.slug}"
        response = self._post(
            f"{path}/verify", {"number": "ht 99", "contact": "me@example.com"}, path
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(path))
        self.assertIn("We could not find a ticket", response.text)
        self.assertIn('value="ht 99"', response.text)
        self.assertIn('value="me@example.com"', response.text)
        # Reload: the message was for that answer only.
        again = self._get(path).text
        self.assertNotIn("We could not find a ticket", again)
        self.assertNotIn("me@example.com", again)

    def test_code_step_survives_reload_and_sends_nothing(self):
        response = self._post(
            f"{self._token_path()}/verify", {"contact": "customer@example.com"}
        )
        code_path = f"{self._token_path()}/code"
        self.assertTrue(response.url.endswith(code_path))
        self.assertIn("We sent a code by e-mail to", response.text)
        self.assertIn("c•••@example.com", response.text)
        self.assertIn("4 digits and works for 10 minutes", response.text)
        mails = self._mails()
        for _reload in range(2):
            html = self._get(code_path).text
            self.assertIn("c•••@example.com", html)
            self.assertIn('id="o_status_code"', html)
        self.assertEqual(self._mails(), mails)
        # The "sent to" line stays after a wrong code.
        code = self._last_code()
        wrong = f"{(int(code) + 1) % 10000:04d}"
        html = self._post(code_path, {"code": wrong}).text
        self.assertIn("Attempts left: 4", html)
        self.assertIn("c•••@example.com", html)
        # A too short code uses no attempt.
        html = self._post(code_path, {"code": "12"}).text
        self.assertIn("The code must be 4 numbers", html)
        response = self._post(code_path, {"code": code})
        self.assertTrue(response.url.endswith(self._token_path()))
        self.assertIn("o_status_timeline", response.text)
        # Back to the code step, then reload of the ticket: the ticket.
        self.assertIn("o_status_timeline", self._get(code_path).text)
        self.assertIn("o_status_timeline", self._get(self._token_path()).text)

    def test_code_step_without_pending_goes_to_the_form(self):
        response = self._get(f"{self._token_path()}/code", redirect=False)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith(self._token_path()))
        self.assertEqual(
            self._get(f"/status/{self.page.slug}/nope/code").status_code, 404
        )

    def test_language_switch_on_the_code_step(self):
        self._arabic()
        self._post(f"{self._token_path()}/verify", {"contact": "customer@example.com"})
        html = self._get(f"/ar{self._token_path()}/code").text
        self.assertIn('dir="rtl"', html)
        self.assertIn('id="o_status_code"', html)
        self.assertNotIn("alert-danger", html)
        # The switcher keeps the code step in every language.
        self.assertIn(f'href="{self._token_path()}/code"', html)
        # A POST on /ar/ comes back to /ar/.
        response = self._post_raw(f"/ar{self._token_path()}/resend", {})
        self.assertIn(f"/ar{self._token_path()}/code", response.headers["Location"])

    def test_switching_channel_gives_no_false_error(self):
        base = self._token_path()
        self._post(f"{base}/verify", {"contact": "customer@example.com"})
        html = self._post(f"{base}/another", {}).text
        self.assertIn('name="contact"', html)
        with self.mockSMSGateway():
            html = self._post(f"{base}/verify", {"contact": "0501234567"}).text
        self.assertNotIn("alert-danger", html)
        self.assertIn("We sent a code by SMS to", html)
        self.assertIn("+966 •• ••• 4567", html)
        # The same channel again, too early: the refusal names it.
        html = self._post(f"{base}/verify", {"contact": "0501234567"}).text
        self.assertIn("A code was just sent by SMS", html)
        # The older e-mail code was replaced by the SMS one.
        mail_code = re.search(
            r"\b(\d{4})\b",
            re.sub(
                r"<[^>]+>",
                " ",
                self.env["mail.mail"]
                .sudo()
                .search([], order="id desc", limit=1)
                .body_html,
            ).replace(self.ticket.number, ""),
        ).group(1)
        if mail_code != self._last_code("sms"):
            html = self._post(f"{base}/code", {"code": mail_code}).text
            self.assertIn("replaced by a newer one", html)

    def test_resend_says_so(self):
        self.page.resend_delay = 0
        base = self._token_path()
        self._post(f"{base}/verify", {"contact": "customer@example.com"})
        html = self._post(f"{base}/resend", {}).text
        self.assertIn("We sent a new code", html)
        self.assertNotIn("We sent a new code", self._get(f"{base}/code").text)

    def test_pause_shows_date_and_disables_what_cannot_work(self):
        self.page.write({"max_failures_per_day": 2, "max_attempts": 5})
        self.env.user.tz = "Asia/Riyadh"
        self.ticket.user_id = self.env.user
        base = self._token_path()
        self._post(f"{base}/verify", {"contact": "customer@example.com"})
        wrong = f"{(int(self._last_code()) + 1) % 10000:04d}"
        for _try in range(2):
            html = self._post(f"{base}/code", {"code": wrong}).text
        self.assertIn("verification is paused", html)
        self.assertRegex(html, r'<time[^>]+datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"')
        # Date and time, in the page's zone, named.
        self.assertRegex(html, r"\d{4}, \d{1,2}:\d\d\s?[AP]M \(Asia/Riyadh\)")
        self.assertRegex(html, r'<input[^>]+id="o_status_code"[^>]+disabled')
        self.assertRegex(html, r'<button[^>]+type="submit"[^>]+disabled[^>]*>Verify')
        self.assertRegex(html, r"<button[^>]+o_status_resend[^>]+disabled")
        self.assertNotIn("autofocus", html)
        self.assertNotIn("alert-danger", html)
        # The device's zone, once the website's frontend has told it, comes
        # after the zone of the ticket's phone number (issue 23): Saudi here.
        self.opener.cookies.set("tz", "America/New_York")
        html = self._get(f"{base}/code").text
        self.assertRegex(html, r"\d{4}, \d{1,2}:\d\d\s?[AP]M \(Asia/Riyadh\)")
        # Without a phone (cleared behind the ticket's back, which would
        # revoke the ongoing verification), the device's.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET partner_phone = NULL WHERE id = %s",
            [self.ticket.id],
        )
        self.ticket.invalidate_recordset(["partner_phone"])
        html = self._get(f"{base}/code").text
        self.assertRegex(html, r"\d{4}, \d{1,2}:\d\d\s?[AP]M \(America/New_York\)")

    def test_code_messages_in_the_page_language(self):
        self._arabic()
        self.partner.lang = "en_US"
        base = self._token_path()
        self._post(f"/ar{base}/verify", {"contact": "customer@example.com"}, base)
        mail = self.env["mail.mail"].sudo().search([], order="id desc", limit=1)
        self.assertIn("رمز", mail.subject)
        self.page.resend_delay = 0
        with self.mockSMSGateway():
            self._post(f"/ar{base}/verify", {"contact": "0501234567"}, base)
        sms = self.env["sms.sms"].sudo().search([], order="id desc", limit=1)
        self.assertIn("رمزك", sms.body)
        # The English page sends English.
        self._get(f"/en{base}/code")
        with self.mockSMSGateway():
            self._post(f"{base}/resend", {})
        sms = self.env["sms.sms"].sudo().search([], order="id desc", limit=1)
        self.assertIn("your code", sms.body)

    def test_number_form_shows_an_example(self):
        html = self._get(f"/status/{self.page.slug}").text
        self.assertRegex(html, r"for example <bdi[^>]*>HT0*14</bdi>")
        self.assertIn('aria-describedby="o_status_number_example"', html)

    def test_dead_ends_are_branded_in_the_page_direction(self):
        self._arabic()
        old = self._token_path()
        self.ticket.action_regenerate_status_token()
        for path in (f"/ar{old}", f"/ar/status/{self.page.slug}/{'x' * 20}"):
            with self.subTest(path=path):
                response = self._get(path)
                self.assertEqual(response.status_code, 404)
                html = response.text
                self.assertIn('dir="rtl"', html)
                self.assertIn(self.company.name, html)
                self.assertIn('href="tel:+9661"', html)
                self.assertIn(f'action="/ar/status/{self.page.slug}/verify"', html)
        # An unknown page: the look-up form of the website's look-up page.
        lookup = self.env["helpdesk.status.page"]._get_lookup_page(
            self.env["website"].get_current_website()
        )
        response = self._get("/ar/status/no-such-page")
        self.assertEqual(response.status_code, 404)
        self.assertIn('dir="rtl"', response.text)
        self.assertIn(self.company.name, response.text)
        self.assertIn(f'action="/ar/status/{lookup.slug}/verify"', response.text)
        # A disabled page answers as an unknown one (see test_finding_page).
        self.page.active = False
        html = self._get(f"/status/{self.page.slug}").text
        self.assertNotIn(f'action="/status/{self.page.slug}/verify"', html)

    def test_wrong_method_and_expired_form_are_branded(self):
        # A tab restored on a form's answer: the step the customer is on.
        for path in ("verify", "resend", "another", "signout"):
            response = self._get(f"{self._token_path()}/{path}", redirect=False)
            self.assertEqual(response.status_code, 303)
            self.assertTrue(response.headers["Location"].endswith(self._token_path()))
        self._post(f"{self._token_path()}/verify", {"contact": "customer@example.com"})
        response = self._get(f"{self._token_path()}/verify")
        self.assertTrue(response.url.endswith(f"{self._token_path()}/code"))
        response = self._request("OPTIONS", f"{self._token_path()}/verify")
        self.assertEqual(response.status_code, 405)
        self.assertIn(self.company.name, response.text)
        self.assertIn('href="tel:+9661"', response.text)
        self._get(self._token_path())
        response = self.url_open(
            f"{self._token_path()}/verify",
            data={"csrf_token": "stale", "contact": "customer@example.com"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("This form has expired", response.text)
        self.assertIn(f'action="/status/{self.page.slug}/verify"', response.text)

    def test_finished_ticket_has_no_upcoming_step(self):
        self.page.verification_method = "match"
        self.ticket.stage_id = self.stage_cancelled
        html = self._grant().text
        self.assertNotIn("o_status_step_upcoming", html)
        self.assertEqual(html.count("o_status_step_skipped"), 2)
        self.assertRegex(html, r'o_status_step_done"\s+aria-current="step"')
