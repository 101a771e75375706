# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's time zone (issue 23, item 5): contact, phone number's
country, browser, page; quiet hours always in it, with a switch; the page
option that shows every time in it."""

from datetime import datetime

from odoo.tests import BaseCase, Form, tagged

from odoo.addons.sms.tests.common import SMSCase

from ..tools import time_zone
from .common import StatusPageCommon
from .test_status_page_http import StatusPageHttpCommon

SAUDI_PHONE = "+966 50 123 4567"
# Toll-free: a number of the whole North American plan, with its many zones.
US_TOLL_FREE = "+1 800 555 0123"


class TestPhoneTimeZoneTools(BaseCase):
    def test_preferred_zone_when_among_them_else_the_first(self):
        zones = ("America/New_York", "America/Chicago")
        self.assertEqual(
            time_zone.choose_tz(zones, "America/Chicago"), "America/Chicago"
        )
        self.assertEqual(
            time_zone.choose_tz(zones, "Europe/Warsaw"), "America/New_York"
        )
        self.assertEqual(time_zone.choose_tz(zones), "America/New_York")

    def test_unknown_zones_are_no_zone(self):
        self.assertIsNone(time_zone.choose_tz(("Etc/Unknown",), "Etc/Unknown"))
        self.assertIsNone(time_zone.choose_tz(()))
        self.assertEqual(
            time_zone.choose_tz(("Mars/Olympus", "Asia/Riyadh")), "Asia/Riyadh"
        )

    def test_zone_of_a_phone_number(self):
        self.assertEqual(time_zone.phone_number_tz("+966501234567"), "Asia/Riyadh")
        self.assertEqual(time_zone.phone_number_tz("+48501234567"), "Europe/Warsaw")
        # One zone, whatever the preferred one.
        self.assertEqual(
            time_zone.phone_number_tz("+966501234567", "Europe/Warsaw"),
            "Asia/Riyadh",
        )
        # Several zones: the preferred one when it is among them, else the first.
        self.assertEqual(
            time_zone.phone_number_tz("+18005550123", "America/Chicago"),
            "America/Chicago",
        )
        self.assertEqual(
            time_zone.phone_number_tz("+18005550123", "Europe/Warsaw"), "America/Adak"
        )

    def test_no_zone_without_a_readable_number(self):
        for number in (None, False, "", "not a number", "+"):
            self.assertIsNone(time_zone.phone_number_tz(number), number)


class CustomerTimeZoneCommon(StatusPageCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write(
            {
                "notify_on_create": False,
                "notify_delay": 0,
                "notify_channel": "both",
                "quiet_start": 21.0,
                "quiet_end": 8.0,
            }
        )
        # The contact has no zone; the page's zone is UTC (no agent, a
        # company without one), as on the Saudi customer's ticket.
        cls.partner.write({"tz": False, "phone": SAUDI_PHONE})
        cls.company.partner_id.tz = False
        cls.ticket.user_id = False

    def _status_sms(self):
        return (
            self.env["sms.sms"]
            .sudo()
            .search([("body", "ilike", "is now"), ("partner_id", "=", self.partner.id)])
        )

    def _set_phone(self, number):
        self.ticket.partner_phone = number


@tagged("post_install", "-at_install")
class TestCustomerTimeZone(CustomerTimeZoneCommon):
    def test_saudi_number_without_contact_zone_is_riyadh(self):
        self.assertEqual(self.ticket._get_status_page_tz(), "UTC")
        self.assertEqual(self.ticket._get_status_customer_tz(), "Asia/Riyadh")

    def test_quiet_hours_of_a_saudi_number_counted_in_riyadh(self):
        # 07:21 UTC is 10:21 in Riyadh: the SMS goes now.
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 7, 21)):
            self.ticket.stage_id = self.stage_progress
        self.assertEqual(len(self._status_sms()), 1)
        self.assertFalse(self.ticket.status_sms_due)
        # 19:00 UTC is 22:00 in Riyadh: held until 08:00 there, 05:00 UTC.
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 19, 0)):
            self.ticket.stage_id = self.stage_awaiting
        self.assertEqual(len(self._status_sms()), 1)
        self.assertEqual(self.ticket.status_sms_due, datetime(2026, 5, 11, 5, 0))
        note = self.ticket.message_ids[0].body
        self.assertRegex(note, r"held until May 11, 2026, 8:00\sAM Asia/Riyadh")
        with self.mock_datetime_and_now(datetime(2026, 5, 11, 5, 0)):
            self.env["helpdesk.ticket"]._cron_send_status_notifications()
        self.assertEqual(len(self._status_sms()), 2)

    def test_contact_zone_wins_over_the_phone_s_country(self):
        self.partner.tz = "Europe/Warsaw"
        self.assertEqual(self.ticket._get_status_customer_tz(), "Europe/Warsaw")
        # 19:00 UTC in May is 21:00 in Warsaw (22:00 in Riyadh): held until
        # 08:00 in Warsaw, 06:00 UTC.
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 19, 0)):
            self.ticket.stage_id = self.stage_progress
        self.assertFalse(self._status_sms())
        self.assertEqual(self.ticket.status_sms_due, datetime(2026, 5, 11, 6, 0))
        self.assertIn("Europe/Warsaw", self.ticket.message_ids[0].body)
        # 05:30 UTC: still night in Warsaw (07:30), day in Riyadh (08:30).
        with self.mock_datetime_and_now(datetime(2026, 5, 11, 5, 30)):
            self.ticket.stage_id = self.stage_awaiting
        self.assertFalse(self._status_sms())
        self.assertEqual(self.ticket.status_sms_due, datetime(2026, 5, 11, 6, 0))

    def test_several_zones_page_zone_if_among_them_else_the_first(self):
        self._set_phone(US_TOLL_FREE)
        # The page's zone is one of the number's: kept.
        self.env.user.tz = "America/Chicago"
        self.ticket.user_id = self.env.user
        self.assertEqual(self.ticket._get_status_page_tz(), "America/Chicago")
        self.assertEqual(self.ticket._get_status_customer_tz(), "America/Chicago")
        # The page's zone (the company's) is not: the first of the number's.
        self.ticket.user_id = False
        self.company.partner_id.tz = "Europe/Warsaw"
        self.assertEqual(self.ticket._get_status_page_tz(), "Europe/Warsaw")
        self.assertEqual(self.ticket._get_status_customer_tz(), "America/Adak")

    def test_local_number_read_in_the_contact_s_country(self):
        self._set_phone("050 123 4567")
        self.assertEqual(self.ticket._get_status_customer_tz(), "Asia/Riyadh")

    def test_browser_zone_only_without_contact_zone_and_phone(self):
        browser = self.ticket.with_context(status_customer_tz="America/New_York")
        self.assertEqual(browser._get_status_customer_tz(), "Asia/Riyadh")
        # An unreadable phone places nobody.
        self._set_phone("12")
        self.assertEqual(browser._get_status_customer_tz(), "America/New_York")
        self._set_phone(False)
        self.assertEqual(browser._get_status_customer_tz(), "America/New_York")
        # Neither: the page's.
        self.assertEqual(self.ticket._get_status_customer_tz(), "UTC")
        # The contact's zone before the browser's.
        self.partner.tz = "Europe/Warsaw"
        self.assertEqual(browser._get_status_customer_tz(), "Europe/Warsaw")

    def test_pause_and_limits_told_in_the_customer_s_zone(self):
        # The one resolver serves the verification pause too.
        text = self.page._format_customer_time(
            datetime(2026, 5, 10, 19, 0), self.ticket
        )
        self.assertRegex(text, r"10:00\sPM \(Asia/Riyadh\)$")


@tagged("post_install", "-at_install")
class TestQuietHoursSwitch(CustomerTimeZoneCommon):
    def test_switched_off_nothing_is_held(self):
        self.assertTrue(self.page.quiet_hours_enabled)
        self.page.quiet_hours_enabled = False
        # The window is kept for when it is switched on again.
        self.assertEqual((self.page.quiet_start, self.page.quiet_end), (21.0, 8.0))
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 19, 0)):
            self.ticket.stage_id = self.stage_progress
        self.assertEqual(len(self._status_sms()), 1)
        self.assertFalse(self.ticket.status_sms_due)
        self.assertIsNone(
            self.page._get_quiet_hours_end(datetime(2026, 5, 10, 19, 0), "Asia/Riyadh")
        )
        self.page.quiet_hours_enabled = True
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 19, 0)):
            self.ticket.stage_id = self.stage_awaiting
        self.assertEqual(self.ticket.status_sms_due, datetime(2026, 5, 11, 5, 0))

    def test_new_pages_off_unless_a_window_is_given(self):
        Page = self.env["helpdesk.status.page"]
        self.assertFalse(
            Page.create({"name": "Plain", "slug": "plain"}).quiet_hours_enabled
        )
        night = Page.create(
            {"name": "Night", "slug": "night", "quiet_start": 22.0, "quiet_end": 7.0}
        )
        self.assertTrue(night.quiet_hours_enabled)
        # Both at once: the switch as written.
        off = Page.create(
            {
                "name": "Off",
                "slug": "off",
                "quiet_start": 22.0,
                "quiet_end": 7.0,
                "quiet_hours_enabled": False,
            }
        )
        self.assertFalse(off.quiet_hours_enabled)

    def test_switching_on_proposes_the_night(self):
        form = Form(self.env["helpdesk.status.page"])
        form.name = "Form page"
        form.slug = "form-page"
        self.assertFalse(form.quiet_hours_enabled)
        form.quiet_hours_enabled = True
        self.assertEqual((form.quiet_start, form.quiet_end), (21.0, 8.0))
        page = form.save()
        self.assertTrue(page.quiet_hours_enabled)

    def test_form_names_the_zone_rule(self):
        arch = self.env["helpdesk.status.page"].get_view(view_type="form")["arch"]
        self.assertIn('name="quiet_hours_enabled"', arch)
        self.assertIn("country of their phone number", arch)


@tagged("post_install", "-at_install")
class TestTimesInCustomerZone(CustomerTimeZoneCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Warsaw"
        # The promise: the last stage change (any date-and-time field).
        cls.page.write(
            {
                "promise_mode": "field",
                "promise_field_id": cls.env["ir.model.fields"]
                ._get("helpdesk.ticket", "last_stage_update")
                .id,
            }
        )

    def _values(self):
        values = self.ticket._get_status_page_values(self.page)
        values.update(self.ticket._get_status_conversation(self.page))
        return values

    def test_default_is_the_page_s_zone(self):
        self.assertEqual(self.page.times_zone, "team")
        self.assertEqual(self.ticket._get_status_shown_tz(), "Europe/Warsaw")
        values = self._values()
        self.assertEqual(values["tz"], "Europe/Warsaw")
        self.assertFalse(values["tz_is_customer"])

    def test_customer_option_shows_every_time_in_the_customer_s_zone(self):
        with self.mock_datetime_and_now(datetime(2026, 5, 10, 19, 0)):
            self.ticket.stage_id = self.stage_progress
            self.ticket.message_post(
                body="We are on it.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        team = self._values()
        self.page.times_zone = "customer"
        customer = self._values()
        self.assertEqual(customer["tz"], "Asia/Riyadh")
        self.assertTrue(customer["tz_is_customer"])
        Ticket = self.env["helpdesk.ticket"]
        for values, tz in ((team, "Europe/Warsaw"), (customer, "Asia/Riyadh")):
            step = next(s for s in values["timeline"] if s["status"] == "in_progress")
            shown = {
                values["last_update"]: values["last_change"],
                step["date_display"]: step["date"],
                values["promise_display"]: values["promise"],
            }
            for text, value in shown.items():
                self.assertEqual(text, Ticket._format_status_time(value, tz))
            # 19:00 UTC: 21:00 in Warsaw, 22:00 in Riyadh.
            self.assertRegex(
                values["messages"][-1]["date"],
                r"9:00\sPM$" if tz == "Europe/Warsaw" else r"10:00\sPM$",
            )
        self.assertNotEqual(team["last_update"], customer["last_update"])
        self.assertEqual(customer["promise_iso"], team["promise_iso"])


@tagged("post_install", "-at_install")
class TestTimesInCustomerZoneHttp(StatusPageHttpCommon):
    def test_page_names_the_zone_it_uses(self):
        self.partner.tz = False
        self.ticket.user_id = False
        self.company.partner_id.tz = "Europe/Warsaw"
        html = self._grant().text
        self.assertIn("Times in Europe/Warsaw", html)
        self.page.times_zone = "customer"
        html = self._get(self._token_path()).text
        self.assertIn("Times in your time zone, Asia/Riyadh", html)
