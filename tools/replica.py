# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Read your own writes on a PostgreSQL streaming replica (SPEC §17): after a
customer's POST the session keeps the primary's WAL position; a read-only
route may read on the replica only once the replica has replayed it."""

import re

from .session import SESSION_PREFIX

# The primary's WAL position after this session's last POST committed.
WROTE_LSN_KEY = f"{SESSION_PREFIX}wrote_lsn"
LSN_RE = re.compile(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})")


def parse_lsn(text):
    """The position of PostgreSQL's ``pg_lsn`` text ``X/Y`` as an integer;
    None for anything else (a session value is never trusted)."""
    match = isinstance(text, str) and LSN_RE.fullmatch(text)
    if not match:
        return None
    return (int(match.group(1), 16) << 32) | int(match.group(2), 16)


def is_replayed(replayed, wrote):
    """Whether a database that replayed WAL up to ``replayed`` shows what was
    written at ``wrote`` (both ``pg_lsn`` texts).

    ``replayed`` None is a primary (``pg_last_wal_replay_lsn()`` is NULL
    there): it shows everything. A ``wrote`` that is no position (missing,
    tampered) asks for nothing."""
    if replayed is None:
        return True
    wrote_at = parse_lsn(wrote)
    if wrote_at is None:
        return True
    replayed_at = parse_lsn(replayed)
    return replayed_at is not None and replayed_at >= wrote_at
