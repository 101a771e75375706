# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The pure rules of the page side of ``tools/`` (input cleaning, quiet
hours, upload sniffing, limits, frozen caches), called directly: no
database, no ORM."""

import io
import zipfile
from datetime import datetime, timedelta

from odoo.tests import BaseCase

from ..tools import frozen, limits, quiet_hours, text, upload

ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def odt(mimetype=None, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", mimetype or ODT.encode(), compress_type=compression
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


class TestTextTools(BaseCase):
    def test_clean_input_drops_control_characters(self):
        self.assertEqual(
            text.clean_input(" a\x00b\r\nc\x1b\td\x85 ", 10, multiline=True),
            "ab\nc\td",
        )
        self.assertEqual(text.clean_input("HT\x00-1\n2", 10), "HT-12")
        self.assertEqual(text.clean_input("a\r\rb", 10, multiline=True), "a\n\nb")
        self.assertEqual(text.clean_input(None, 10), "")
        self.assertEqual(text.clean_input(["not", "text"], 10), "")

    def test_clean_input_refuses_too_long_with_its_length(self):
        # Measured after cleaning: what is dropped does not count.
        self.assertEqual(text.clean_input("\x00" * 50 + "abc", 3), "abc")
        with self.assertRaises(ValueError) as caught:
            text.clean_input(" abcdef ", 5)
        self.assertEqual(caught.exception.args, (6,))

    def test_identifier_patterns(self):
        self.assertTrue(text.SLUG_RE.match("customer-support"))
        for slug in ("Support", "-a", "a--b", "a_b", ""):
            with self.subTest(slug=slug):
                self.assertFalse(text.SLUG_RE.match(slug))
        self.assertTrue(text.TOKEN_RE.fullmatch("A" * 16))
        self.assertFalse(text.TOKEN_RE.fullmatch("A" * 15))
        self.assertFalse(text.NONCE_RE.fullmatch("a" * 20 + "/"))


class TestQuietHoursTools(BaseCase):
    def test_window_across_midnight(self):
        end = quiet_hours.quiet_hours_end
        # 22:00-07:00 UTC: inside in the evening and in the early morning.
        self.assertEqual(
            end(datetime(2026, 5, 10, 23, 30), "UTC", 22.0, 7.0),
            datetime(2026, 5, 11, 7, 0),
        )
        self.assertEqual(
            end(datetime(2026, 5, 11, 3, 0), "UTC", 22.0, 7.0),
            datetime(2026, 5, 11, 7, 0),
        )
        self.assertIsNone(end(datetime(2026, 5, 11, 7, 0), "UTC", 22.0, 7.0))
        self.assertIsNone(end(datetime(2026, 5, 11, 12, 0), "UTC", 22.0, 7.0))
        # A window within one day, and an empty one.
        self.assertEqual(
            end(datetime(2026, 5, 11, 13, 0), "UTC", 12.5, 14.0),
            datetime(2026, 5, 11, 14, 0),
        )
        self.assertIsNone(end(datetime(2026, 5, 11, 23, 0), "UTC", 22.0, 22.0))

    def test_window_across_the_warsaw_dst_changes(self):
        end = quiet_hours.quiet_hours_end
        # 2026-03-29 02:00 CET -> 03:00 CEST: the night is an hour shorter,
        # 07:00 local is 05:00 UTC (06:00 UTC the night before).
        self.assertEqual(
            end(datetime(2026, 3, 28, 22, 0), "Europe/Warsaw", 22.0, 7.0),
            datetime(2026, 3, 29, 5, 0),
        )
        self.assertEqual(
            end(datetime(2026, 3, 27, 22, 0), "Europe/Warsaw", 22.0, 7.0),
            datetime(2026, 3, 28, 6, 0),
        )
        # 2026-10-25 03:00 CEST -> 02:00 CET: 07:00 local is 06:00 UTC.
        self.assertEqual(
            end(datetime(2026, 10, 24, 21, 0), "Europe/Warsaw", 22.0, 7.0),
            datetime(2026, 10, 25, 6, 0),
        )
        # 21:30 UTC on the 24th is 23:30 CEST: inside; 19:30 UTC is not.
        self.assertIsNone(
            end(datetime(2026, 10, 24, 19, 30), "Europe/Warsaw", 22.0, 7.0)
        )

    def test_bounds_to_the_minute(self):
        self.assertEqual(quiet_hours.quiet_minute(23.99), 23 * 60 + 59)
        self.assertEqual(
            quiet_hours.quiet_hours_end(
                datetime(2026, 5, 10, 22, 30), "UTC", 22.0, 23.99
            ),
            datetime(2026, 5, 10, 23, 59),
        )
        self.assertTrue(quiet_hours.is_valid_quiet_hour(23.99))
        self.assertTrue(quiet_hours.is_valid_quiet_hour(0.0))
        # 23.995 reads "24:00": no time of day; saved anyway, it is midnight.
        for hour in (23.995, 24.0, -0.5):
            with self.subTest(hour=hour):
                self.assertFalse(quiet_hours.is_valid_quiet_hour(hour))
        self.assertEqual(quiet_hours.quiet_minute(23.995), 0)


class TestUploadTools(BaseCase):
    def test_office_files_are_told_apart(self):
        self.assertEqual(upload.sniff_upload(odt()), ODT)
        self.assertEqual(
            upload.sniff_upload(odt(compression=zipfile.ZIP_DEFLATED)), ODT
        )
        self.assertEqual(
            upload.sniff_upload(odt(compression=zipfile.ZIP_BZIP2)), "application/zip"
        )
        self.assertEqual(upload.sniff_upload(odt(b"x" * 300)), "application/zip")
        docx = io.BytesIO()
        with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        self.assertEqual(upload.sniff_upload(docx.getvalue()), DOCX)
        # Entries declaring far more than the archive holds: refused.
        dense = io.BytesIO()
        with zipfile.ZipFile(dense, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", bytes(8 * 2**20))
        self.assertEqual(upload.sniff_upload(dense.getvalue()), "application/zip")

    def test_zip_without_end_record_or_with_too_many_entries(self):
        self.assertIsNone(upload.count_zip_entries(b"PK\x03\x04" + bytes(100)))
        self.assertEqual(
            upload.sniff_zip(b"PK\x03\x04" + bytes(100)), "application/zip"
        )
        self.assertEqual(upload.count_zip_entries(odt()), 2)

    def test_not_a_zip_goes_to_odoo_sniffer(self):
        self.assertEqual(upload.sniff_upload(b"%PDF-1.4\n%%EOF"), "application/pdf")

    def test_images_odoo_cannot_process(self):
        self.assertEqual(
            upload.get_image_refusal("jpg", b"\xff\xd8\xff" + bytes(50)), "unreadable"
        )
        self.assertIsNone(upload.get_image_refusal("pdf", b"%PDF-1.4"))
        self.assertEqual(upload.read_image_header(b"nothing"), (None, 0))

    def test_file_names_and_extensions(self):
        self.assertEqual(
            upload.clean_file_name("../../etc/pass\x00wd.txt"), "passwd.txt"
        )
        self.assertEqual(upload.clean_file_name("C:\\Users\\me\\a.pdf"), "a.pdf")
        self.assertEqual(upload.clean_file_name(""), "file")
        long_name = upload.clean_file_name("x" * 500 + ".pdf")
        self.assertEqual(len(long_name), upload.MAX_FILE_NAME)
        self.assertTrue(long_name.endswith(".pdf"))
        self.assertEqual(
            upload.parse_extensions(" PDF, .png;jpg  .. "), ["pdf", "png", "jpg"]
        )
        self.assertEqual(upload.parse_extensions(False), [])


class TestLimitTools(BaseCase):
    def test_next_slot_in_a_sliding_window(self):
        now = datetime(2026, 5, 10, 12, 0)
        hour = timedelta(hours=1)
        times = [now - timedelta(minutes=minutes) for minutes in (5, 20, 50, 70)]
        self.assertIsNone(limits.get_next_slot(times, 4, hour, now))
        # The 3rd latest (50 minutes ago) leaves the hour in 10 minutes.
        self.assertEqual(
            limits.get_next_slot(times, 3, hour, now), now + timedelta(minutes=10)
        )
        self.assertFalse(limits.get_next_slot([], 0, hour, now))
        self.assertIsNone(limits.get_next_slot([], 1, hour, now))
        # An empty window counts nothing, even an event stamped after now.
        self.assertIsNone(
            limits.get_next_slot([now + timedelta(seconds=1)], 1, timedelta(0), now)
        )

    def test_ip_key_counts_ipv6_by_64(self):
        self.assertEqual(limits.get_ip_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64")
        self.assertEqual(limits.get_ip_key("::ffff:203.0.113.7"), "203.0.113.7")
        self.assertEqual(limits.get_ip_key("203.0.113.7"), "203.0.113.7")
        self.assertEqual(limits.get_ip_key("x" * 100), "x" * 64)
        self.assertEqual(limits.get_ip_key(None), "")


class TestFrozenTools(BaseCase):
    def test_freeze_makes_an_immutable_copy(self):
        value = [{"name": "a", "options": [1, 2], "nested": {"k": [3]}}]
        frozen_value = frozen.freeze(value)
        self.assertEqual(frozen_value[0]["options"], (1, 2))
        self.assertEqual(frozen_value[0]["nested"]["k"], (3,))
        with self.assertRaises(NotImplementedError):
            frozen_value[0]["name"] = "b"
        value[0]["options"].append(3)
        self.assertEqual(frozen_value[0]["options"], (1, 2))
