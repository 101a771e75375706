# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contacts a ticket is verified with: the one form they are compared in,
their keyed digest and the masked hint shown to the customer."""

import hashlib
import hmac
import re

from odoo.tools import email_normalize

from odoo.addons.phone_validation.tools.phone_validation import phone_format

# What a typed e-mail must look like to be compared at all.
EMAIL_INPUT_RE = re.compile(r"[^@\s]+@[^@\s]+")
CONTACT_SCOPE = "helpdesk_mgmt_status_page.contact"
MASK = "•••"


def normalize_email_input(value):
    """An e-mail the customer typed, as compared: lowercased (as Odoo
    normalizes e-mails, not casefolded), empty when it is not shaped like one.
    The caller trims it."""
    value = value.lower()
    return value if EMAIL_INPUT_RE.fullmatch(value) else ""


def normalize_stored_email(value):
    """A stored e-mail (``"Name" <a@B.com>`` included), as compared:
    Odoo's normalized form, lowercased; empty when there is none."""
    try:
        return (email_normalize(value or "") or "").lower()
    except (ValueError, RecursionError):
        return ""


def phone_to_e164(number, region=None):
    """``number`` in E.164 (``+966501234567``), read as a number of
    ``region`` when it has no country code (``0501234567``, ``501234567``),
    with ``00`` or without ``+`` before one (``00966…``, ``966…``).

    Parsed by ``phonenumbers`` through Odoo's ``phone_validation`` (its
    metadata patches included), as ``_phone_format`` does.

    :param str region: ISO 3166 code of the default country (``"SA"``), or None
    :raise UserError: a number that cannot be read as a valid one
    """
    return phone_format(number, region or None, None, force_format="E164")


def contact_digest(key, value, scope=CONTACT_SCOPE):
    """Keyed digest (HMAC-SHA256, hex) of a normalized contact, as Odoo's
    ``tools.misc.hmac`` computes it with ``key`` as the database secret:
    ASCII whatever the input, so that it can be compared in constant time."""
    message = repr((scope, value))
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def mask_email(email):
    """``email`` with only the first character of its local part shown:
    ``n•••@example.com``."""
    local, domain = email.split("@", 1)
    return f"{local[:1]}{MASK}@{domain}"


def mask_phone(e164, phone_code=None):
    """An E.164 number with only its country code and last four digits
    shown: ``+966 •• ••• 4567``. The country code is ``phone_code`` when
    the number starts with it, else the number's first three characters.

    :param int phone_code: calling code of the number's expected country
    """
    prefix = f"+{phone_code}" if phone_code else e164[:3]
    if not e164.startswith(prefix):
        prefix = e164[:3]
    return f"{prefix} •• ••• {e164[-4:]}"
