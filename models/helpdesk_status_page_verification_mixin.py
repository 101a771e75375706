# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq

from ..tools.code import to_ascii_digits
from ..tools.contact import (
    contact_digest,
    mask_email,
    mask_phone,
    normalize_email_input,
    normalize_stored_email,
    phone_to_e164,
)

# Longest input worth parsing: an e-mail address is at most 254 characters.
MAX_CONTACT_INPUT = 254
MAX_NUMBER_INPUT = 64
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Compared against when no ticket matched, so that both paths do the same work.
NO_CONTACT = "\x00"
# C0 and C1 control characters, DEL; without tab and line feed (multi-line
# texts keep them) or with them (one-line entries).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_input(env, value, max_length, multiline=False):
    """What a customer typed, as kept and compared: the one cleaner of every
    text a customer sends (contact, ticket number, code, message, reason,
    rating comment).

    Control characters (NUL included) are invisible and mean nothing in
    what a person types, and PostgreSQL refuses NUL: they are dropped, as
    are line breaks and tabs of a one-line entry. Line breaks are kept as
    ``\\n`` in a ``multiline`` text. Then trimmed.

    :param int max_length: most characters kept; longer is refused, not cut
    :raise UserError: longer than ``max_length``
    """
    value = value if isinstance(value, str) else ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = (CONTROL_RE if multiline else LINE_CONTROL_RE).sub("", value).strip()
    if len(value) > max_length:
        raise UserError(
            env._(
                "This entry is too long: %(count)s characters, at most %(max)s.",
                count=len(value),
                max=max_length,
            )
        )
    return value


