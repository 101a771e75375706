# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the status page keeps in the visitor's session, and how often a visit
is recorded."""

from datetime import timedelta

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
