"""A database the size of a large helpdesk, made in SQL (generate_series).

Usage: python bench/million_build.py DB SIZE [odoo options]

On a database where the module is installed (helpdesk_mgmt with it), adds
SIZE tickets, 10 status-history rows and 5 chatter messages per ticket,
one contact per 4 tickets and half as many old rate-limit rows as tickets
(what the purge cron deletes), then analyzes the tables. The pages, the
team and the two measured tickets (a small one and a large one: 300 more
history rows and 500 more public messages) are made with the ORM first.

Tables stay logged (as in production: an UNLOGGED table cannot be referenced
by the logged tables around it, and plans are the same either way); instead
the secondary indexes of the big tables are dropped during the inserts and
made again after, and foreign-key triggers are skipped
(``session_replication_role``) as every reference is valid by construction.

Each ticket ``i`` (1-based):

- number ``MIL<i, 7 digits>``, a unique status token, contact
  ``customer<i % contacts>@example.com``, created ``SIZE - i`` minutes ago
  spread over 3 years (the newest last);
- one in 10 open (half *New*, half *In Progress*), created in the last 60
  days; the others *Done*; open tickets already told they are running late
  for their promise, except one in 1,000;
- messages, in order: a tracking notification, an internal note, the
  customer's e-mail, the agent's public reply, and a last one that is the
  customer's e-mail for one ticket in 50 (they wait for an answer: the
  agents' *Customer replied* filter), an internal note otherwise.

Prints one JSON line: the sizes and the seconds each step took.
"""

import json
import sys
import time

from common import UNTHROTTLED, add_portal_user, open_registry

import odoo
from odoo import api

SLUG = "million"
CODE_SLUG = "million-code"
PORTAL_LOGIN = "million-portal"
LARGE_HISTORY = 300
LARGE_MESSAGES = 500
BIG_TABLES = [
    "res_partner",
    "helpdesk_ticket",
    "helpdesk_ticket_status_log",
    "mail_message",
    "helpdesk_status_page_challenge",
]


def setup(env):
    """Team, pages (the measured one verifies by e-mail, another by code),
    the admin as agent. Returns the ids the SQL needs."""
    # Codes are sent from the company's address, as in any real set-up.
    env.company.email = "support@example.com"
    team = env["helpdesk.ticket.team"].create({"name": "Million"})
    common = {
        "verification_field": "email",
        "notify_on_create": False,
        "notify_on_status_change": False,
        **UNTHROTTLED,
    }
    page = env["helpdesk.status.page"].create(
        {
            "name": "Million",
            "slug": SLUG,
            "verification_method": "match",
            "promise_mode": "days",
            "promise_days": 14,
            "notify_late": True,
            **common,
        }
    )
    team.status_page_id = page
    code_team = env["helpdesk.ticket.team"].create({"name": "Million code"})
    code_page = env["helpdesk.status.page"].create(
        {"name": "Million code", "slug": CODE_SLUG, "verification_method": "code"}
        | common
    )
    code_team.status_page_id = code_page
    env.cr.commit()
    return team, code_team, page


def ids_of(env, xmlid):
    return env.ref(xmlid).id


