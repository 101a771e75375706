# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One-time codes: how they are drawn and how what the customer types is read."""

import re
import secrets
import unicodedata

# Longer than any code: what is longer is a typo or an attack.
MAX_CODE_INPUT = 32
# What people type between a code's digits: spaces of any kind, and the
# hyphen, its Unicode look-alikes and the minus sign.
CODE_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def to_ascii_digits(value):
    """``value`` with every decimal digit (Arabic-Indic, full-width…) as
    its ASCII digit, as phone keyboards in those scripts type them; every
    other character is kept."""
    return "".join(
        str(unicodedata.decimal(char)) if char.isdecimal() else char for char in value
    )


def generate_code(length):
    """A random code of ``length`` decimal digits, leading zeros kept,
    drawn with ``secrets`` (each of the ``10 ** length`` codes equally likely)."""
    return f"{secrets.randbelow(10**length):0{length}d}"


def fold_code(code):
    """What the customer typed as a code, spaces and hyphens dropped (as
    GOV.UK accepts ``123 456`` and ``123-456``) and digits of any script
    as ASCII digits (``"٠١٢ ٣"`` → ``"0123"``). Folding never lengthens:
    compare it with ``MAX_CODE_INPUT`` before or after alike."""
    return to_ascii_digits(CODE_SEPARATORS_RE.sub("", code or ""))
