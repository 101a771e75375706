# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestQuietHours(StatusPageCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write(
            {
                "notify_on_create": False,
                "notify_delay": 0,
                "notify_channel": "both",
                "quiet_start": 22.0,
                "quiet_end": 7.0,
            }
        )
        cls.partner.tz = "Asia/Riyadh"
        cls.company.partner_id.tz = "Europe/Warsaw"

    def _end(self, now, tz):
        return self.page._get_quiet_hours_end(now, tz)

    def _status_sms(self):
        return self.env["sms.sms"].sudo().search([("body", "ilike", "is now")])

    def test_window_spanning_midnight_in_riyadh(self):
        riyadh = "Asia/Riyadh"  # UTC+3 all year
        # 23:00 in Riyadh: quiet until 07:00 tomorrow, 04:00 UTC.
        self.assertEqual(
            self._end(datetime(2026, 5, 10, 20, 0), riyadh), datetime(2026, 5, 11, 4, 0)
        )
        # 05:00 in Riyadh: quiet until 07:00 the same morning.
        self.assertEqual(
            self._end(datetime(2026, 5, 11, 2, 0), riyadh), datetime(2026, 5, 11, 4, 0)
        )
        # 07:00 and 21:59 are not quiet.
        self.assertIsNone(self._end(datetime(2026, 5, 11, 4, 0), riyadh))
        self.assertIsNone(self._end(datetime(2026, 5, 11, 18, 59), riyadh))

    def test_window_spanning_midnight_in_warsaw(self):
        warsaw = "Europe/Warsaw"
        # Winter, UTC+1: 23:30 local ends at 07:00 local, 06:00 UTC.
        self.assertEqual(
            self._end(datetime(2026, 1, 15, 22, 30), warsaw),
            datetime(2026, 1, 16, 6, 0),
        )
        # The night clocks go forward: 23:00 CET ends at 07:00 CEST, 05:00 UTC.
        self.assertEqual(
            self._end(datetime(2026, 3, 28, 22, 0), warsaw),
            datetime(2026, 3, 29, 5, 0),
        )
        self.assertIsNone(self._end(datetime(2026, 1, 15, 12, 0), warsaw))

    def test_window_within_a_day_and_none(self):
        self.page.write({"quiet_start": 12.5, "quiet_end": 14.0})
        self.assertEqual(
            self._end(datetime(2026, 5, 10, 13, 0), "UTC"), datetime(2026, 5, 10, 14, 0)
        )
        self.assertIsNone(self._end(datetime(2026, 5, 10, 14, 0), "UTC"))
        self.page.write({"quiet_start": 22.0, "quiet_end": 22.0})
        self.assertIsNone(self._end(datetime(2026, 5, 10, 22, 30), "UTC"))

    def test_invalid_partner_zone_falls_back_to_the_phone_then_the_page(self):
        self.partner.tz = "America/New_York"
        self.assertEqual(self.ticket._get_status_customer_tz(), "America/New_York")
        self.partner.flush_recordset()
        self.env.cr.execute(
            "UPDATE res_partner SET tz = 'Mars/Olympus' WHERE id = %s",
            [self.partner.id],
        )
        self.partner.invalidate_recordset(["tz"])
        # The zone of the phone number's country (issue 23), then the page's.
        self.assertEqual(self.ticket._get_status_customer_tz(), "Asia/Riyadh")
        self.ticket.partner_phone = False
        page_tz = self.ticket._get_status_page_tz()
        self.assertEqual(self.ticket._get_status_customer_tz(), page_tz)
        self.partner.tz = False
        self.assertEqual(self.ticket._get_status_customer_tz(), page_tz)

    def test_status_sms_waits_mail_does_not(self):
        # 23:00 in Riyadh.
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 20, 0)):
            self.ticket.stage_id = self.stage_progress
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("res_id", "=", self.ticket.id), ("subject", "ilike", "is now")])
        )
        self.assertEqual(len(mails), 1)
        self.assertFalse(self._status_sms())
        self.assertEqual(self.ticket.status_sms_due, datetime(2026, 5, 11, 4, 0))
        self.assertIn("quiet hours", self.ticket.message_ids[0].body)
        Ticket = self.env["helpdesk.ticket"]
        with self.mock_datetime_and_now(datetime(2026, 5, 11, 3, 59)):
            Ticket._cron_send_status_notifications()
        self.assertFalse(self._status_sms())
        with self.mock_datetime_and_now(datetime(2026, 5, 11, 4, 0)):
            Ticket._cron_send_status_notifications()
            Ticket._cron_send_status_notifications()
        sms = self._status_sms()
        self.assertEqual(len(sms), 1)
        self.assertIn(self.ticket.status_page_url, sms.body)
        self.assertFalse(self.ticket.status_sms_due)

    def test_status_sms_outside_quiet_hours_goes_now(self):
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 9, 0)):
            self.ticket.stage_id = self.stage_progress
        self.assertEqual(len(self._status_sms()), 1)
        self.assertFalse(self.ticket.status_sms_due)

    def test_code_sms_never_held_and_ends_with_webotp_line(self):
        self.env[
            "website"
        ].get_current_website().domain = "https://support.example.com:8443"
        Challenge = self.env["helpdesk.status.page.challenge"]
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 20, 0)):
            Challenge._send_code(self.page, self.ticket, "phone")
        sms = self.env["sms.sms"].sudo().search([], order="id desc", limit=1)
        code = self._last_code("phone")
        self.assertEqual(sms.body.splitlines()[-1], f"@support.example.com #{code}")
        self.assertIn(f"is {code}", sms.body)
