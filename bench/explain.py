"""Query plans of the ticket lookups (by number, by token) on 100,000 tickets.

Usage: python bench/explain.py DB [odoo options]. Adds the tickets with SQL
(once), runs the lookups through the status page's own methods, captures the
SQL they run on helpdesk_ticket and prints its plan as one JSON line per lookup.
"""

import json
import sys

from common import open_registry

import odoo
from odoo import api
from odoo.tools import SQL

TICKETS = 100_000


def add_tickets(cr):
    cr.execute("SELECT count(*) FROM helpdesk_ticket")
    missing = TICKETS - cr.fetchone()[0]
    if missing <= 0:
        return
    cr.execute(
        """
        INSERT INTO helpdesk_ticket (number, name, description, company_id, stage_id,
                                     team_id, status_token, active, priority,
                                     create_date, write_date, last_stage_update)
        SELECT 'HTB' || lpad(i::text, 7, '0'), 'Bench ' || i, '<p>x</p>', t.company_id,
               t.stage_id, t.team_id, md5(random()::text || i) || md5(i::text),
               true, '1', now(), now(), now()
          FROM generate_series(1, %s) i,
               (SELECT company_id, stage_id, team_id FROM helpdesk_ticket
                 WHERE team_id IS NOT NULL LIMIT 1) t
        """,
        [missing],
    )
    cr.execute("ANALYZE helpdesk_ticket")


def capture_plans(env, label, call, key_column):
    """Run ``call`` and print the plan of its first SELECT on helpdesk_ticket
    that filters on ``key_column``: the lookup itself, not what follows."""
    cr = env.cr
    captured = []
    execute = type(cr).execute

    def recording_execute(self, query, params=None, log_exceptions=True):
        # An odoo.tools.SQL object carries its own parameters.
        text, args = (
            (query.code, query.params)
            if isinstance(query, SQL)
            else (
                str(query),
                params,
            )
        )
        if text.lstrip().upper().startswith("SELECT") and key_column in text:
            captured.append((text, args))
        return execute(self, query, params, log_exceptions)

    type(cr).execute = recording_execute
    try:
        found = call()
    finally:
        type(cr).execute = execute
    for text, params in captured[:1]:
        cr.execute("EXPLAIN " + text, params)
        plan = "\n".join(row[0] for row in cr.fetchall())
        print(
            json.dumps(
                {
                    "lookup": label,
                    "found": bool(found),
                    "index": "Index" in plan
                    and "Seq Scan on helpdesk_ticket" not in plan,
                    "plan": plan,
                }
            )
        )


def main():
    db = sys.argv[1]
    registry = open_registry(db, sys.argv[2:])
    with registry.cursor() as cr:
        add_tickets(cr)
        cr.commit()
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        ticket = env["helpdesk.ticket"].search(
            [("team_id.status_page_id", "!=", False)], limit=1
        )
        page = ticket.status_page_id
        capture_plans(
            env,
            "number",
            lambda: page._find_ticket_by_number(" " + ticket.number.lower() + " "),
            "regexp_replace(number",
        )
        token = ticket.sudo().status_token
        capture_plans(
            env, "token", lambda: page._find_ticket_by_token(token), "status_token"
        )


if __name__ == "__main__":
    main()
