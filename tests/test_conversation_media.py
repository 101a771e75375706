# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Images as thumbnails in the conversation: served through the download
route's checks, resized by Odoo's image tools, cached by the customer's
browser only; each file shown once, with its size and date."""

import io
import re
import struct
import zlib
from datetime import datetime

from PIL import Image

from odoo.tests import BaseCase, tagged

from ..tools.upload import make_thumbnail
from .test_customer_actions import StatusPageActionCommon


def make_jpeg(width=1200, height=800, color="red"):
    data = io.BytesIO()
    Image.new("RGB", (width, height), color).save(data, "JPEG")
    return data.getvalue()


def make_png_header(width, height):
    """A PNG that declares ``width`` x ``height`` pixels in a few bytes: its
    pixels would take gigabytes once decoded (a decompression bomb)."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def image_size(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.size


class TestThumbnailTool(BaseCase):
    """``make_thumbnail`` without a database."""

    def test_resized_within_size_and_reencoded(self):
        source = io.BytesIO()
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make: stands for the phone's metadata
        Image.new("RGB", (1200, 800), "red").save(source, "JPEG", exif=exif)
        data, mimetype = make_thumbnail(source.getvalue(), 256)
        self.assertEqual(mimetype, "image/jpeg")
        self.assertEqual(image_size(data)[0], 256)
        self.assertNotIn(b"PhoneMaker", data)
        data, mimetype = make_thumbnail(make_jpeg(), 512)
        self.assertEqual(image_size(data)[0], 512)
        png = io.BytesIO()
        Image.new("RGBA", (100, 50)).save(png, "PNG")
        data, mimetype = make_thumbnail(png.getvalue(), 256)
        self.assertEqual((mimetype, image_size(data)), ("image/png", (100, 50)))

    def test_refusals(self):
        gif = io.BytesIO()
        Image.new("RGB", (10, 10)).save(gif, "GIF")
        for data, size in (
            (make_jpeg(), 300),  # not a size the page asks for
            (b"%PDF-1.4 not an image", 256),
            (gif.getvalue(), 256),  # Odoo's tools do not resize GIF
            (make_png_header(100000, 100000), 256),  # PIL's bomb error
            (make_png_header(8000, 7000), 256),  # above Odoo's 50 Mpx
            (make_jpeg()[:300], 256),  # truncated
            (b"", 256),
        ):
            with self.subTest(data=data[:12], size=size):
                self.assertIsNone(make_thumbnail(data, size))


