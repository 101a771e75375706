# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Promises counted in days: calendar days, or working days of a calendar
given as the sorted list of its local working dates."""

from bisect import bisect_right
from datetime import datetime, time, timedelta

import pytz


def get_local_date(value, tz):
    """The day, in the time zone named ``tz``, of the naive UTC ``value``:
    the day a ticket was created on, for the customer who sent it."""
    return pytz.utc.localize(value).astimezone(pytz.timezone(tz)).date()


def get_search_window(first, last, days, zone):
    """The period whose working days hold the promises of tickets created
    between the local dates ``first`` and ``last``: from the day after
    ``first`` to the end of ``last``, plus a working day a week at least for
    ``days`` working days and a month of holidays.

    :param zone: ``pytz`` time zone of the dates
    :return: ``(start, end)``, aware datetimes in ``zone``
    """
    start = zone.localize(datetime.combine(first + timedelta(days=1), time.min))
    end = zone.localize(datetime.combine(last, time.max)) + timedelta(
        days=7 * days + 31
    )
    return start, end


def get_local_dates(starts, zone):
    """Sorted distinct dates, in ``zone``, of the aware datetimes
    ``starts`` (the starts of a calendar's work intervals)."""
    return sorted({start.astimezone(zone).date() for start in starts})


def nth_working_day_after(day, working_days, count):
    """The ``count``-th date of ``working_days`` after ``day`` (``day``
    itself not counted), or None when the list does not reach that far.

    :param list working_days: sorted distinct dates
    :param int count: 1 or more
    """
    index = bisect_right(working_days, day) + count - 1
    if count < 1 or index >= len(working_days):
        return None
    return working_days[index]


def get_promise_day(day, count, working_days=None):
    """The date answered by: ``count`` working days after ``day`` when
    ``working_days`` reach that far, else ``count`` calendar days after it
    (no calendar, or one without enough working days)."""
    promise = working_days and nth_working_day_after(day, working_days, count)
    return promise or day + timedelta(days=count)