def drop_indexes(cr):
    """Drop the big tables' secondary indexes (not those of a constraint);
    return their definitions."""
    cr.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
         WHERE i.tablename = ANY(%s)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conname = i.indexname)
        """,
        [BIG_TABLES],
    )
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


def insert(cr, size, ids):
    contacts = max(size // 4, 1)
    params = dict(ids, size=size, contacts=contacts)
    cr.execute(
        """
        CREATE TEMP TABLE million_partner AS
        WITH new AS (
            INSERT INTO res_partner (name, complete_name, email,
                                     email_normalized, active, type, lang,
                                     create_date, write_date, is_company,
                                     partner_share)
            SELECT 'Customer ' || c, 'Customer ' || c,
                   'customer' || c || '@example.com',
                   'customer' || c || '@example.com', true, 'contact',
                   'en_US', now(), now(), false, true
              FROM generate_series(1, %(contacts)s) c
            RETURNING id, email)
        SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, email FROM new
        """,
        params,
    )
    cr.execute("CREATE UNIQUE INDEX ON million_partner (k)")
    cr.execute(
        "UPDATE res_partner p SET commercial_partner_id = p.id"
        " FROM million_partner m WHERE m.id = p.id"
    )
    cr.execute(
        """
        INSERT INTO helpdesk_ticket (
            number, name, description, company_id, stage_id, team_id,
            partner_id, commercial_partner_id, partner_name, partner_email,
            status_contact_email, status_token, status_page_tz, active,
            priority, kanban_state, user_id, create_date, write_date,
            last_stage_update, closed_date, status_late_notified_promise,
            create_uid, write_uid)
        SELECT 'MIL' || lpad(i::text, 7, '0'), 'Request ' || i,
               '<p>Request ' || i || ' as the customer wrote it.</p>',
               %(company)s,
               CASE WHEN i %% 10 <> 0 THEN %(done)s
                    WHEN i %% 20 = 0 THEN %(new)s ELSE %(progress)s END,
               %(team)s, p.id, p.id, 'Customer ' || p.k, p.email, p.email,
               md5(i::text || random()::text) || md5(random()::text),
               'UTC', true, '1', 'normal', %(agent)s, d.created, d.created,
               d.created, CASE WHEN i %% 10 <> 0 THEN d.created + interval '2 day' END,
               CASE WHEN i %% 10 = 0 AND i %% 10000 <> 0
                    THEN date_trunc('day', d.created) + interval '14 day' END,
               %(agent)s, %(agent)s
          FROM generate_series(1, %(size)s) i
          JOIN million_partner p ON p.k = i %% %(contacts)s
         CROSS JOIN LATERAL (
            SELECT CASE WHEN i %% 10 = 0
                        THEN now() - (i %% 86400) * interval '1 minute'
                        ELSE now() - interval '3 year'
                             + (i::float / %(size)s) * interval '3 year'
                   END AS created) d
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO helpdesk_ticket_status_log (
            ticket_id, date, stage_id, stage_name, main_status, author_id,
            create_uid, write_uid, create_date, write_date)
        SELECT t.id, t.create_date + k * interval '1 hour', s.id,
               s.name->>'en_US', s.main_status, %(agent)s, %(agent)s,
               %(agent)s, t.create_date, t.create_date
          FROM helpdesk_ticket t
         CROSS JOIN generate_series(1, 10) k
          JOIN helpdesk_ticket_stage s
            ON s.id = CASE WHEN k = 10 THEN t.stage_id
                           WHEN k %% 2 = 1 THEN %(new)s ELSE %(progress)s END
         WHERE t.team_id = %(team)s
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO mail_message (
            model, res_id, record_name, message_type, subtype_id, is_internal,
            author_id, email_from, body, date, create_date, write_date,
            create_uid, write_uid, record_company_id)
        SELECT 'helpdesk.ticket', t.id, t.name, m.message_type, m.subtype,
               m.internal, m.author, m.email,
               '<p>' || m.what || ' ' || k || ' on request ' || t.id || '</p>',
               t.create_date + k * interval '1 hour',
               t.create_date + k * interval '1 hour',
               t.create_date + k * interval '1 hour', %(agent)s, %(agent)s,
               t.company_id
          FROM helpdesk_ticket t
         CROSS JOIN generate_series(1, 5) k
         CROSS JOIN LATERAL (
            SELECT * FROM (VALUES
                (1, 'notification', %(note)s, true, %(agent_partner)s,
                    NULL, 'Stage changed'),
                (2, 'comment', %(note)s, true, %(agent_partner)s,
                    NULL, 'Internal note'),
                (3, 'email', %(comment)s, false, t.partner_id,
                    t.partner_email, 'Customer e-mail'),
                (4, 'comment', %(comment)s, false, %(agent_partner)s,
                    NULL, 'Agent reply'),
                (5, CASE WHEN t.id %% 50 = 0 THEN 'email' ELSE 'comment' END,
                    CASE WHEN t.id %% 50 = 0 THEN %(comment)s ELSE %(note)s END,
                    t.id %% 50 <> 0,
                    CASE WHEN t.id %% 50 = 0 THEN t.partner_id
                         ELSE %(agent_partner)s END,
                    NULL, 'Last word')
            ) v (n, message_type, subtype, internal, author, email, what)
            WHERE v.n = k) m
         WHERE t.team_id = %(team)s
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO helpdesk_status_page_challenge (
            kind, page_id, ticket_id, ip, create_date, write_date)
        SELECT 'request', %(page)s, t.id, '192.0.2.' || (t.id %% 250),
               now() - interval '2 day', now() - interval '2 day'
          FROM helpdesk_ticket t
         WHERE t.team_id = %(team)s AND t.id %% 2 = 0
        """,
        params,
    )


def add_large(env, ticket):
    """The large ticket: 300 more history rows, 500 more public messages."""
    cr = env.cr
    stages = env["helpdesk.ticket.stage"].search([])
    cr.execute(
        """
        INSERT INTO helpdesk_ticket_status_log (ticket_id, date, stage_id,
                                                stage_name, main_status)
        SELECT %s, now() - interval '1 day' + k * interval '1 second',
               (%s::int[])[1 + k %% %s], 'Stage', 'in_progress'
          FROM generate_series(1, %s) k
        """,
        [ticket.id, stages.ids, len(stages), LARGE_HISTORY],
    )
    cr.execute(
        """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id,
                                  is_internal, author_id, body, date,
                                  create_date, write_date)
        SELECT 'helpdesk.ticket', %s,
               CASE WHEN k %% 2 = 1 THEN 'comment' ELSE 'email' END, %s, false,
               CASE WHEN k %% 2 = 1 THEN %s ELSE %s END,
               '<p>Message ' || k || '</p>', now(), now(), now()
          FROM generate_series(1, %s) k
        """,
        [
            ticket.id,
            env.ref("mail.mt_comment").id,
            env.ref("base.partner_admin").id,
            ticket.partner_id.id,
            LARGE_MESSAGES,
        ],
    )


def measured_tickets(env):
    """(small, large): open tickets of the measured page, the large one
    the newest open ticket, the small one the open ticket before it."""
    Ticket = env["helpdesk.ticket"].with_context(active_test=False)
    team = env["helpdesk.ticket.team"].search([("name", "=", "Million")])
    open_tickets = Ticket.search(
        [("team_id", "=", team.id), ("stage_id.closed", "=", False)],
        order="id desc",
        limit=2,
    )
    return open_tickets[1], open_tickets[0]


def build(env, size):
    cr = env.cr
    timings = {}
    started = time.time()
    team, code_team, page = setup(env)
    timings["setup"] = time.time() - started
    ids = {
        "company": env.company.id,
        "team": team.id,
        "page": page.id,
        "agent": env.ref("base.user_admin").id,
        "agent_partner": env.ref("base.partner_admin").id,
        "new": ids_of(env, "helpdesk_mgmt.helpdesk_ticket_stage_new"),
        "progress": ids_of(env, "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"),
        "done": ids_of(env, "helpdesk_mgmt.helpdesk_ticket_stage_done"),
        "comment": ids_of(env, "mail.mt_comment"),
        "note": ids_of(env, "mail.mt_note"),
    }
    cr.execute("SET maintenance_work_mem = '1GB'")
    cr.execute("SET synchronous_commit = off")
    cr.execute("SET session_replication_role = replica")
    step = time.time()
    indexes = drop_indexes(cr)
    insert(cr, size, ids)
    timings["insert"] = time.time() - step
    step = time.time()
    for definition in indexes:
        cr.execute(definition)
    cr.execute("SET session_replication_role = DEFAULT")
    timings["indexes"] = time.time() - step
    # The ticket sequence goes on after the numbers given here.
    env.ref("helpdesk_mgmt.helpdesk_ticket_sequence").sudo().number_next = size + 1
    cr.commit()
    env.invalidate_all()
    small, large = measured_tickets(env)
    add_large(env, large)
    add_portal_user(env, large.partner_id, "Million portal", PORTAL_LOGIN)
    # One ticket on the code page, for the code-sending POST.
    env["helpdesk.ticket"].create(
        {
            "name": "Code",
            "description": "<p>Code</p>",
            "team_id": code_team.id,
            "partner_id": small.partner_id.id,
            "partner_email": small.partner_id.email,
        }
    )
    step = time.time()
    cr.execute("ANALYZE")
    timings["analyze"] = time.time() - step
    # After ANALYZE: without the messages' statistics, the planner reads the
    # whole message index for each ticket (tens of minutes at a million).
    fill = getattr(env["helpdesk.ticket"], "_fill_status_customer_replied", None)
    if fill:
        fill()
        cr.execute("ANALYZE helpdesk_ticket")
    cr.commit()
    timings["total"] = time.time() - started
    return timings


def main():
    db, size = sys.argv[1], int(sys.argv[2])
    registry = open_registry(db, sys.argv[3:])
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        timings = build(env, size)
        counts = {}
        for table in BIG_TABLES:
            cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cr.fetchone()[0]
        size_mb = cr.execute("SELECT pg_database_size(current_database())")
        size_mb = cr.fetchone()[0] // 2**20
    print(json.dumps({"size": size, "rows": counts, "db_mb": size_mb, **timings}))


if __name__ == "__main__":
    main()
