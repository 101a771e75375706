# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The pure rules of ``tools/``, called directly: no database, no ORM."""

import string
from datetime import date, datetime
from unittest.mock import patch

import pytz

from odoo.exceptions import UserError
from odoo.tests import BaseCase
from odoo.tools.misc import hmac as odoo_hmac

from ..tools import code, contact, working_days

# 2026-03-06 is a Friday.
MON, TUE, WED, THU, FRI = (date(2026, 3, day) for day in (2, 3, 4, 5, 6))
NEXT_MON, NEXT_TUE, NEXT_WED = (date(2026, 3, day) for day in (9, 10, 11))
# Working days Monday to Friday, two weeks of them.
WEEKDAYS = [MON, TUE, WED, THU, FRI, NEXT_MON, NEXT_TUE, NEXT_WED]


class TestCodeTools(BaseCase):
    def test_to_ascii_digits_folds_every_script(self):
        cases = {
            "٠١٢٣٤٥٦٧٨٩": "0123456789",  # Arabic-Indic
            "۰۱۲۳۴۵۶۷۸۹": "0123456789",  # Extended Arabic-Indic (Persian, Urdu)
            "０１２３４５６７８９": "0123456789",  # full-width
            "HT-٠٠٠١٤": "HT-00014",
            "+٩٦٦ ٥٠": "+966 50",
            "1234": "1234",
            "": "",
        }
        for given, expected in cases.items():
            with self.subTest(given=given):
                self.assertEqual(code.to_ascii_digits(given), expected)

    def test_to_ascii_digits_keeps_what_is_not_a_decimal_digit(self):
        # Superscripts and fractions are digits to Unicode but not decimals.
        self.assertEqual(code.to_ascii_digits("²½ab-"), "²½ab-")

    def test_fold_code(self):
        self.assertEqual(code.fold_code(" ١٢ ٣٤ "), "1234")
        self.assertEqual(code.fold_code("１２\t３４\n"), "1234")
        self.assertEqual(code.fold_code("12a4"), "12a4")
        self.assertEqual(code.fold_code(None), "")
        # Folding keeps the length, so the input limit reads the same.
        long_code = "٣" * (code.MAX_CODE_INPUT + 1)
        self.assertEqual(len(code.fold_code(long_code)), code.MAX_CODE_INPUT + 1)

    def test_generate_code_keeps_leading_zeros(self):
        for length in (4, 6, 8):
            with self.subTest(length=length):
                value = code.generate_code(length)
                self.assertEqual(len(value), length)
                self.assertTrue(set(value) <= set(string.digits))
        with patch.object(code.secrets, "randbelow", return_value=42) as draw:
            self.assertEqual(code.generate_code(6), "000042")
        draw.assert_called_once_with(10**6)

    def test_generate_code_is_not_constant(self):
        self.assertGreater(len({code.generate_code(6) for _i in range(50)}), 1)


