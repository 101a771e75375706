# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The attacks of the first release's outside review, each as a test."""

import re
import time
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .test_status_page_http import CSRF_RE, SAME_MESSAGE, StatusPageHttpCommon

HOSTILE_HEADER = '<p>Hi<span onmouseover="alert(1)">there</span></p>'


@tagged("post_install", "-at_install")
class TestSecurityAttacks(StatusPageHttpCommon):
    def _csrf(self):
        return CSRF_RE.search(self._get(self._token_path()).text).group(1)

    def _request(self, method, path, data=None):
        return self.opener.request(
            method, self.base_url() + path, data=data, timeout=30
        )

    # Stored XSS through translations, and the page's CSP

    def test_header_translation_is_sanitized(self):
        self.env["res.lang"]._activate_lang("ar_001")
        self.env.ref("website.default_website").language_ids |= self.env.ref(
            "base.lang_ar"
        )
        self.page.header = "<p>Welcome</p>"
        self.page.update_field_translations(
            "header", {"ar_001": {"Welcome": HOSTILE_HEADER}}
        )
        stored = self.page.with_context(lang="ar_001").header
        self.assertNotIn("onmouseover", stored)
        # A translation that slipped past the field (SQL, import) is
        # sanitized again when shown.
        self.env.cr.execute(
            "UPDATE helpdesk_status_page SET header = header || "
            "jsonb_build_object('ar_001', %s::text) WHERE id = %s",
            [HOSTILE_HEADER, self.page.id],
        )
        self.page.invalidate_recordset(["header"])
        self._grant()
        response = self._get(f"/ar{self._token_path()}")
        self.assertIn("o_status_timeline", response.text)
        self.assertNotIn("onmouseover", response.text)
        shown = self.page.with_context(lang="ar_001")._get_safe_header()
        self.assertNotIn("onmouseover", shown)

    def test_page_sends_a_real_csp_with_a_nonce(self):
        response = self._get(self._token_path())
        csp = response.headers["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        self.assertNotIn("'unsafe-inline'", script_src)
        inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
        self.assertTrue(inline_scripts)
        for attributes in inline_scripts:
            self.assertIn(f'nonce="{nonce}"', attributes)
        # A new nonce for every answer.
        again = self._get(self._token_path()).headers["Content-Security-Policy"]
        self.assertNotEqual(again, csp)

    # Non-ASCII, pathological and oversized input: never a 500

    def test_hostile_contacts_on_number_form_answer_like_unknown_number(self):
        """Status, text and work are the same for an unknown number and for
        an existing number with any wrong, malformed or hostile contact."""
        self.page.write(
            {"verification_method": "match", "max_requests_per_ip_hour": 100}
        )
        path = f"/status/{self.page.slug}/verify"
        unknown = self._post(path, {"number": "HT99999", "contact": "é@x.io"})
        for contact in ("é@x.io", "12ab", "(" * 200 + "@x", "x@example.com", "٠٥"):
            with self.subTest(contact=contact):
                response = self._post(
                    path, {"number": self.ticket.number, "contact": contact}
                )
                self.assertEqual(response.status_code, unknown.status_code)
                self.assertEqual([r.status_code for r in response.history], [303])
                self.assertIn(SAME_MESSAGE, response.text)
                self.assertNotIn("not a phone number", response.text)

    def test_number_form_does_the_same_work_for_unknown_numbers(self):
        """Against the timing oracle: both paths normalize and compare."""
        self.page.verification_method = "match"
        Page = type(self.env["helpdesk.status.page"])
        calls = []
        original = Page._contact_digest

        def count_digest(page, value):
            calls.append(value)
            return original(page, value)

        path = f"/status/{self.page.slug}/verify"
        with patch.object(Page, "_contact_digest", count_digest):
            self._post(path, {"number": "HT99999", "contact": "x@example.com"})
            unknown = len(calls)
            self._post(path, {"number": self.ticket.number, "contact": "x@example.com"})
        self.assertEqual(unknown, 2)
        self.assertEqual(len(calls) - unknown, unknown)

    def test_non_ascii_stored_email_verifies(self):
        self.ticket.partner_email = "josé@example.com"
        self.page.verification_method = "match"
        response = self._post(
            f"{self._token_path()}/verify", {"contact": "JOSÉ@example.com"}
        )
        self.assertIn("o_status_timeline", response.text)

    def test_emails_compare_lowercased_not_casefolded(self):
        self.ticket.partner_email = "straße@example.com"
        with self.assertRaises(UserError):
            self.page._verify_contact(self.ticket, "strasse@example.com")
        self.assertEqual(
            self.page._verify_contact(self.ticket, "STRAßE@example.com"), "email"
        )

    def test_oversized_and_nul_input_gets_a_clear_message_fast(self):
        self.page.max_requests_per_ip_hour = 100
        token = self._csrf()
        start = time.monotonic()
        response = self.url_open(
            f"{self._token_path()}/verify",
            data={"csrf_token": token, "contact": "@" * 800_000},
        )
        self.assertLess(time.monotonic() - start, 3)
        self.assertEqual([r.status_code for r in response.history], [303])
        self.assertIn("too long", response.text)
        for data in ({"contact": "a\x00@x.io"}, {"number": "HT\x001", "contact": "a"}):
            path = f"/status/{self.page.slug}/verify"
            if "number" not in data:
                path = f"{self._token_path()}/verify"
            response = self.url_open(path, data={"csrf_token": token, **data})
            self.assertEqual([r.status_code for r in response.history], [303], data)
        for path in (f"/status/{self.page.slug}%00", f"{self._token_path()}%00"):
            self.assertEqual(self._get(path).status_code, 404, path)

    # Methods: OPTIONS (and HEAD) never run a handler

    def test_options_runs_no_post_handler(self):
        self._grant()
        mails = self.env["mail.mail"].sudo().search_count([])
        self.page.verification_method = "code"
        response = self._request(
            "OPTIONS",
            f"{self._token_path()}/verify?contact=customer@example.com",
        )
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
        response = self._request("OPTIONS", f"{self._token_path()}/signout")
        self.assertEqual(response.status_code, 405)
        self.page.verification_method = "match"
        self.assertIn("o_status_timeline", self._get(self._token_path()).text)
        response = self._request("HEAD", self._token_path())
        self.assertEqual(response.status_code, 405)

    # Session fixation

    def test_session_id_rotates_when_access_is_granted(self):
        self._get(self._token_path())
        planted = self.opener.cookies["session_id"]
        self._grant()
        self.assertNotEqual(self.opener.cookies["session_id"], planted)
        # The planted id opens nothing.
        self.opener.cookies.clear()
        self.opener.cookies.set("session_id", planted)
        self.assertNotIn("o_status_timeline", self._get(self._token_path()).text)

    # Preview and attachments

    def test_preview_refuses_other_company_page_and_odd_ids(self):
        new_test_user(
            self.env,
            login="hsp_agent_sec",
            groups="helpdesk_mgmt.group_helpdesk_user,base.group_user",
        )
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other_page = self.env["helpdesk.status.page"].create(
            {"name": "Other", "slug": "other-co", "company_id": other_company.id}
        )
        self.authenticate("hsp_agent_sec", "hsp_agent_sec")
        base = f"/status/preview/{self.ticket.id}"
        self.assertEqual(self._get(base).status_code, 200)
        for page_id in (str(other_page.id), "²", "1e3", "-1", "9" * 30):
            with self.subTest(page_id=page_id):
                response = self._get(f"{base}?page_id={page_id}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("o_status_timeline", response.text)

    def test_url_attachment_is_never_a_redirect(self):
        self.page.allow_attachment_download = True
        url_attachment = self.env["ir.attachment"].create(
            {
                "name": "phish",
                "type": "url",
                "url": "https://evil.example.com/login",
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        file_attachment = self.env["ir.attachment"].create(
            {
                "name": "photo.txt",
                "raw": b"hello",
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
            }
        )
        self._grant()
        base = f"{self._token_path()}/attachment"
        response = self._get(f"{base}/{url_attachment.id}", redirect=False)
        self.assertEqual(response.status_code, 404)
        response = self._get(f"{base}/{file_attachment.id}")
        self.assertEqual(response.content, b"hello")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertIn("default-src 'none'", response.headers["Content-Security-Policy"])

    # Codes

    def test_codes_in_arabic_indic_and_full_width_digits(self):
        Challenge = self.env["helpdesk.status.page.challenge"]
        for to_script in (
            lambda code: "".join(chr(0x0660 + int(d)) for d in code),
            lambda code: "".join(chr(0xFF10 + int(d)) for d in code),
        ):
            self.page.resend_delay = 0
            Challenge._send_code(self.page, self.ticket, "email")
            code = self._last_code()
            self.assertTrue(
                Challenge._check_code(self.page, self.ticket, to_script(code))
            )

    def test_short_code_uses_no_attempt(self):
        Challenge = self.env["helpdesk.status.page.challenge"]
        challenge = Challenge._send_code(self.page, self.ticket, "email")
        with self.assertRaisesRegex(UserError, "The code must be 4 numbers"):
            Challenge._check_code(self.page, self.ticket, "12")
        with self.assertRaisesRegex(UserError, "not a code we sent"):
            Challenge._check_code(self.page, self.ticket, "1" * 100)
        self.assertEqual(challenge.attempts, 0)

    def test_pause_message_names_date_and_page_zone(self):
        self.company.partner_id.tz = "Europe/Warsaw"
        self.ticket.user_id = False
        # No zone from the contact nor from its phone's country: the page's.
        self.ticket.partner_id.phone = False
        self.ticket.partner_phone = False
        self.page.write({"max_failures_per_day": 1})
        Challenge = self.env["helpdesk.status.page.challenge"]
        Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        with self.assertRaisesRegex(UserError, r"paused until .*\d{4}.*Europe/Warsaw"):
            Challenge._check_code(
                self.page, self.ticket, f"{(int(code) + 1) % 10000:04d}"
            )
