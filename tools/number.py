# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ticket numbers as customers type them: ``#HT00009``, ``ht 9``,
``HT-00009`` and ``9`` all read as the number ``HT00009``.

A number is compared by its *key*: its ASCII letters and digits only, in
upper case, each run of digits without its leading zeros (``HT9``). A bare
number (digits only) is compared with the digits of the tickets' numbers,
leading zeros dropped (``9``). The same two keys are computed in SQL over
``helpdesk_ticket.number``, where expression indexes hold them, so that a
look-up is an index scan, never a full scan.
"""

import re

from .code import to_ascii_digits

# The leading zeros of a run of digits: "HT-00009" → "HT-9".
LEADING_ZEROS_RE = re.compile(r"(?<![0-9])0+(?=[0-9])")
# Everything that is not an ASCII letter or digit: "#", spaces, hyphens…
SEPARATORS_RE = re.compile(r"[^A-Za-z0-9]+")

# number_key() of the column, as PostgreSQL writes it: the expression of
# the index helpdesk_ticket_number_key_index; a query must spell it alike.
NUMBER_KEY_SQL = (
    "upper(regexp_replace(regexp_replace(number, '(?<![0-9])0+(?=[0-9])', "
    "'', 'g'), '[^A-Za-z0-9]+', '', 'g'))"
)
# The digits of the column without leading zeros, the bare number a
# customer may type: the expression of helpdesk_ticket_number_digits_index.
NUMBER_DIGITS_SQL = "ltrim(regexp_replace(number, '[^0-9]+', '', 'g'), '0')"


def number_key(value):
    """The key a ticket number is compared by (see the module's text):
    ``"#ht-00009"`` → ``"HT9"``; digits of any script read as ASCII
    digits; empty when nothing is left.

    :param str value: the number as typed or as stored
    """
    value = LEADING_ZEROS_RE.sub("", to_ascii_digits(value or ""))
    return SEPARATORS_RE.sub("", value).upper()


def bare_number(key):
    """The bare number ``key`` stands for, as ``NUMBER_DIGITS_SQL`` reads a
    ticket's number (``"9"``); empty when ``key`` holds a letter (it names
    its prefix: compare it whole) or no digit other than zeros.

    :param str key: a ``number_key``
    """
    return key.lstrip("0") if key.isdigit() else ""