class HelpdeskStatusVerificationMixin(models.AbstractModel):
    """Who may open which ticket through a status page: finding the ticket
    by number or link, and deciding whether a contact verifies it.

    Inherited by ``helpdesk.status.page``; every method runs on one page.
    """

    _name = "helpdesk.status.page.verification.mixin"
    _description = "Status Page Verification Rules"

    # ------------------------------------------------------------
    # Finding tickets
    # ------------------------------------------------------------

    def _is_ticket_reachable(self, ticket):
        """Whether ``ticket`` is served by this page and its link still works."""
        self.ensure_one()
        if not ticket or ticket.status_page_id != self:
            return False
        if self.link_validity_after_close and ticket.closed and ticket.closed_date:
            limit = ticket.closed_date + timedelta(days=self.link_validity_after_close)
            return fields.Datetime.now() <= limit
        return True

    def _find_ticket_by_number(self, number):
        """The ticket of this page with this number, archived included;
        empty when none.

        Case, spaces and dashes inside the number are ignored (``ht 00014``,
        ``HT-00014``); uses the expression index on ``upper(number)``.
        """
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        number = to_ascii_digits(clean_input(self.env, number, MAX_NUMBER_INPUT))
        if not number:
            return Ticket
        candidates = {number, re.sub(r"[\s-]+", "", number)}
        # "HT00014" typed for "HT-00014": try the number's own separators too.
        candidates.add(re.sub(r"^([A-Za-z]+)[\s-]*(\d+)$", r"\1-\2", number))
        self.env.cr.execute(
            "SELECT id FROM helpdesk_ticket WHERE upper(number) = ANY(%s)",
            [[candidate.upper() for candidate in candidates]],
        )
        tickets = Ticket.browse([row[0] for row in self.env.cr.fetchall()])
        return tickets.filtered(self._is_ticket_reachable)[:1]

    def _get_number_example(self):
        """A ticket number as this company's tickets are numbered
        (``HT00014``), built from helpdesk_mgmt's sequence, never a real one.
        """
        self.ensure_one()
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "helpdesk.ticket.sequence"),
                    ("company_id", "in", [self.company_id.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            return ""
        prefix, suffix = sequence._get_prefix_suffix()
        return f"{prefix}{14:0{sequence.padding}d}{suffix}"

    def _find_ticket_by_token(self, token):
        """The ticket of this page whose status link holds ``token``."""
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        if not (token and TOKEN_RE.fullmatch(token)):
            return Ticket
        ticket = Ticket.search_fetch(
            [("status_token", "=", token)],
            [name for name, field in Ticket._fields.items() if field.column_type],
            limit=1,
        )
        if ticket and consteq(ticket.status_token, token):
            return ticket if self._is_ticket_reachable(ticket) else Ticket
        return Ticket

    # ------------------------------------------------------------
    # Contacts
    # ------------------------------------------------------------

    def _get_contact_kinds(self):
        """Contact kinds a customer may verify with on this page."""
        self.ensure_one()
        if self.verification_field == "email_or_phone":
            return ["email", "phone"]
        return [self.verification_field]

    def _get_contact_kind(self, value):
        """The kind of contact ``value`` is, among those of this page."""
        kinds = self._get_contact_kinds()
        if len(kinds) == 1:
            return kinds[0]
        return "email" if "@" in value else "phone"

    @api.model
    def _contact_digest(self, value):
        """Keyed digest of a normalized contact: ASCII whatever the input,
        so that it can be compared in constant time."""
        key = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return contact_digest(key, value)

    def _normalize_contact(self, kind, value, ticket):
        """``value`` as compared: an e-mail lowercased (as Odoo normalizes
        e-mails, not casefolded), a phone in E.164 in the ticket's region.

        :return: the normalized value, empty when it cannot be one
        :raise UserError: a phone number that cannot be read
        """
        if kind == "email":
            return normalize_email_input(value)
        country = (
            ticket._get_status_phone_country() if ticket else self.company_id.country_id
        ) or self.env.company.country_id
        try:
            return phone_to_e164(to_ascii_digits(value), country.code)
        except UserError as error:
            raise UserError(
                self.env._(
                    "'%(phone)s' is not a phone number we can read. Enter it "
                    "with your country code, e.g. +966 50 123 4567.",
                    phone=value,
                )
            ) from error

    @api.model
    def _get_stored_contact(self, ticket, kind):
        """The ticket's own contact of ``kind``, normalized; empty if none."""
        if kind == "email":
            return normalize_stored_email(ticket._get_status_email())
        return (ticket.partner_phone and ticket._format_status_phone()) or ""

    def _verify_contact(self, ticket, contact, by_number=False):
        """Decide whether ``contact`` verifies ``ticket`` on this page.

        The same work is done whether or not a ticket was found, and on the
        number form every refusal reads the same, so that neither the answer
        nor its time tells whether a ticket number exists.

        :param ticket: the ``helpdesk.ticket`` found, or an empty recordset
        :param str contact: what the customer typed
        :param bool by_number: the ticket was looked up by its number
        :return: the contact kind that matched, ``email`` or ``phone``
        :raise UserError: no match, or (on the ticket's own link) a contact
            that cannot be read
        """
        self.ensure_one()
        contact = clean_input(self.env, contact, MAX_CONTACT_INPUT)
        kind = self._get_contact_kind(contact)
        try:
            given = contact and self._normalize_contact(kind, contact, ticket)
        except UserError:
            if not by_number:
                raise
            given = ""
        stored = self._get_stored_contact(ticket, kind) if ticket else NO_CONTACT
        same = consteq(
            self._contact_digest(given or NO_CONTACT), self._contact_digest(stored)
        )
        if ticket and given and stored and same:
            return kind
        if by_number:
            raise UserError(
                self.env._(
                    "We could not find a ticket with this number and contact. "
                    "Check both and try again."
                )
            )
        raise UserError(
            self.env._("This e-mail or phone does not match the ticket's contact.")
        )

    @api.model
    def _get_contact_hint(self, ticket, kind):
        """The ticket's contact, masked: ``n•••@example.com``,
        ``+966 •• ••• 4567``."""
        stored = self._get_stored_contact(ticket, kind)
        if not stored:
            return ""
        if kind == "email":
            return mask_email(stored)
        return mask_phone(stored, ticket._get_status_phone_country().phone_code)

    # ------------------------------------------------------------
    # Times
    # ------------------------------------------------------------

    def _get_customer_tz(self, ticket=None):
        """Time zone of the times on the page: the customer's device's when
        known (context key ``status_customer_tz``, from the website's "tz"
        cookie), else the ticket's (its agent's, else its company's), else
        this page's company's, else UTC."""
        self.ensure_one()
        device_tz = self.env.context.get("status_customer_tz")
        if device_tz in pytz.all_timezones_set:
            return device_tz
        if ticket:
            return ticket._get_status_page_tz()
        return self.company_id.partner_id.tz or "UTC"

    def _format_customer_time(self, value, ticket=None):
        """``value`` (naive UTC) with its date, in the page's zone, named:
        a time alone is ambiguous for a pause of a day."""
        tz = self._get_customer_tz(ticket)
        text = self.env["helpdesk.ticket"]._format_status_time(value, tz)
        return f"{text} ({tz})"
