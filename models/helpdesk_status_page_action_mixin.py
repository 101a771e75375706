# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import math
import os
import re
import struct
import warnings
import zipfile
from datetime import timedelta

from PIL import Image

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.http import DEFAULT_MAX_CONTENT_LENGTH
from odoo.tools.image import IMAGE_MAX_RESOLUTION
from odoo.tools.mimetypes import guess_mimetype

from .helpdesk_status_page_verification_mixin import clean_input

MAX_MESSAGE_LENGTH = 5000
MAX_FILE_NAME = 120
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
# Extension -> contents it may hold, as sniffed by Odoo (or libmagic): the
# name alone proves nothing, an ``.exe`` renamed ``.pdf`` is refused.
UPLOAD_TYPES = {
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "gif": {"image/gif"},
    "webp": {"image/webp"},
    "pdf": {"application/pdf"},
    "doc": {"application/msword", "application/CDFV2"},
    "xls": {"application/vnd.ms-excel", "application/msword", "application/CDFV2"},
    "ppt": {
        "application/vnd.ms-powerpoint",
        "application/msword",
        "application/CDFV2",
    },
    "docx": {f"{OOXML}wordprocessingml.document"},
    "xlsx": {f"{OOXML}spreadsheetml.sheet"},
    "pptx": {f"{OOXML}presentationml.presentation"},
    "odt": {f"{ODF}text"},
    "ods": {f"{ODF}spreadsheet"},
    "odp": {f"{ODF}presentation"},
    "txt": {"text/plain"},
    "csv": {"text/plain", "text/csv"},
}
DEFAULT_EXTENSIONS = ", ".join(UPLOAD_TYPES)
EXTENSION_SPLIT_RE = re.compile(r"[\s,;]+")
# What PIL reads of each image type customers may send (phones save many
# photos as multi-picture JPEG, "MPO").
IMAGE_FORMATS = {
    "image/jpeg": {"JPEG", "MPO"},
    "image/png": {"PNG"},
    "image/gif": {"GIF"},
    "image/webp": {"WEBP"},
}
# Office files are ZIP archives. Odoo's sniffer reads an archive's
# "mimetype" entry whole, whatever it unpacks to: a few hundred bytes of
# bzip2 ask for gigabytes. Archives are sniffed here instead, from their
# directory, unpacking at most MIME_ENTRY_MAX bytes, and only the
# compressions office files use; an archive whose entries unpack to more
# than ZIP_MAX_RATIO times its size (or ZIP_MAX_SIZE) or that has more than
# ZIP_MAX_ENTRIES entries is refused, so that nothing that opens it later
# (an indexer, an agent's viewer) is asked for more either.
ZIP_SIGNATURE = b"PK\x03\x04"
ZIP_END_SIGNATURE = b"PK\x05\x06"
ZIP_END_SIZE = 22
ZIP_MAX_COMMENT = 0xFFFF
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_RATIO = 100
ZIP_MAX_SIZE = 512 * 2**20
ZIP_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
MIME_ENTRY_MAX = 255
OOXML_DIRS = {
    "word/": f"{OOXML}wordprocessingml.document",
    "xl/": f"{OOXML}spreadsheetml.sheet",
    "ppt/": f"{OOXML}presentationml.presentation",
}
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)
# What the form may carry besides the files: the message and the form's
# tokens, in the worst encoding, and the multipart framing.
FORM_OVERHEAD = 64 * 1024


def count_zip_entries(data):
    """The number of entries a ZIP archive's end record declares, read
    before anything parses the directory; None when there is no end record
    (then it is no archive that ``zipfile`` opens)."""
    start = max(0, len(data) - ZIP_END_SIZE - ZIP_MAX_COMMENT)
    end = data.rfind(ZIP_END_SIGNATURE, start)
    if end < 0 or len(data) < end + ZIP_END_SIZE:
        return None
    return struct.unpack_from("<H", data, end + 10)[0]


def sniff_zip(data):
    """The office type of the ZIP archive ``data``, read with a bound:
    ``application/zip`` when it is none, or not one we can check safely.

    OOXML is told by its entries' names; OpenDocument by its ``mimetype``
    entry, which the format stores first and uncompressed: at most
    ``MIME_ENTRY_MAX`` bytes of it are read, never of another compression.
    """
    entries = count_zip_entries(data)
    if entries is None or entries > ZIP_MAX_ENTRIES:
        return "application/zip"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if (
                len(infos) > ZIP_MAX_ENTRIES
                or unpacked > min(ZIP_MAX_SIZE, ZIP_MAX_RATIO * len(data))
                or any(info.compress_type not in ZIP_COMPRESSIONS for info in infos)
            ):
                return "application/zip"
            names = [info.filename for info in infos]
            if "[Content_Types].xml" in names:
                for folder, mimetype in OOXML_DIRS.items():
                    if any(name.startswith(folder) for name in names):
                        return mimetype
                return "application/zip"
            info = next((info for info in infos if info.filename == "mimetype"), None)
            if info is None or info.file_size > MIME_ENTRY_MAX:
                return "application/zip"
            with archive.open(info) as entry:
                declared = entry.read(MIME_ENTRY_MAX + 1)
    except ZIP_ERRORS:
        return "application/zip"
    try:
        return declared.decode("ascii").strip() or "application/zip"
    except UnicodeDecodeError:
        return "application/zip"


