# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a customer sends, as kept and compared: the one input cleaner, the
lengths of each entry and the shapes of the identifiers in the page's URLs
and forms."""

import re

# Longest input worth parsing: an e-mail address is at most 254 characters.
MAX_CONTACT_INPUT = 254
MAX_NUMBER_INPUT = 64
# A message, reopen reason or rating comment.
MAX_MESSAGE_LENGTH = 5000
# A page's URL identifier, as the admin sets it and as a URL may carry it.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 64
# A ticket's status link token.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# A form's one-time nonce.
NONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# C0 and C1 control characters, DEL; without tab and line feed (multi-line
# texts keep them) or with them (one-line entries).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_input(value, max_length, multiline=False):
    """What a customer typed, as kept and compared: the one cleaner of every
    text a customer sends (contact, ticket number, code, message, reason,
    rating comment).

    Control characters (NUL included) are invisible and mean nothing in
    what a person types, and PostgreSQL refuses NUL: they are dropped, as
    are line breaks and tabs of a one-line entry. Line breaks are kept as
    ``\\n`` in a ``multiline`` text. Then trimmed.

    :param int max_length: most characters kept; longer is refused, not cut
    :raise ValueError: longer than ``max_length``, with the cleaned length
        as its argument (the caller words the message)
    """
    value = value if isinstance(value, str) else ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = (CONTROL_RE if multiline else LINE_CONTROL_RE).sub("", value).strip()
    if len(value) > max_length:
        raise ValueError(len(value))
    return value


def is_slug(value):
    """Whether ``value`` may be a page's URL identifier, in any case."""
    return bool(
        value and len(value) <= MAX_SLUG_LENGTH and SLUG_RE.match(value.lower())
    )
