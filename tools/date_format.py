# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How dates and times read for a customer, by language (Babel patterns)."""

import functools

import pytz
from babel.dates import parse_pattern

from odoo.tools.misc import babel_locale_parse


@functools.cache
def date_pattern(lang):
    """The locale's medium date: unambiguous in every language."""
    return babel_locale_parse(lang).date_formats["medium"].pattern


@functools.cache
def time_pattern(lang):
    """The locale's medium date and short time, as portal templates show
    times (seconds mean nothing to a customer)."""
    locale = babel_locale_parse(lang)
    return locale.datetime_formats["medium"].format(
        locale.time_formats["short"].pattern, date_pattern(lang)
    )


@functools.cache
def _parsed_time_format(lang):
    return parse_pattern(time_pattern(lang)), babel_locale_parse(lang)


def format_local_time(value, tz_name, lang):
    """``value`` (naive UTC) in the zone ``tz_name`` (UTC when unknown), as
    ``time_pattern`` shows it in ``lang``: Odoo's ``format_datetime``, with
    the pattern and the locale parsed once per language (a ticket view
    shows a time on every line of its history and conversation)."""
    try:
        zone = pytz.timezone(tz_name)
    except pytz.UnknownTimeZoneError:
        zone = pytz.utc
    pattern, locale = _parsed_time_format(lang)
    return pattern.apply(pytz.utc.localize(value).astimezone(zone), locale)