def sniff_upload(data):
    """The type of an uploaded file's content, with a bound on the work:
    ZIP archives by ``sniff_zip``, the rest by Odoo's sniffer, which reads
    no more than the file (and never unpacks it)."""
    if data.startswith(ZIP_SIGNATURE):
        return sniff_zip(data)
    return guess_mimetype(data)


def read_image_header(data):
    """The format and pixel count of an image, from its header, without
    decoding its pixels: ``(None, 0)`` when PIL cannot read it, ``(None,
    inf)`` when PIL itself refuses it as a decompression bomb."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return image.format, image.size[0] * image.size[1]
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, math.inf
    except (OSError, ValueError, SyntaxError, struct.error):
        return None, 0


class HelpdeskStatusPageActionMixin(models.AbstractModel):
    """What customers may do on a status page: reply, upload, confirm,
    rate or reopen, and the limits of it. Inherited by
    ``helpdesk.status.page``; each rule is one method the controller calls.
    """

    _name = "helpdesk.status.page.action.mixin"
    _description = "Status Page Customer Actions Settings"

    customer_reply = fields.Selection(
        [
            ("never", "Never"),
            ("waiting", "While the ticket waits on the customer"),
            ("open", "While the ticket is not closed"),
        ],
        string="Customer replies",
        required=True,
        default="waiting",
        help="When a verified customer may answer and send files from the "
        "page. Waiting: only in stages marked 'Waiting on customer'.",
    )
    agent_display = fields.Selection(
        [("agent", "Agent name"), ("team", "Team name")],
        string="Show agents as",
        required=True,
        default="agent",
        help="Author shown to customers on agents' messages: the agent's own "
        "name, or the ticket's team name.",
    )
    max_upload_files = fields.Integer(
        string="Files per reply",
        default=5,
        help="Most files a customer may attach to one reply (0: no files).",
    )
    max_upload_mb = fields.Integer(
        string="Upload size (MB)",
        default=10,
        help="Most megabytes a customer may upload with one reply, all files together.",
    )
    upload_extensions = fields.Char(
        string="Allowed file types",
        default=DEFAULT_EXTENSIONS,
        help="File extensions customers may upload, separated by commas. "
        "Each file's content is also checked to match its extension. "
        f"Known types: {DEFAULT_EXTENSIONS}.",
    )
    max_replies_per_hour = fields.Integer(
        string="Replies per hour",
        default=10,
        help="Most messages (replies and reopen reasons) a ticket accepts "
        "from the page in one hour, whoever sends them; a message refused for "
        "its files counts too. 0: customers cannot send messages from the "
        "page (no replies, no reopening; the page says to contact support).",
    )
    reopen_days = fields.Integer(
        string="Reopen window (days)",
        default=14,
        help="For this many days after a ticket is resolved, the customer "
        "may confirm and rate it or reopen it from the page.",
    )
    reopen_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Reopen into stage",
        default=lambda self: self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress", False
        ),
        ondelete="set null",
        help="Stage a ticket moves to when the customer says it is not "
        "solved. Empty: the customer cannot reopen from the page.",
    )

    @api.constrains(
        "max_upload_files", "max_upload_mb", "max_replies_per_hour", "reopen_days"
    )
    def _check_action_limits(self):
        for page in self:
            if (
                min(
                    page.max_upload_files,
                    page.max_upload_mb,
                    page.max_replies_per_hour,
                    page.reopen_days,
                )
                < 0
                or page.max_upload_mb > 100
                or page.max_upload_files > 20
            ):
                raise ValidationError(
                    self.env._(
                        "Customer action limits cannot be negative; uploads "
                        "are limited to 20 files and 100 MB."
                    )
                )

    @api.constrains("upload_extensions")
    def _check_upload_extensions(self):
        for page in self:
            unknown = set(page._get_upload_extensions(strict=False)) - set(UPLOAD_TYPES)
            if unknown:
                raise ValidationError(
                    self.env._(
                        "Unknown file types: %(unknown)s. Known types: %(known)s.",
                        unknown=", ".join(sorted(unknown)),
                        known=DEFAULT_EXTENSIONS,
                    )
                )

    def _get_upload_extensions(self, strict=True):
        """The extensions customers may upload, lowercase, without dots.

        :param bool strict: drop the ones this module cannot check
        """
        self.ensure_one()
        extensions = [
            ext.lower().lstrip(".")
            for ext in EXTENSION_SPLIT_RE.split(self.upload_extensions or "")
            if ext.strip(".")
        ]
        return [ext for ext in extensions if ext in UPLOAD_TYPES or not strict]

    # ------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------

    def _is_reply_allowed(self, ticket):
        """Whether the customer may reply on ``ticket`` now."""
        self.ensure_one()
        if not self._accepts_messages():
            return False
        stage = ticket.stage_id
        if self.customer_reply == "waiting":
            return bool(stage.waiting_on_customer)
        return self.customer_reply == "open" and stage.main_status != "closed"

    def _accepts_messages(self):
        """Whether customers may send messages (replies, reopen reasons)
        from this page at all: ``max_replies_per_hour`` 0 turns them off."""
        self.ensure_one()
        return self.max_replies_per_hour > 0

    def _get_max_post_size(self):
        """Most bytes a customer's form may send to this page: its uploads
        and the form around them."""
        self.ensure_one()
        return self.max_upload_mb * 2**20 + FORM_OVERHEAD

    @api.model
    def _get_max_reply_request(self):
        """Most bytes a reply may send to any active page: the reply
        route's limit, checked from ``Content-Length`` before the body is
        read (Odoo's own limit is 128 MB).

        Twice the largest upload limit: a customer a little over the limit
        still gets the page's clear message with their text kept; a body
        far beyond it is no customer's upload.
        """
        self.env.cr.execute(
            "SELECT max(max_upload_mb) FROM helpdesk_status_page WHERE active"
        )
        largest = (self.env.cr.fetchone()[0] or 0) * 2**20
        return min(2 * largest + FORM_OVERHEAD, DEFAULT_MAX_CONTENT_LENGTH)

    def _get_reopen_deadline(self, ticket, resolved_at):
        """Until when ``ticket``, resolved at ``resolved_at``, may be
        confirmed, rated or reopened; False when it is not resolved."""
        self.ensure_one()
        if ticket.stage_id.main_status != "resolved" or not resolved_at:
            return False
        return resolved_at + timedelta(days=self.reopen_days)

    def _is_reopen_window_open(self, ticket, resolved_at):
        deadline = self._get_reopen_deadline(ticket, resolved_at)
        return bool(deadline and fields.Datetime.now() <= deadline)

    def _clean_reply_text(self, text, required=True):
        """The customer's text (message, reason, comment), by the one input
        cleaner; refused when empty (if ``required``) or too long.

        :raise UserError: with the message to show the customer
        """
        text = clean_input(self.env, text, MAX_MESSAGE_LENGTH, multiline=True)
        if required and not text:
            raise UserError(self.env._("Write a message before sending."))
        return text

    def _check_uploads(self, uploads):
        """Check the customer's files as a whole, and each one by name and
        content; nothing is kept when one is refused.

        :param uploads: ``[(file name, bytes)]``, empty files left out
        :return: ``[(clean file name, bytes)]``
        :raise UserError: too many, too big, or a type not allowed
        """
        self.ensure_one()
        if len(uploads) > self.max_upload_files:
            raise UserError(
                self.env._(
                    "Too many files: you can send at most %(max)s at once.",
                    max=self.max_upload_files,
                )
            )
        if sum(len(data) for _name, data in uploads) > self.max_upload_mb * 2**20:
            raise UserError(
                self.env._(
                    "The files are too big: at most %(max)s MB in all.",
                    max=self.max_upload_mb,
                )
            )
        allowed = self._get_upload_extensions()
        checked = []
        for name, data in uploads:
            name = self._clean_file_name(name)
            ext = os.path.splitext(name)[1].lower().lstrip(".")
            if ext not in allowed or sniff_upload(data) not in UPLOAD_TYPES[ext]:
                raise UserError(
                    self.env._(
                        "“%(name)s” cannot be sent: allowed types are %(types)s, "
                        "and the content must match the file's type.",
                        name=name,
                        types=", ".join(allowed),
                    )
                )
            self._check_upload_image(name, ext, data)
            checked.append((name, data))
        return checked

    def _check_upload_image(self, name, ext, data):
        """Refuse an image Odoo cannot process: unreadable, or more pixels
        than Odoo resizes (read from its header, before any decoding).

        :raise UserError: with the file's name
        """
        formats = set().union(
            *(IMAGE_FORMATS.get(mimetype, ()) for mimetype in UPLOAD_TYPES[ext])
        )
        if not formats:
            return
        found, pixels = read_image_header(data)
        if pixels > IMAGE_MAX_RESOLUTION:
            raise UserError(
                self.env._(
                    "“%(name)s” cannot be sent: the image is too large (at most "
                    "%(max)s million pixels). Send a smaller image.",
                    name=name,
                    max=int(IMAGE_MAX_RESOLUTION / 1e6),
                )
            )
        if found not in formats:
            raise UserError(
                self.env._(
                    "“%(name)s” cannot be sent: it cannot be read as an image.",
                    name=name,
                )
            )

    @api.model
    def _clean_file_name(self, name):
        """A file name without folders nor control characters, bounded."""
        name = os.path.basename((name or "").replace("\\", "/"))
        name = "".join(c for c in name if c.isprintable()).strip() or "file"
        base, ext = os.path.splitext(name)
        return base[: MAX_FILE_NAME - len(ext[:10])] + ext[:10]
