# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskStatusPageLock(models.Model):
    """Locks that make the status page's limits hold under concurrency.

    One row per key (``ip:…``, ``ticket:…``) in a lean table of its own,
    owned by the ORM so that uninstalling drops it; see ``_lock_keys`` for
    why a plain lock is not enough. Only reached through the methods below,
    in SQL: no access right for anyone.
    """

    _name = "helpdesk.status.page.lock"
    _description = "Status Page Limit Locks"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    serial = fields.Integer(required=True, readonly=True)

    _sql_constraints = [
        ("key_unique", "unique(key)", "A lock key exists once."),
    ]

    @api.model
    def _lock_keys(self, *keys):
        """Serialize the limits of ``keys`` (``ip:…``, ``ticket:…``) across
        transactions, workers and servers, before counting.

        A plain lock is not enough under REPEATABLE READ: a transaction that
        waited for the lock still counts from its older snapshot and misses
        the row the other one inserted. So each key has a row; it is locked
        here, and bumped by ``_bump_keys`` by whoever passes the limit. A
        concurrent transaction that then locks it fails to serialize, and
        Odoo retries the whole request with a fresh snapshot that sees the
        new rows.
        """
        keys = sorted(keys)  # one order everywhere: no deadlock
        self.env.cr.execute(
            """
            WITH missing AS (
                INSERT INTO helpdesk_status_page_lock (key, serial)
                SELECT unnest(%(keys)s::varchar[]), 0 ON CONFLICT DO NOTHING
            )
            SELECT key FROM helpdesk_status_page_lock
             WHERE key = ANY(%(keys)s) ORDER BY key FOR UPDATE
            """,
            {"keys": keys},
        )

    @api.model
    def _bump_keys(self, *keys):
        """Mark ``keys`` as changed by this transaction (see ``_lock_keys``)."""
        self.env.cr.execute(
            """
            UPDATE helpdesk_status_page_lock SET serial = serial + 1
             WHERE key = ANY(%s)
            """,
            [sorted(keys)],
        )

    @api.model
    def _claim_key(self, key):
        """Take ``key`` for good (a one-time form nonce): True the first
        time only. A concurrent claim waits for this transaction and then
        gets False, so a double submit acts once."""
        self.env.cr.execute(
            """
            INSERT INTO helpdesk_status_page_lock (key, serial) VALUES (%s, 0)
            ON CONFLICT DO NOTHING RETURNING key
            """,
            [key],
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _purge(self):
        """Forget every key: rows are made again on next use."""
        self.env.cr.execute("DELETE FROM helpdesk_status_page_lock")
