# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

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
        "from the page in one hour.",
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
        stage = ticket.stage_id
        if self.customer_reply == "waiting":
            return bool(stage.waiting_on_customer)
        return self.customer_reply == "open" and stage.main_status != "closed"

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
        """The customer's text, stripped; refused when empty or too long.

        :raise UserError: with the message to show the customer
        """
        text = (text or "").replace("\r\n", "\n").strip()
        if required and not text:
            raise UserError(self.env._("Write a message before sending."))
        if len(text) > MAX_MESSAGE_LENGTH:
            raise UserError(
                self.env._(
                    "Your message is too long: %(count)s characters, at most %(max)s.",
                    count=len(text),
                    max=MAX_MESSAGE_LENGTH,
                )
            )
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
            if ext not in allowed or guess_mimetype(data) not in UPLOAD_TYPES[ext]:
                raise UserError(
                    self.env._(
                        "“%(name)s” cannot be sent: allowed types are %(types)s, "
                        "and the content must match the file's type.",
                        name=name,
                        types=", ".join(allowed),
                    )
                )
            checked.append((name, data))
        return checked

    @api.model
    def _clean_file_name(self, name):
        """A file name without folders nor control characters, bounded."""
        name = os.path.basename((name or "").replace("\\", "/"))
        name = "".join(c for c in name if c.isprintable()).strip() or "file"
        base, ext = os.path.splitext(name)
        return base[: MAX_FILE_NAME - len(ext[:10])] + ext[:10]
