# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestVerification(StatusPageCommon, SMSCase):
    """The rules behind the public page, called directly: contact matching,
    one-time codes and their limits, grants."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Challenge = cls.env["helpdesk.status.page.challenge"]

    def _matches(self, value, ticket=None, by_number=False):
        try:
            self.page._verify_contact(ticket or self.ticket, value, by_number)
        except UserError:
            return False
        return True

    def test_phone_formats_match_in_e164(self):
        ticket = self.ticket
        self.assertEqual(ticket.partner_phone, "+966 50 123 4567")
        for given in (
            "0501234567",
            "501234567",
            "966501234567",
            "+966501234567",
            "00966501234567",
            "050 123 4567",
            "050-123-4567",
            "+966 50-123-4567",
            " 00966 50 123 4567 ",
        ):
            with self.subTest(given=given):
                self.assertTrue(self._matches(given, ticket))
        for wrong in ("0501234568", "+48501234567"):
            with self.subTest(wrong=wrong):
                self.assertFalse(self._matches(wrong, ticket))

    def test_company_country_reads_local_numbers(self):
        """Without a partner country, the company's country is the region."""
        self.partner.country_id = False
        self.company.country_id = self.env.ref("base.sa")
        self.assertTrue(self._matches("0501234567"))

    def test_malformed_phone_has_clear_message(self):
        with self.assertRaisesRegex(UserError, "not a phone number we can read"):
            self.page._verify_contact(self.ticket, "call me maybe")
        with self.assertRaisesRegex(UserError, "not a phone number we can read"):
            self.page._verify_contact(self.ticket, "501234")

    def test_email_matches_case_insensitive_and_trimmed(self):
        self.assertTrue(self._matches(" Customer@EXAMPLE.com "))
        self.assertFalse(self._matches("other@example.com"))
        self.assertFalse(self._matches(""))

    def test_only_configured_contact_kind(self):
        self.page.verification_field = "email"
        self.assertFalse(self._matches("0501234567"))
        self.assertTrue(self._matches("customer@example.com"))

    def test_masked_hints_never_show_contact(self):
        self.assertEqual(
            self.page._get_contact_hint(self.ticket, "email"), "c•••@example.com"
        )
        self.assertEqual(
            self.page._get_contact_hint(self.ticket, "phone"), "+966 •• ••• 4567"
        )

    def test_lookup_by_number_and_token(self):
        page = self.page
        number = self.ticket.number
        self.assertEqual(
            page._find_ticket_by_number(f"  {number.lower()} "), self.ticket
        )
        self.assertEqual(
            page._find_ticket_by_token(self.ticket.status_token), self.ticket
        )
        self.assertFalse(page._find_ticket_by_token("x" * 32))
        self.assertFalse(page._find_ticket_by_number("NOPE-1"))

    def test_archived_ticket_reachable_other_page_not(self):
        self.ticket.active = False
        self.assertEqual(
            self.page._find_ticket_by_token(self.ticket.status_token), self.ticket
        )
        other_page = self.env["helpdesk.status.page"].create(
            {"name": "Other", "slug": "other-page"}
        )
        self.assertFalse(other_page._find_ticket_by_token(self.ticket.status_token))
        self.assertFalse(other_page._find_ticket_by_number(self.ticket.number))

    def test_link_stops_working_after_close_window(self):
        self.page.link_validity_after_close = 30
        self.ticket.stage_id = self.stage_done
        self.assertTrue(self.page._is_ticket_reachable(self.ticket))
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(days=31)):
            self.assertFalse(self.page._is_ticket_reachable(self.ticket))

    def test_code_is_hashed_single_use(self):
        challenge = self.Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        self.assertEqual(len(code), self.page.code_length)
        # Stored as a keyed hash of the ticket and the code, never the code:
        # a 4-digit code may well appear inside 64 hex digits by chance.
        self.assertRegex(challenge.code_hash, r"^[0-9a-f]{64}$")
        self.assertEqual(
            challenge.code_hash, self.Challenge._hash_code(self.ticket, code)
        )
        self.assertNotEqual(
            challenge.code_hash, hashlib.sha256(code.encode()).hexdigest()
        )
        self.assertFalse(self.ticket.message_ids.filtered(lambda m: code in m.body))
        self.assertTrue(self.Challenge._check_code(self.page, self.ticket, code))
        with self.assertRaisesRegex(UserError, "expired"):
            self.Challenge._check_code(self.page, self.ticket, code)

    def test_code_by_sms_in_e164(self):
        with self.mockSMSGateway():
            self.Challenge._send_code(self.page, self.ticket, "phone")
        sms = self.env["sms.sms"].sudo().search([], order="id desc", limit=1)
        self.assertEqual(sms.number, "+966501234567")
        code = self._last_code("sms")
        self.assertTrue(self.Challenge._check_code(self.page, self.ticket, code))

    def test_code_expires(self):
        self.Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        later = fields.Datetime.now() + timedelta(minutes=self.page.code_lifetime + 1)
        with (
            self.mock_datetime_and_now(later),
            self.assertRaisesRegex(UserError, "expired"),
        ):
            self.Challenge._check_code(self.page, self.ticket, code)

    def test_wrong_code_counts_attempts_then_dies(self):
        self.page.max_attempts = 3
        self.Challenge._send_code(self.page, self.ticket, "email")
        code = self._last_code()
        wrong = f"{(int(code) + 1) % 10000:04d}"
        with self.assertRaisesRegex(UserError, "Attempts left: 2"):
            self.Challenge._check_code(self.page, self.ticket, wrong)
        with self.assertRaisesRegex(UserError, "Attempts left: 1"):
            self.Challenge._check_code(self.page, self.ticket, wrong)
        with self.assertRaisesRegex(UserError, "cannot be tried again"):
            self.Challenge._check_code(self.page, self.ticket, wrong)
        # Even the right code is refused now.
        with self.assertRaisesRegex(UserError, "no longer be used"):
            self.Challenge._check_code(self.page, self.ticket, code)

    def test_resend_waits_then_replaces_code(self):
        self.Challenge._send_code(self.page, self.ticket, "email")
        first = self._last_code()
        with self.assertRaisesRegex(UserError, "ask for a new one in"):
            self.Challenge._send_code(self.page, self.ticket, "email")
        later = fields.Datetime.now() + timedelta(seconds=self.page.resend_delay + 1)
        with self.mock_datetime_and_now(later):
            self.Challenge._send_code(self.page, self.ticket, "email")
            second = self._last_code()
            if first != second:
                with self.assertRaisesRegex(UserError, "replaced by a newer one"):
                    self.Challenge._check_code(self.page, self.ticket, first)
                challenge = self.Challenge.search(
                    [("ticket_id", "=", self.ticket.id)], limit=1
                )
                self.assertFalse(challenge.attempts)  # no attempt used
            self.assertTrue(self.Challenge._check_code(self.page, self.ticket, second))

    def test_codes_per_ticket_per_hour(self):
        self.page.write({"max_codes_per_hour": 2, "resend_delay": 0})
        self.Challenge._send_code(self.page, self.ticket, "email")
        self.Challenge._send_code(self.page, self.ticket, "email")
        with self.assertRaisesRegex(UserError, "Too many codes"):
            self.Challenge._send_code(self.page, self.ticket, "email")
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(minutes=61)):
            self.Challenge._send_code(self.page, self.ticket, "email")

    def test_resend_delay_per_channel_cap_across_channels(self):
        """Choosing the phone after an e-mail code sends the SMS at once; the
        hourly cap counts both, and its refusal names the last channel."""
        self.page.max_codes_per_hour = 3
        self.Challenge._send_code(self.page, self.ticket, "email")
        with self.mockSMSGateway():
            self.Challenge._send_code(self.page, self.ticket, "phone")
            with self.assertRaisesRegex(UserError, "just sent by SMS"):
                self.Challenge._send_code(self.page, self.ticket, "phone")
        later = fields.Datetime.now() + timedelta(seconds=self.page.resend_delay + 1)
        with self.mock_datetime_and_now(later):
            self.Challenge._send_code(self.page, self.ticket, "email")
            with (
                self.mockSMSGateway(),
                self.assertRaisesRegex(UserError, "the last one went by e-mail"),
            ):
                self.Challenge._send_code(self.page, self.ticket, "phone")
            step = self.Challenge._get_code_step(self.page, self.ticket, "phone")
        self.assertEqual(step["code_channel"], "email")
        self.assertGreater(step["resend_wait"], self.page.resend_delay)
        self.assertFalse(step["paused_until"])

    def test_failures_capped_per_ticket_per_day(self):
        """10 wrong 4-digit codes a day: at most a 0.1 % chance per ticket."""
        page = self.page
        page.write({"resend_delay": 0, "max_codes_per_hour": 60})
        self.assertLessEqual(page.max_failures_per_day / 10**page.code_length, 0.001)
        sent = set()
        for _attempt in range(page.max_failures_per_day):
            self.Challenge._send_code(page, self.ticket, "email")
            sent.add(self._last_code())
            # Wrong, and none of the older codes (those say "replaced").
            wrong = next(f"{n:04d}" for n in range(10000) if f"{n:04d}" not in sent)
            try:
                self.Challenge._check_code(page, self.ticket, wrong)
            except UserError as error:
                last_error = str(error)
        self.assertIn("verification is paused", last_error)
        with self.assertRaisesRegex(UserError, "verification is paused"):
            self.Challenge._send_code(page, self.ticket, "email")
        # Another ticket of the same customer is not affected.
        other = self._create_ticket()
        self.Challenge._send_code(page, other, "email")
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(hours=25)):
            self.Challenge._send_code(page, self.ticket, "email")

    def test_requests_per_ip_per_hour(self):
        self.page.max_requests_per_ip_hour = 3
        for _request in range(3):
            self.Challenge._rate_limit_ip(self.page, "203.0.113.7")
        with self.assertRaisesRegex(UserError, "Too many attempts from your network"):
            self.Challenge._rate_limit_ip(self.page, "203.0.113.7")
        self.Challenge._rate_limit_ip(self.page, "203.0.113.8")

    def test_purge_keeps_recent_rows(self):
        self.Challenge._rate_limit_ip(self.page, "203.0.113.9")
        self.Challenge._cron_purge()
        self.assertTrue(self.Challenge.search([("ip", "=", "203.0.113.9")]))
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(days=2)):
            self.Challenge._cron_purge()
        self.assertFalse(self.Challenge.search([("ip", "=", "203.0.113.9")]))

    def test_grant_expires_and_is_revoked(self):
        page, Grant, session = self.page, self.env["helpdesk.status.grant"], {}
        Grant._grant(session, page, self.ticket)
        self.assertTrue(Grant._is_granted(session, page, self.ticket))
        other = self._create_ticket()
        self.assertFalse(Grant._is_granted(session, page, other))
        later = fields.Datetime.now() + timedelta(hours=page.grant_lifetime, minutes=1)
        with self.mock_datetime_and_now(later):
            self.assertFalse(Grant._is_granted(session, page, self.ticket))
        self.ticket.partner_phone = "+966 55 000 0000"
        self.assertFalse(Grant._is_granted(session, page, self.ticket))
        Grant._grant(session, page, self.ticket)
        self.ticket.action_regenerate_status_token()
        self.assertFalse(Grant._is_granted(session, page, self.ticket))
        session[Grant._grant_key(self.ticket)] = "forged"
        self.assertFalse(Grant._is_granted(session, page, self.ticket))

    def test_revoked_grant_stays_revoked_when_contact_restored(self):
        page, Grant, session = self.page, self.env["helpdesk.status.grant"], {}
        Grant._grant(session, page, self.ticket)
        self.ticket.partner_email = "attacker@example.com"
        self.ticket.partner_email = "customer@example.com"
        self.assertFalse(Grant._is_granted(session, page, self.ticket))

    def test_grant_bound_to_page_and_its_settings(self):
        """A grant made by a lenient page does not open the ticket once it
        is served by a stricter one, nor once the page's settings change."""
        Grant, session = self.env["helpdesk.status.grant"], {}
        self.page.write({"verification_method": "match", "grant_lifetime": 24})
        Grant._grant(session, self.page, self.ticket)
        strict = self.env["helpdesk.status.page"].create(
            {"name": "Strict", "slug": "strict", "grant_lifetime": 1}
        )
        self.team.status_page_id = strict
        self.ticket.invalidate_recordset(["status_page_id"])
        self.assertFalse(Grant._is_granted(session, strict, self.ticket))
        self.team.status_page_id = self.page
        self.ticket.invalidate_recordset(["status_page_id"])
        self.assertTrue(Grant._is_granted(session, self.page, self.ticket))
        self.page.verification_method = "code"
        self.assertFalse(Grant._is_granted(session, self.page, self.ticket))
        # A shorter lifetime applies to grants made before.
        Grant._grant(session, self.page, self.ticket)
        self.page.grant_lifetime = 1
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(hours=2)):
            self.assertFalse(Grant._is_granted(session, self.page, self.ticket))

    def test_times_read_in_the_customer_language_and_zone(self):
        when = datetime(2026, 11, 23, 6, 20)
        text = self.ticket._format_status_time(when, "Asia/Riyadh")
        self.assertIn("Nov 23, 2026", text)
        self.assertIn("9:20", text)
        self.env["res.lang"]._activate_lang("ar_001")
        arabic = self.ticket.with_context(lang="ar_001")
        self.assertIn("ص", arabic._format_status_time(when, "Asia/Riyadh"))

    def test_fields_and_properties_in_the_page_zone(self):
        """Date and datetime properties read like the ticket's own fields:
        localized, datetimes in the page's zone (named on the page)."""
        self.team.ticket_properties = [
            {"name": "visit", "string": "Visit", "type": "datetime"},
            {"name": "bought", "string": "Bought on", "type": "date"},
            {
                "name": "contact",
                "string": "Contact",
                "type": "many2one",
                "comodel": "res.partner",
            },
        ]
        self.ticket.properties = {
            "visit": "2026-11-23 22:30:00",
            "bought": "2026-11-02",
            "contact": self.partner.id,
        }
        # No agent: the page's zone is the company's.
        self.ticket.user_id = False
        self.company.partner_id.tz = "Asia/Riyadh"
        properties = self.env["ir.model.fields"]._get("helpdesk.ticket", "properties")
        for prop in ("visit", "bought", "contact"):
            self.env["helpdesk.status.page.field"].create(
                {
                    "page_id": self.page.id,
                    "field_id": properties.id,
                    "property_name": prop,
                }
            )
        self.ticket.invalidate_recordset()
        shown = dict(self.ticket._get_status_page_values(self.page)["fields"])
        # 22:30 UTC is 01:30 the next day in Riyadh.
        self.assertIn("Nov 24, 2026", shown["Visit"])
        self.assertIn("1:30", shown["Visit"])
        self.assertEqual(shown["Bought on"], "Nov 2, 2026")
        self.assertEqual(shown["Contact"], self.partner.display_name)
        # The team's definition is cached per server: an edit shows at once.
        self.team.ticket_properties = [
            {"name": "visit", "string": "Site visit", "type": "datetime"},
        ]
        shown = dict(self.ticket._get_status_page_values(self.page)["fields"])
        self.assertIn("Site visit", shown)
        self.assertNotIn("Bought on", shown)

    def test_last_view_recorded_once_a_minute(self):
        ticket = self.ticket
        ticket._touch_status_page_view()
        first = ticket.status_page_last_view
        self.assertTrue(first)
        with self.mock_datetime_and_now(first + timedelta(seconds=30)):
            ticket._touch_status_page_view()
        self.assertEqual(ticket.status_page_last_view, first)
        with self.mock_datetime_and_now(first + timedelta(minutes=2)):
            ticket._touch_status_page_view()
        self.assertGreater(ticket.status_page_last_view, first)

    def test_time_zone_agent_then_company_then_utc(self):
        ticket = self.ticket
        ticket.user_id = self.env.user
        self.env.user.tz = "Asia/Riyadh"
        self.assertEqual(ticket._get_status_page_tz(), "Asia/Riyadh")
        ticket.user_id = False
        self.company.partner_id.tz = "Europe/Warsaw"
        self.assertEqual(ticket._get_status_page_tz(), "Europe/Warsaw")
        self.company.partner_id.tz = False
        self.assertEqual(ticket._get_status_page_tz(), "UTC")
