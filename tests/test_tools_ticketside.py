# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The pure rules the ticket side keeps in ``tools/``: no database, no ORM."""

from datetime import datetime

import babel.dates
import pytz
from markupsafe import Markup

from odoo.tests import BaseCase
from odoo.tools.misc import babel_locale_parse

from ..tools import date_format, html, statuses, time_zone


class TestHtmlTools(BaseCase):
    def setUp(self):
        super().setUp()
        html._sanitize_html_cached.cache_clear()

    def test_sanitize_html_cleans_and_marks_safe(self):
        clean = html.sanitize_html('<p onclick="x()">Hi<script>alert(1)</script></p>')
        self.assertIsInstance(clean, Markup)
        self.assertNotIn("script", clean)
        self.assertNotIn("onclick", clean)
        self.assertIn("Hi", clean)

    def test_small_bodies_are_remembered(self):
        first = html.sanitize_html("<p>same</p>")
        self.assertIs(html.sanitize_html("<p>same</p>"), first)
        self.assertEqual(html._sanitize_html_cached.cache_info().hits, 1)

    def test_large_bodies_are_not_remembered(self):
        big = "<p>" + "x" * html.SANITIZE_CACHE_MAX_LENGTH + "</p>"
        self.assertIn("xxx", html.sanitize_html(big))
        self.assertEqual(html._sanitize_html_cached.cache_info().currsize, 0)

    def test_cache_is_bounded_by_count(self):
        for index in range(html.SANITIZE_CACHE_SIZE + 10):
            html.sanitize_html(f"<p>{index}</p>")
        self.assertEqual(
            html._sanitize_html_cached.cache_info().currsize, html.SANITIZE_CACHE_SIZE
        )

    def test_empty_bodies(self):
        self.assertEqual(html.sanitize_html(""), "")


class TestDateFormatTools(BaseCase):
    def test_medium_date_names_the_month(self):
        self.assertEqual(date_format.date_pattern("en_US"), "MMM d, y")
        self.assertIn("MMM", date_format.date_pattern("pl_PL"))

    def test_time_has_date_and_minutes_without_seconds(self):
        for lang in ("en_US", "ar_001", "pl_PL"):
            with self.subTest(lang=lang):
                pattern = date_format.time_pattern(lang)
                self.assertIn(date_format.date_pattern(lang), pattern)
                self.assertIn("mm", pattern)
                self.assertNotIn("ss", pattern)
        self.assertRegex(date_format.time_pattern("en_US"), r"^MMM d, y, h:mm\s?a$")

    def test_local_time_reads_as_babel_formats_it(self):
        value = datetime(2026, 11, 23, 6, 20)
        for lang, zone in (
            ("en_US", "Asia/Riyadh"),
            ("ar_001", "Asia/Riyadh"),
            ("pl_PL", "Europe/Warsaw"),
            ("en_US", "America/New_York"),
        ):
            with self.subTest(lang=lang, zone=zone):
                expected = babel.dates.format_datetime(
                    pytz.utc.localize(value).astimezone(pytz.timezone(zone)),
                    date_format.time_pattern(lang),
                    locale=babel_locale_parse(lang),
                )
                self.assertEqual(
                    date_format.format_local_time(value, zone, lang), expected
                )
        self.assertEqual(
            date_format.format_local_time(value, "Asia/Riyadh", "en_US"),
            "Nov 23, 2026, 9:20 AM",
        )
        # An unknown zone reads as UTC.
        self.assertEqual(
            date_format.format_local_time(value, "Mars/Olympus", "en_US"),
            date_format.format_local_time(value, "UTC", "en_US"),
        )


class TestTimeZoneTools(BaseCase):
    def test_first_known_zone_wins(self):
        self.assertEqual(
            time_zone.first_valid_tz("Asia/Riyadh", "Europe/Warsaw"), "Asia/Riyadh"
        )
        self.assertEqual(
            time_zone.first_valid_tz(False, None, "", "Europe/Warsaw"), "Europe/Warsaw"
        )

    def test_unknown_zones_are_skipped(self):
        self.assertEqual(
            time_zone.first_valid_tz("Mars/Olympus", "asia/riyadh", "Asia/Riyadh"),
            "Asia/Riyadh",
        )

    def test_default_when_none_is_known(self):
        self.assertEqual(time_zone.first_valid_tz(), "UTC")
        self.assertEqual(time_zone.first_valid_tz("Mars/Olympus", False), "UTC")
        self.assertEqual(
            time_zone.first_valid_tz(False, default="Europe/Warsaw"), "Europe/Warsaw"
        )


class TestStatusTools(BaseCase):
    def test_every_main_status_is_open_or_finishing(self):
        values = [value for value, _label in statuses.MAIN_STATUSES]
        self.assertEqual(
            values, [*statuses.OPEN_STATUSES, *statuses.FINISHING_STATUSES]
        )
        self.assertFalse(set(statuses.OPEN_STATUSES) & set(statuses.FINISHING_STATUSES))
