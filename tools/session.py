# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the status page keeps in the visitor's session, and how often a visit
is recorded."""

from datetime import datetime, timedelta

from odoo.tools import consteq

# Every key of the status page in the session starts with it, so that one
# sign-out removes them all.
SESSION_PREFIX = "helpdesk_status_"
PENDING_KEY = f"{SESSION_PREFIX}pending"
FLASH_KEY = f"{SESSION_PREFIX}flash"
# The contact this session proved by a code (the key of "Your requests").
PROOF_KEY = f"{SESSION_PREFIX}proof"
# The cookie of a remembered device, limited to its page's paths.
DEVICE_COOKIE = "hsp_device"

# A reload or a parallel request within this delay records nothing.
VISIT_RESOLUTION = timedelta(minutes=1)


def is_grant_current(grant, fingerprint, lifetime_hours, now):
    """Whether ``grant``, as a session keeps it (``issued`` as text, and
    ``fingerprint``), still opens the ticket: issued less than
    ``lifetime_hours`` before ``now`` (naive UTC) for what ``fingerprint``
    names. A grant of another shape, or from an older session format, opens
    nothing."""
    if not isinstance(grant, dict):
        return False
    try:
        issued = datetime.fromisoformat(str(grant.get("issued")))
    except ValueError:
        return False
    return bool(
        issued.tzinfo is None
        and issued + timedelta(hours=lifetime_hours) > now
        and consteq(str(grant.get("fingerprint", "")), fingerprint)
    )


def is_link_open(closed_date, validity_days, now):
    """Whether a ticket's status link still works at ``now``: always while
    the ticket is open (``closed_date`` empty: the caller passes it only for
    a closed ticket) or when the page keeps links (``validity_days`` 0),
    else until ``validity_days`` after the close."""
    if not (validity_days and closed_date):
        return True
    return now <= closed_date + timedelta(days=validity_days)
