# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Time zone names as they come from records, cookies and imports."""

import pytz


def first_valid_tz(*names, default="UTC"):
    """The first of ``names`` that is a time zone pytz knows, else
    ``default``: a zone written by SQL, an import or a browser may name no
    zone at all (``"Mars/Olympus"``), and an empty one means "unknown".

    :param names: candidate zone names, in order of preference; empty
        values (``False``, ``None``, ``""``) are skipped
    """
    return next((name for name in names if name in pytz.all_timezones_set), default)
