# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How dates and times read for a customer, by language (Babel patterns)."""

import functools

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
