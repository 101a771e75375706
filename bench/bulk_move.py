"""Time a bulk stage move of N tickets in one database, rolled back each time.

Usage: python bench/bulk_move.py DB SIZE REPEAT MODE
MODE "status_page": this module, notifications on; "reference": helpdesk_mgmt
alone with its stage e-mail template. Prints one JSON line.
"""

import json
import statistics
import sys
import time

from common import open_registry, rss_mb

import odoo
from odoo import api
from odoo.sql_db import Cursor
from odoo.tools import SQL

LOG_TABLE = "helpdesk_ticket_status_log"


class LogQueryCounter:
    """Counts the queries on the status history table while active: the
    budget wants a constant number of them per batch, whatever its size."""

    def __init__(self):
        self.count = 0
        self.execute = Cursor.execute

    def __enter__(self):
        counter, execute = self, self.execute

        def counting_execute(cr, query, params=None, log_exceptions=True):
            text = query.code if isinstance(query, SQL) else str(query)
            counter.count += LOG_TABLE in text
            return execute(cr, query, params, log_exceptions)

        Cursor.execute = counting_execute
        return self

    def __exit__(self, *exc):
        Cursor.execute = self.execute


def prepare(env, size, mode):
    stage_from = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
    stage_to = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
    team = env["helpdesk.ticket.team"].create({"name": "Bench team"})
    if mode == "reference":
        stage_to.mail_template_id = env.ref("helpdesk_mgmt.changed_stage_template")
    else:
        page = env["helpdesk.status.page"].create(
            {
                "name": "Bench",
                "slug": "bench-bulk",
                "notify_channel": "both",
                # Sent during the move itself, not later by the cron.
                "notify_delay": 0,
                # Creating the tickets is set-up, not measured.
                "notify_on_create": False,
            }
        )
        team.status_page_id = page
    partners = env["res.partner"].create(
        [
            {
                "name": f"Customer {i}",
                "email": f"customer{i}@example.com",
                "phone": f"+96650{i:07d}",
            }
            for i in range(size)
        ]
    )
    tickets = env["helpdesk.ticket"].create(
        [
            {
                "name": f"Bench {i}",
                "description": "<p>bench</p>",
                "team_id": team.id,
                "stage_id": stage_from.id,
                "partner_id": partner.id,
                "partner_email": partner.email,
            }
            for i, partner in enumerate(partners)
        ]
    )
    env.flush_all()
    return tickets, stage_to


def main():
    db, size, repeat, mode = (
        sys.argv[1],
        int(sys.argv[2]),
        int(sys.argv[3]),
        sys.argv[4],
    )
    registry = open_registry(db, sys.argv[5:])
    durations, queries, log_queries = [], [], []
    for _ in range(repeat):
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            tickets, stage_to = prepare(env, size, mode)
            env.invalidate_all()
            start_queries = cr.sql_log_count
            with LogQueryCounter() as counter:
                start = time.perf_counter()
                tickets.write({"stage_id": stage_to.id})
                env.flush_all()
                # Tracking, and so helpdesk_mgmt's stage e-mails, run at commit.
                cr.precommit.run()
                durations.append(time.perf_counter() - start)
            queries.append(cr.sql_log_count - start_queries)
            log_queries.append(counter.count)
            cr.rollback()
    print(
        json.dumps(
            {
                "mode": mode,
                "size": size,
                "seconds": statistics.median(durations),
                "queries": statistics.median(queries),
                "log_queries": max(log_queries),
                "max_rss_mb": rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