@tagged("post_install", "-at_install")
class TestConversationMedia(StatusPageActionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"allow_attachment_download": True, "customer_reply": "open"})
        cls.other = cls._create_ticket(name="Other customer's ticket")

    def _thumbnail_path(self, attachment, size=256, ticket=None):
        return (
            f"{self._token_path(ticket)}/attachment/{attachment.id}/thumbnail"
            f"?size={size}"
        )

    def _agent_file(self, name, data, ticket=None, **values):
        message = self._agent_says(
            f"<p>{name}</p>", ticket=ticket, attachments=[(name, data)]
        )
        if values:
            message.attachment_ids.write(values)
        return message.attachment_ids

    # ------------------------------------------------------------
    # Thumbnails and files shown once
    # ------------------------------------------------------------

    def test_customer_photo_shows_as_thumbnail_in_its_message(self):
        self._grant()
        self._act(
            "reply",
            {"message": "Here is the label"},
            files=[("files", ("label photo.jpg", make_jpeg(), "image/jpeg"))],
        )
        photo = self._customer_messages().attachment_ids
        self.assertEqual(photo.mapped("name"), ["label photo.jpg"])
        html = self._get(self._token_path()).text
        thumbnail = self._thumbnail_path(photo)
        # One image, named by its file name, inside the message.
        self.assertEqual(html.count('alt="label photo.jpg"'), 1)
        self.assertEqual(html.count(f'src="{thumbnail}"'), 1)
        message = re.search(
            r'<article class="[^"]*o_status_message_customer[^"]*">.*?</article>',
            html,
            re.S,
        ).group(0)
        self.assertIn(f'src="{thumbnail}"', message)
        self.assertIn(f"{thumbnail.replace('256', '512')} 2x", message)
        # Not again in a separate list: the only file is the message's.
        self.assertNotIn('<h2 class="h6">Attachments</h2>', html)
        self.assertEqual(html.count(f'/attachment/{photo.id}"'), 2)  # image, name

        response = self._get(thumbnail)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/jpeg")
        self.assertEqual(image_size(response.content)[0], 256)
        cache = response.headers["Cache-Control"]
        self.assertIn("private", cache)
        self.assertNotIn("public", cache)
        self.assertNotIn("no-store", cache)
        self.assertEqual(response.headers["Vary"], "Cookie")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertIn("default-src 'none'", response.headers["Content-Security-Policy"])
        large = self._get(self._thumbnail_path(photo, 512)).content
        self.assertEqual(image_size(large)[0], 512)
        # The full photo still downloads.
        self.assertEqual(
            self._get(f"{self._token_path()}/attachment/{photo.id}").content,
            photo.raw,
        )

    def test_files_of_no_message_keep_their_list(self):
        shared = self.env["ir.attachment"].create(
            {
                "name": "manual.pdf",
                "res_model": "helpdesk.ticket",
                "res_id": self.ticket.id,
                "raw": b"%PDF-1.4 manual",
                "status_page_shared": True,
            }
        )
        invoice = self._agent_file("invoice.pdf", b"%PDF-1.4 invoice")
        files = self.ticket._get_status_page_files("UTC")
        self.assertEqual([file["id"] for file in files], shared.ids)
        self.assertFalse(files[0]["thumbnail"])
        self._grant()
        html = self._get(self._token_path()).text
        card = re.search(
            r'<h2 class="h6">Attachments</h2>(.*?)</section>', html, re.S
        ).group(1)
        self.assertIn("manual.pdf", card)
        self.assertNotIn("invoice.pdf", card)
        self.assertEqual(html.count("invoice.pdf"), 2)  # the message body, the file
        self.assertEqual(html.count(f'/attachment/{invoice.id}"'), 1)
        self.assertNotIn(f"/attachment/{invoice.id}/thumbnail", html)

    def test_same_named_files_told_apart_by_size_and_date(self):
        with self.mock_datetime_and_now(datetime(2026, 3, 2, 9, 30)):
            first = self._agent_file("scan.pdf", b"%PDF-1.4 " + b"a" * 600)
        with self.mock_datetime_and_now(datetime(2026, 3, 5, 16, 45)):
            second = self._agent_file("scan.pdf", b"%PDF-1.4 " + b"b" * 3000)
        messages = self.ticket._get_status_conversation(self.page)["messages"]
        files = [file for message in messages for file in message["attachments"]]
        self.assertEqual([file["id"] for file in files], (first | second).ids)
        self.assertEqual([file["size"] for file in files], ["609 bytes", "3 KB"])
        self.assertEqual(len({file["date"] for file in files}), 2)
        self._grant()
        html = self._get(self._token_path()).text
        for file in files:
            meta = re.search(
                rf'/attachment/{file["id"]}".*?o_status_file_meta[^>]*>(.*?)</span>',
                html,
                re.S,
            ).group(1)
            self.assertIn(file["size"], meta)
            self.assertIn(file["date"], meta)
        self.assertIn("Mar 2", files[0]["date"])
        self.assertIn("Mar 5", files[1]["date"])
        self.assertEqual(self.ticket._format_status_file_size(5 * 2**20), "5.0 MB")

    def test_view_without_downloads_names_files_only(self):
        photo = self._agent_file("photo.jpg", make_jpeg())
        self.page.allow_attachment_download = False
        self._grant()
        html = self._get(self._token_path()).text
        self.assertIn("photo.jpg", html)
        self.assertNotIn("/thumbnail", html)
        response = self._get(self._thumbnail_path(photo))
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------
    # Attacks: a refusal (404), never a 500 nor another's file
    # ------------------------------------------------------------

    def test_thumbnail_without_grant_or_of_another_ticket(self):
        photo = self._agent_file("photo.jpg", make_jpeg())
        theirs = self._agent_file(
            "theirs.jpg", make_jpeg(color="blue"), ticket=self.other
        )
        response = self._get(self._thumbnail_path(photo))
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"JFIF", response.content)
        self._grant()
        self.assertEqual(self._get(self._thumbnail_path(photo)).status_code, 200)
        # Another ticket's photo, by id through this ticket's link, or
        # through the other ticket's link (no grant for it).
        for path in (
            self._thumbnail_path(theirs),
            self._thumbnail_path(theirs, ticket=self.other),
            self._thumbnail_path(photo, ticket=self.other),
        ):
            response = self._get(path)
            self.assertEqual(response.status_code, 404, path)
            self.assertNotIn(b"JFIF", response.content)
        # A note's image is no file of the customer's.
        note = self.ticket.message_post(
            body="Note",
            subtype_xmlid="mail.mt_note",
            attachments=[("n.jpg", make_jpeg())],
        )
        self.assertEqual(
            self._get(self._thumbnail_path(note.attachment_ids)).status_code, 404
        )
        # Signed out: nothing more.
        self._post(f"{self._token_path()}/signout", {}, form_path=self._token_path())
        self.assertEqual(self._get(self._thumbnail_path(photo)).status_code, 404)

    def test_thumbnail_of_non_images_and_bombs_is_refused(self):
        # Files that reached the database another way than the page's
        # checked uploads (an agent's, with Odoo's resizing of stored
        # images off): the thumbnail route checks them itself.
        self.env["ir.config_parameter"].set_param("base.image_autoresize_max_px", "0")
        pdf = self._agent_file("invoice.pdf", b"%PDF-1.4 invoice")
        disguised = self._agent_file(
            "fake.png", b"%PDF-1.4 disguised", mimetype="image/png"
        )
        bomb = self._agent_file("bomb.png", make_png_header(100000, 100000))
        huge = self._agent_file("huge.png", make_png_header(8000, 7000))
        truncated = self._agent_file("cut.jpg", make_jpeg()[:400])
        svg = self._agent_file(
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        )
        photo = self._agent_file("photo.jpg", make_jpeg())
        self._grant()
        for attachment in (pdf, disguised, bomb, huge, truncated, svg):
            with self.subTest(name=attachment.name):
                response = self._get(self._thumbnail_path(attachment))
                self.assertEqual(response.status_code, 404)
                self.assertIn("text/html", response.headers["Content-Type"])
        for size in ("300", "0", "99999999999", "abc", "-1"):
            with self.subTest(size=size):
                response = self._get(
                    f"{self._token_path()}/attachment/{photo.id}/thumbnail?size={size}"
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self._get(
                f"{self._token_path()}/attachment/{photo.id}/thumbnail"
            ).status_code,
            200,
        )
        response = self.url_open(
            self._thumbnail_path(photo), data={"x": "1"}, allow_redirects=False
        )
        self.assertIn(response.status_code, (400, 404, 405))