class TestContactTools(BaseCase):
    SAUDI = "+966501234567"

    def test_saudi_formats_read_as_one_e164(self):
        """SPEC §5: every way a Saudi customer types +966 50 123 4567."""
        for given in (
            "+966 50 123 4567",
            "0501234567",
            "501234567",
            "966501234567",
            "+966501234567",
            "00966501234567",
            "050 123 4567",
            "050-123-4567",
            "+966 50-123-4567",
            " 00966 50 123 4567 ",
            "00966-50-123-4567",
        ):
            with self.subTest(given=given):
                self.assertEqual(contact.phone_to_e164(given, "SA"), self.SAUDI)

    def test_international_numbers_ignore_the_region(self):
        self.assertEqual(contact.phone_to_e164("+966501234567", "PL"), self.SAUDI)
        self.assertEqual(contact.phone_to_e164("00966501234567", "PL"), self.SAUDI)
        self.assertEqual(contact.phone_to_e164("+48 501 234 567"), "+48501234567")

    def test_local_number_read_in_the_region_given(self):
        self.assertEqual(contact.phone_to_e164("501 234 567", "PL"), "+48501234567")
        self.assertNotEqual(contact.phone_to_e164("0501234568", "SA"), self.SAUDI)

    def test_folded_digits_read_as_the_same_number(self):
        for given in ("٠٥٠١٢٣٤٥٦٧", "+٩٦٦ ٥٠ ١٢٣ ٤٥٦٧", "０５０１２３４５６７"):
            with self.subTest(given=given):
                folded = code.to_ascii_digits(given)
                self.assertEqual(contact.phone_to_e164(folded, "SA"), self.SAUDI)

    def test_unreadable_phone_raises(self):
        for given in ("call me maybe", "501234", "0501234567", "+999 123"):
            region = None if given == "0501234567" else "SA"
            with self.subTest(given=given), self.assertRaises(UserError):
                contact.phone_to_e164(given, region)

    def test_email_input(self):
        self.assertEqual(
            contact.normalize_email_input("Customer@EXAMPLE.com"),
            "customer@example.com",
        )
        for shapeless in ("customer", "a@b@c", "a b@c.com", "@example.com", ""):
            with self.subTest(shapeless=shapeless):
                self.assertEqual(contact.normalize_email_input(shapeless), "")

    def test_stored_email(self):
        cases = {
            "Customer@Example.COM": "customer@example.com",
            '"Nora Q." <Nora@Example.com>': "nora@example.com",
            "not an e-mail": "",
            "": "",
            None: "",
            False: "",
        }
        for stored, expected in cases.items():
            with self.subTest(stored=stored):
                self.assertEqual(contact.normalize_stored_email(stored), expected)

    def test_digest_is_odoo_hmac_with_the_key(self):
        digest = contact.contact_digest("secret", self.SAUDI)
        self.assertRegex(digest, r"^[0-9a-f]{64}$")
        self.assertEqual(digest, contact.contact_digest("secret", self.SAUDI))
        self.assertNotEqual(digest, contact.contact_digest("other", self.SAUDI))
        self.assertNotEqual(digest, contact.contact_digest("secret", "+966501234568"))
        # The same value as Odoo's own keyed hash, given the database secret.
        params = {"database.secret": "secret"}
        env = {"ir.config_parameter": type("Params", (), {"get_param": params.get})}
        self.assertEqual(digest, odoo_hmac(env, contact.CONTACT_SCOPE, self.SAUDI))
        # ASCII whatever the contact, so it compares in constant time.
        self.assertTrue(
            contact.contact_digest("secret", "نورة@مثال.السعودية").isascii()
        )

    def test_masked_email(self):
        self.assertEqual(contact.mask_email("customer@example.com"), "c•••@example.com")
        self.assertEqual(contact.mask_email("n@example.com"), "n•••@example.com")

    def test_masked_phone(self):
        self.assertEqual(contact.mask_phone(self.SAUDI, 966), "+966 •• ••• 4567")
        # A number of another country than expected, or no country known.
        self.assertEqual(contact.mask_phone("+48501234567", 966), "+48 •• ••• 4567")
        self.assertEqual(contact.mask_phone("+48501234567", None), "+48 •• ••• 4567")
        self.assertEqual(contact.mask_phone("+12025550123", 1), "+1 •• ••• 0123")
        for masked in (
            contact.mask_phone(self.SAUDI, 966),
            contact.mask_phone(self.SAUDI, None),
        ):
            self.assertNotIn("501234", masked.replace(" ", ""))


