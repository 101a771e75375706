# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attacks through what a customer sends (issue 21, items 10, 15-19): each
test is the attack, through the real controller."""

import io
import struct
import tracemalloc
import zipfile
import zlib
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import config

from ..tools.text import clean_input
from .test_customer_actions import PNG, StatusPageActionCommon


def bzip2_bomb(size=64 * 2**20):
    """A ZIP of a few hundred bytes whose ``mimetype`` entry unpacks to
    ``size`` bytes of zeros (bzip2)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as entry:
            chunk = bytes(2**20)
            for _index in range(size // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


def huge_png(side=20000):
    """A black-and-white PNG of ``side`` × ``side`` pixels, about 50 kB."""
    row = b"\x00" + bytes((side + 7) // 8)
    packer = zlib.compressobj(9)
    rows = 1000
    data = b"".join(packer.compress(row * rows) for _index in range(side // rows))
    data += packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


@tagged("post_install", "-at_install")
class TestInputAttacks(StatusPageActionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.customer_reply = "open"

    def _view(self, ticket=None):
        return self._get(self._token_path(ticket)).text

    def _reply_rows(self, ticket=None):
        return self.env["helpdesk.status.page.challenge"].search_count(
            [("kind", "=", "reply"), ("ticket_id", "=", (ticket or self.ticket).id)]
        )

    # Item 10: no value of the hourly limit gives a 500

    def test_zero_replies_per_hour_turns_messages_off(self):
        self.page.max_replies_per_hour = 0
        self._grant()
        response = self._act("reply", {"message": "Hello"}, nonce="n" * 20)
        self.assertEqual(response.status_code, 303)
        self.assertIn("Replies are not possible", self._view())
        self.assertNotIn("o_status_reply_form", self._view())
        self.ticket.stage_id = self.stage_done
        self.assertNotIn("/reopen", self._view())
        response = self._act("reopen", {"reason": "Still broken"}, nonce="n" * 20)
        self.assertEqual(response.status_code, 303)
        self.assertIn("please contact support", self._view())
        self.assertFalse(self._customer_messages())
        self.assertEqual(self.ticket.stage_id, self.stage_done)
        with self.assertRaises(ValidationError):
            self.page.max_replies_per_hour = -1

    # Item 15: a decompression bomb in an upload is refused unopened

    def test_bzip2_bomb_is_refused_without_unpacking(self):
        bomb = bzip2_bomb()
        self.assertLess(len(bomb), 2000)
        self.page.max_replies_per_hour = 2
        self._grant()
        for name in ("report.odt", "photo.jpg"):
            with self.subTest(name=name):
                csrf, nonce = self._form_tokens()
                tracemalloc.start()
                try:
                    response = self.url_open(
                        f"{self._token_path()}/reply",
                        data={"csrf_token": csrf, "nonce": nonce, "message": "Hi"},
                        files=[("files", (name, bomb, "application/octet-stream"))],
                        allow_redirects=False,
                    )
                    peak = tracemalloc.get_traced_memory()[1]
                finally:
                    tracemalloc.stop()
                self.assertEqual(response.status_code, 303)
                self.assertLess(peak, 32 * 2**20, "the archive was unpacked")
                view = self._view()
                self.assertIn(f"“{name}” cannot be sent", view)
                self.assertIn("Hi", view)  # kept
        self.assertFalse(self._customer_messages())
        # Refused uploads count against the hourly limit.
        self.assertEqual(self._reply_rows(), 2)
        self._act("reply", {"message": "Third"})
        self.assertIn("many messages in the last hour", self._view())
        self.assertFalse(self._customer_messages())

    # Item 16: the hourly limit counts messages of the page, whoever sends

    def test_reply_limit_counts_on_ticket_without_contact(self):
        self.env["res.partner"].create(
            {"name": "Owner of the address", "email": "shared@example.com"}
        )
        ticket = self._create_ticket(
            name="No contact", partner_id=False, partner_email="shared@example.com"
        )
        self.assertFalse(ticket.partner_id)
        self.page.max_replies_per_hour = 2
        self._grant(ticket, contact="shared@example.com")
        for index in range(3):
            self._act("reply", {"message": f"Reply {index}"}, ticket=ticket)
        posted = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and "Reply" in (m.body or "")
        )
        self.assertEqual(len(posted), 2)
        self.assertIn("many messages in the last hour", self._view(ticket))
        self.assertEqual(self._reply_rows(ticket), 2)

    # Item 17: an image Odoo cannot process is refused, never a 500

    def test_huge_and_unreadable_images_are_refused(self):
        self._grant()
        bomb = huge_png()
        self.assertLess(len(bomb), 100_000)
        cases = [
            ("scan.png", bomb, "image is too large"),
            ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "cannot be read"),
        ]
        for name, data, error in cases:
            with self.subTest(name=name):
                response = self._act(
                    "reply",
                    {"message": "Look"},
                    files=[("files", (name, data, "image/png"))],
                )
                self.assertEqual(response.status_code, 303)
                view = self._view()
                self.assertIn(error, view)
                self.assertIn(f"“{name}”", view)
        self.assertFalse(self._customer_messages())
        self._act("reply", {"message": "Small"}, files=[("files", ("ok.png", PNG))])
        self.assertEqual(len(self._customer_messages()), 1)

    # Item 18: one cleaner for every text a customer sends

    def test_control_characters_in_every_text(self):
        self.page.max_requests_per_ip_hour = 100
        self._grant(contact="customer@example.com\x00")
        self._act("reply", {"message": "Hello\x00 there\x07"})
        self.assertIn("Hello there", self._customer_messages().body)
        self.ticket.stage_id = self.stage_done
        self._act("solved")
        response = self._act("rate", {"rating": "4", "comment": "Good\x00 job\x1b"})
        self.assertEqual(response.status_code, 303)
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
        )
        self.assertEqual(rating.feedback, "Good job")
        response = self._act("reopen", {"reason": "Not\x00 yet"})
        self.assertEqual(response.status_code, 303)
        self.assertIn("Not yet", self._customer_messages()[0].body)
        self.assertEqual(
            clean_input(" a\x00b\r\nc\x1b\td\x85 ", 10, multiline=True),
            "ab\nc\td",
        )
        self.assertEqual(clean_input("HT\x00-1\n2", 10), "HT-12")

    # Item 19: a change of the contact's e-mail or phone ends grants

    def test_contact_email_change_ends_grants(self):
        self.ticket.partner_email = False
        self._grant()
        self.partner.email = "someone.else@example.com"
        self.assertNotIn("o_status_timeline", self._view())
        self.partner.email = "customer@example.com"  # never brings it back
        self.assertNotIn("o_status_timeline", self._view())

    def test_contact_phone_change_ends_grants_and_ticket_follows(self):
        self.page.verification_field = "phone"
        self.assertEqual(self.ticket.partner_phone, self.partner.phone)
        self._grant(contact="+966 50 123 4567")
        other = self._create_ticket(name="Own phone", partner_phone="+48 601 000 000")
        self.partner.phone = "+966 50 765 4321"
        self.assertEqual(self.ticket.partner_phone, "+966 50 765 4321")
        self.assertEqual(other.partner_phone, "+48 601 000 000")
        self.assertNotIn("o_status_timeline", self._view())
        self._grant(contact="+966 50 765 4321")

    # Route limit, nonces of refused forms, IPv6 networks

    def test_reply_body_far_over_the_pages_limit_is_refused_unread(self):
        self.env["helpdesk.status.page"].search([]).max_upload_mb = 1
        self._grant()

        def reply(size):
            return self._act(
                "reply",
                {"message": "Big"},
                files=[("files", ("big.pdf", b"%PDF-1.4" + bytes(size)))],
            )

        # A little over: the page's message, the text kept, counted.
        self.assertEqual(reply(3 * 2**19).status_code, 303)
        view = self._view()
        self.assertIn("too big", view)
        self.assertIn("Big", view)
        self.assertEqual(self._reply_rows(), 1)
        # Far over (more than twice the largest page's limit): refused from
        # its Content-Length, before Odoo reads it.
        self.assertEqual(reply(3 * 2**20).status_code, 413)
        self.assertEqual(self._reply_rows(), 1)
        self.assertEqual(reply(2**19).status_code, 303)
        self.assertEqual(len(self._customer_messages()), 1)

    def test_refused_form_leaves_no_claim(self):
        self.ticket.stage_id = self.stage_done
        self._grant()
        csrf, nonce = self._form_tokens()

        def rate():
            return self.url_open(
                f"{self._token_path()}/rate",
                data={"csrf_token": csrf, "nonce": nonce, "rating": "5"},
                allow_redirects=False,
            )

        rate()  # refused: not confirmed yet
        self.assertIn("no longer possible", self._view())
        self._act("solved")
        rate()  # the same form, now accepted
        self.assertEqual(
            self.env["rating.rating"].search_count(
                [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", self.ticket.id)]
            ),
            1,
        )

    def test_ipv6_limit_counts_each_64(self):
        self.page.write({"max_requests_per_ip_hour": 2, "verification_method": "match"})
        host = self.base_url().split("//", 1)[1]

        def verify(ip):
            csrf = self._form_tokens()[0]
            return self.url_open(
                f"{self._token_path()}/verify",
                data={"csrf_token": csrf, "contact": "wrong@example.com"},
                headers={"X-Forwarded-For": ip, "X-Forwarded-Host": host},
            ).text

        with patch.dict(config.options, {"proxy_mode": True}):
            for suffix in ("1", "2"):
                self.assertNotIn("Too many attempts", verify(f"2001:db8:1:2::{suffix}"))
            self.assertIn("Too many attempts", verify("2001:db8:1:2:ffff::3"))
            self.assertNotIn("Too many attempts", verify("2001:db8:1:3::1"))
        Challenge = self.env["helpdesk.status.page.challenge"]
        self.assertEqual(
            Challenge._get_ip_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64"
        )
        self.assertEqual(Challenge._get_ip_key("::ffff:203.0.113.7"), "203.0.113.7")
        self.assertEqual(Challenge._get_ip_key("203.0.113.7"), "203.0.113.7")
