# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Time zone names as they come from records, cookies, imports and phone
numbers."""

import phonenumbers
import pytz
from phonenumbers import timezone as phone_timezone


def first_valid_tz(*names, default="UTC"):
    """The first of ``names`` that is a time zone pytz knows, else
    ``default``: a zone written by SQL, an import or a browser may name no
    zone at all (``"Mars/Olympus"``), and an empty one means "unknown".

    :param names: candidate zone names, in order of preference; empty
        values (``False``, ``None``, ``""``) are skipped
    """
    return next((name for name in names if name in pytz.all_timezones_set), default)


def choose_tz(zones, preferred=None):
    """One zone among ``zones`` (a country's or a number's, in order):
    ``preferred`` when it is one of them, else the first pytz knows, else
    ``None`` (``phonenumbers`` says ``"Etc/Unknown"`` for a number it
    cannot place).

    :param zones: zone names, in the order of their source
    :param str preferred: the zone to keep when it is among them (the
        page's)
    """
    known = [zone for zone in zones if zone in pytz.all_timezones_set]
    if preferred in known:
        return preferred
    return known[0] if known else None


def phone_number_tz(e164, preferred=None):
    """The zone of a phone number's country (of its area, where the
    numbering plan tells), by ``phonenumbers.timezone``; several zones
    (a US toll-free number, a Russian mobile): ``preferred`` when it is one
    of them, else the first (see ``choose_tz``).

    :param str e164: the number in E.164 (``+966501234567``)
    :param str preferred: the zone to keep when it is among the number's
    :return: a zone name, or ``None`` for no number or one no zone is
        known for
    """
    if not e164:
        return None
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return None
    return choose_tz(phone_timezone.time_zones_for_number(number), preferred)
