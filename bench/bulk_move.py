"""Time a bulk stage move of N tickets in one database, rolled back each time.

Usage: python bench/bulk_move.py DB SIZE REPEAT MODE
MODE "status_page": this module, notifications on; "reference": helpdesk_mgmt
alone with its stage e-mail template. Prints one JSON line.
"""

import json
import resource
import statistics
import sys
import time

import odoo
from odoo import api
from odoo.tools import config


def prepare(env, size, mode):
    stage_from = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
    stage_to = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
    team = env["helpdesk.ticket.team"].create({"name": "Bench team"})
    if mode == "reference":
        stage_to.mail_template_id = env.ref("helpdesk_mgmt.changed_stage_template")
    else:
        page = env["helpdesk.status.page"].create(
            {"name": "Bench", "slug": "bench", "notify_channel": "both"}
        )
        if "notify_delay" in page._fields:
            page.notify_delay = 0
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
    config.parse_config(["-d", db, "--log-level=warn"] + sys.argv[5:])
    registry = odoo.modules.registry.Registry(db)
    durations, queries = [], []
    for _ in range(repeat):
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            tickets, stage_to = prepare(env, size, mode)
            env.invalidate_all()
            start_queries = cr.sql_log_count
            start = time.perf_counter()
            tickets.write({"stage_id": stage_to.id})
            env.flush_all()
            # Tracking, and so helpdesk_mgmt's stage e-mails, run at commit.
            cr.precommit.run()
            durations.append(time.perf_counter() - start)
            queries.append(cr.sql_log_count - start_queries)
            cr.rollback()
    print(
        json.dumps(
            {
                "mode": mode,
                "size": size,
                "seconds": statistics.median(durations),
                "queries": statistics.median(queries),
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                // 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
