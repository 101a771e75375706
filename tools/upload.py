# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a customer may upload: the types allowed, and their contents told
with a bound on the work (no archive unpacked, no image decoded)."""

import io
import math
import os
import re
import struct
import warnings
import zipfile

from PIL import Image

from odoo.exceptions import UserError
from odoo.tools.image import IMAGE_MAX_RESOLUTION, image_process
from odoo.tools.mimetypes import guess_mimetype

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
# Thumbnails on the ticket view: the sizes the page asks for (CSS pixels,
# and twice that for sharp screens), and the images Odoo's image tools
# resize (they leave GIF and WebP as they are), by what PIL reads of them,
# with the format the thumbnail is encoded in.
THUMBNAIL_SIZES = (128, 256, 512)
THUMBNAIL_FORMATS = {
    "JPEG": ("JPEG", "image/jpeg"),
    "MPO": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
}
THUMBNAIL_MIMETYPES = {"image/jpeg", "image/png"}
THUMBNAIL_JPEG_QUALITY = 85
IMAGE_ERRORS = (
    UserError,
    ValueError,
    OSError,
    SyntaxError,
    struct.error,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)
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


def make_thumbnail(data, size):
    """A thumbnail of the image ``data`` at most ``size`` pixels wide and
    high, by Odoo's image tools; None when it is no JPEG or PNG, cannot be
    read, or declares more pixels than Odoo processes (read from its header
    before any pixel is decoded: a decompression bomb is never opened).
    JPEG is encoded again, without its metadata (a phone's location).

    :return: ``(bytes, mimetype)`` or None
    """
    if size not in THUMBNAIL_SIZES:
        return None
    found, pixels = read_image_header(data)
    if found not in THUMBNAIL_FORMATS or not 0 < pixels <= IMAGE_MAX_RESOLUTION:
        return None
    output_format, mimetype = THUMBNAIL_FORMATS[found]
    quality = THUMBNAIL_JPEG_QUALITY if output_format == "JPEG" else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            thumbnail = image_process(
                data,
                size=(size, size),
                verify_resolution=True,
                quality=quality,
                output_format=output_format,
            )
    except IMAGE_ERRORS:
        return None
    return (thumbnail, mimetype) if thumbnail else None


def parse_extensions(text):
    """The extensions of an "allowed file types" setting (``"pdf, .PNG"``),
    lowercase, without dots, in their order."""
    return [
        ext.lower().lstrip(".")
        for ext in EXTENSION_SPLIT_RE.split(text or "")
        if ext.strip(".")
    ]


def get_image_refusal(ext, data):
    """Why an upload with extension ``ext`` cannot be processed as an
    image: ``"too_large"`` (more pixels than Odoo resizes, read from its
    header before any decoding), ``"unreadable"``, or None (fine, or no
    image type)."""
    formats = set().union(
        *(IMAGE_FORMATS.get(mimetype, ()) for mimetype in UPLOAD_TYPES[ext])
    )
    if not formats:
        return None
    found, pixels = read_image_header(data)
    if pixels > IMAGE_MAX_RESOLUTION:
        return "too_large"
    if found not in formats:
        return "unreadable"
    return None


def clean_file_name(name):
    """A file name without folders nor control characters, bounded."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(c for c in name if c.isprintable()).strip() or "file"
    base, ext = os.path.splitext(name)
    return base[: MAX_FILE_NAME - len(ext[:10])] + ext[:10]