class TestWorkingDayTools(BaseCase):
    def test_nth_working_day_skips_the_weekend(self):
        nth = working_days.nth_working_day_after
        self.assertEqual(nth(FRI, WEEKDAYS, 1), NEXT_MON)
        self.assertEqual(nth(FRI, WEEKDAYS, 2), NEXT_TUE)
        # Created on a Saturday: the day is not counted, nor Sunday.
        self.assertEqual(nth(date(2026, 3, 7), WEEKDAYS, 1), NEXT_MON)
        self.assertEqual(nth(date(2026, 3, 8), WEEKDAYS, 2), NEXT_TUE)
        self.assertEqual(nth(MON, WEEKDAYS, 1), TUE)
        self.assertEqual(nth(WED, WEEKDAYS, 3), NEXT_MON)

    def test_nth_working_day_beyond_the_list(self):
        nth = working_days.nth_working_day_after
        self.assertIsNone(nth(FRI, WEEKDAYS, 4))
        self.assertIsNone(nth(NEXT_WED, WEEKDAYS, 1))
        self.assertIsNone(nth(FRI, [], 1))
        self.assertIsNone(nth(FRI, WEEKDAYS, 0))

    def test_promise_day(self):
        promise = working_days.get_promise_day
        self.assertEqual(promise(FRI, 2, WEEKDAYS), NEXT_TUE)
        # Calendar days: no calendar, an empty one, or one too short.
        self.assertEqual(promise(FRI, 2), date(2026, 3, 8))
        self.assertEqual(promise(FRI, 2, []), date(2026, 3, 8))
        self.assertEqual(promise(FRI, 14, WEEKDAYS), date(2026, 3, 20))
        # Across a month and a year.
        self.assertEqual(promise(date(2026, 12, 25), 14), date(2027, 1, 8))

    def test_promise_day_skips_holidays(self):
        # Monday 9 March off: two working days after Friday is Wednesday.
        without_monday = [day for day in WEEKDAYS if day != NEXT_MON]
        self.assertEqual(working_days.get_promise_day(FRI, 2, without_monday), NEXT_WED)

    def test_local_date(self):
        created = datetime(2026, 3, 6, 23, 30)  # naive UTC, a Friday
        self.assertEqual(working_days.get_local_date(created, "UTC"), FRI)
        # Already Saturday in Riyadh, still Friday in New York.
        riyadh = working_days.get_local_date(created, "Asia/Riyadh")
        self.assertEqual(riyadh, date(2026, 3, 7))
        self.assertEqual(working_days.get_local_date(created, "America/New_York"), FRI)
        # Warsaw in summer time (UTC+2) from 29 March 2026 at 01:00 UTC.
        warsaw = "Europe/Warsaw"
        late = datetime(2026, 3, 28, 22, 30)
        self.assertEqual(working_days.get_local_date(late, warsaw), date(2026, 3, 28))
        summer = datetime(2026, 3, 29, 22, 30)
        self.assertEqual(working_days.get_local_date(summer, warsaw), date(2026, 3, 30))

    def test_search_window(self):
        zone = pytz.timezone("Asia/Riyadh")
        start, end = working_days.get_search_window(FRI, NEXT_MON, 2, zone)
        self.assertEqual(start, zone.localize(datetime(2026, 3, 7)))
        # A working day a week at least, and a month of holidays.
        self.assertEqual(end.date(), date(2026, 4, 23))
        self.assertEqual((end.hour, end.minute), (23, 59))

    def test_search_window_across_dst(self):
        """Warsaw moves to summer time on 29 March 2026: the window starts
        at local midnight in winter time and still covers the last day."""
        zone = pytz.timezone("Europe/Warsaw")
        start, end = working_days.get_search_window(
            date(2026, 3, 27), date(2026, 3, 28), 1, zone
        )
        self.assertEqual(start.utcoffset().total_seconds(), 3600)
        self.assertEqual(start.astimezone(zone).date(), date(2026, 3, 28))
        self.assertGreaterEqual(end, zone.localize(datetime(2026, 5, 5, 23, 59)))

    def test_local_dates(self):
        zone = pytz.timezone("Asia/Riyadh")
        starts = [
            pytz.utc.localize(datetime(2026, 3, 6, 23, 30)),  # Saturday in Riyadh
            pytz.utc.localize(datetime(2026, 3, 6, 5, 0)),
            pytz.utc.localize(datetime(2026, 3, 6, 10, 0)),  # same day again
            zone.localize(datetime(2026, 3, 2, 8, 0)),
        ]
        self.assertEqual(
            working_days.get_local_dates(starts, zone),
            [MON, FRI, date(2026, 3, 7)],
        )
        self.assertEqual(working_days.get_local_dates([], zone), [])
