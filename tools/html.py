# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""HTML shown to customers: sanitized again on the way out, remembered
within a bounded cache."""

import functools

from markupsafe import Markup

from odoo.tools import html_sanitize

# Bodies longer than this are sanitized on each view, never remembered:
# the cache holds at most SANITIZE_CACHE_SIZE bodies of this size.
SANITIZE_CACHE_MAX_LENGTH = 20_000
SANITIZE_CACHE_SIZE = 512


@functools.lru_cache(maxsize=SANITIZE_CACHE_SIZE)
def _sanitize_html_cached(html):
    return Markup(html_sanitize(html))


def sanitize_html(html):
    """``html`` sanitized again for a customer, as Markup: a translation or
    a body may come from anywhere (import, SQL, another module). Remembered,
    as every reload shows the same bodies (the result only depends on
    ``html``), unless very large: the cache stays a few megabytes at most."""
    if html and len(html) > SANITIZE_CACHE_MAX_LENGTH:
        return Markup(html_sanitize(html))
    return _sanitize_html_cached(html)
