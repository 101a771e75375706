# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Quiet hours: a window of the day, in a time zone, when status SMS wait.

Bounds are float hours as the form's time widget keeps them (``22.5`` is
22:30); a window whose end is earlier than its start spans midnight.
"""

from datetime import datetime, time, timedelta

import pytz

MINUTES_PER_DAY = 24 * 60
# The window proposed when quiet hours are switched on without one: the
# night, 21:00 to 08:00.
DEFAULT_QUIET_HOURS = (21.0, 8.0)


def is_valid_quiet_hour(hour):
    """Whether ``hour`` is a time of day as the form shows it, to the
    minute: 23.995 would read "24:00", which is no time of day."""
    return 0 <= hour < 24 and round(hour * 60) < MINUTES_PER_DAY


def quiet_minute(hour):
    """Minute of the day of a quiet hours bound, rounded as the form
    shows it; a bound (saved before it was checked) that rounds to 24:00
    is midnight."""
    return round(hour * 60) % MINUTES_PER_DAY


def quiet_hours_end(now, tz, start_hour, end_hour):
    """When quiet hours end, if ``now`` falls inside them.

    :param datetime now: naive UTC
    :param str tz: the time zone the window is read in
    :param float start_hour: start of the window, e.g. ``22.0``
    :param float end_hour: end of the window, e.g. ``7.0`` (next morning)
    :return: naive UTC end of the current quiet hours, or ``None`` when
        ``now`` is outside them or the window is empty (equal bounds)
    """
    start = quiet_minute(start_hour)
    end = quiet_minute(end_hour)
    if start == end:
        return None
    zone = pytz.timezone(tz)
    local = pytz.utc.localize(now).astimezone(zone)
    minute = local.hour * 60 + local.minute + local.second / 60
    if start < end:
        inside, day = start <= minute < end, local.date()
    else:
        # Spans midnight: before the end it is the night that began
        # yesterday, and it ends this morning; after the start, tomorrow.
        inside = minute >= start or minute < end
        day = local.date() + timedelta(days=1 if minute >= start else 0)
    if not inside:
        return None
    end_local = zone.localize(datetime.combine(day, time(*divmod(end, 60))))
    return end_local.astimezone(pytz.utc).replace(tzinfo=None)
