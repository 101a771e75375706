"""Measurements of bench/million.sh on a database of bench/million_build.py.

Usage: python bench/million.py STEP DB [args] [odoo options]

- ``http BASE_URL LOGFILE REPEAT``: customer routes and Odoo's pages, queries
  and server time from the server's request log (see common.py);
- ``backend REPEAT``: the agents' *Customer replied* search and the ticket
  list (``web_search_read`` as the list view calls it), in this process;
- ``cron late|purge``: one cron over the whole database, rolled back at the
  end; queries and peak RSS of each batch;
- ``wrk BASE_URL SECONDS``: requests/s at 16 connections;
- ``plans PG_LOG OFFSET``: the plans auto_explain wrote for this database
  since OFFSET, those reading a big table, each checked for an index.

Prints one JSON line per measurement.
"""

import json
import re
import statistics
import sys
import threading
import time

import common
from common import (
    TICKET_VIEW_MARK,
    Client,
    measure_posts,
    measure_together,
    open_registry,
    portal_client,
    rss_mb,
)

import odoo
from odoo import api

SLUG = "million"
CODE_SLUG = "million-code"
PORTAL_LOGIN = "million-portal"
BIG_TABLES = [
    "helpdesk_ticket",
    "helpdesk_ticket_status_log",
    "mail_message",
    "res_partner",
    "helpdesk_status_page_challenge",
]
# The backend list view's columns (views/helpdesk_ticket_views.xml and
# helpdesk_mgmt's list), as its web_search_read asks for them.
LIST_SPEC = {
    "number": {},
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "team_id": {"fields": {"display_name": {}}},
    "stage_id": {"fields": {"display_name": {}}},
    "priority": {},
    "create_date": {},
    "status_customer_replied": {},
    "customer_status_label": {},
}


def tickets(env):
    """The small and the large measured tickets (million_build.py), the
    one of the code page, and another open ticket (looked up by token)."""
    Ticket = env["helpdesk.ticket"].sudo()
    team = env["helpdesk.ticket.team"].search([("name", "=", "Million")])
    other, small, large = Ticket.search(
        [("team_id", "=", team.id), ("stage_id.closed", "=", False)],
        order="id desc",
        limit=3,
    )[::-1]
    code_team = env["helpdesk.ticket.team"].search([("name", "=", "Million code")])
    code = Ticket.search([("team_id", "=", code_team.id)], limit=1)
    return small, large, code, other


# ------------------------------------------------------------
# HTTP
# ------------------------------------------------------------


def verify(client, ticket):
    return common.verify(client, SLUG, ticket.status_token, ticket.partner_email)


def http(base_url, logfile, repeat, env):
    small, large, code, other = tickets(env)
    # The code page's limits count this bench's earlier runs' codes.
    env.cr.execute(
        "DELETE FROM helpdesk_status_page_challenge WHERE ticket_id = %s", [code.id]
    )
    env.cr.commit()
    customer = Client(base_url)
    small_path = verify(customer, small)
    large_path = verify(customer, large)
    anonymous = Client(base_url)
    pages = [
        ("view small", customer, small_path),
        ("view large", customer, large_path),
        ("version poll", customer, f"{large_path}/version"),
        ("look-up by token (form)", anonymous, f"/status/{SLUG}/{other.status_token}"),
        ("/web/login", Client(base_url), "/web/login"),
        # Odoo's cheapest route (no session, no website, no template): the
        # floor every request pays on this server.
        ("/web/health", Client(base_url), "/web/health"),
        (
            "/my/ticket (portal)",
            portal_client(base_url, PORTAL_LOGIN),
            f"/my/ticket/{large.id}",
        ),
    ]
    results = measure_together(logfile, repeat, pages)
    number_path = f"/status/{SLUG}/verify"

    def by_number():
        html = Client(base_url).submit(
            f"/status/{SLUG}",
            number_path,
            {"number": small.number, "contact": small.partner_email},
        )
        if TICKET_VIEW_MARK not in html:
            raise RuntimeError("look-up by number refused")

    results += measure_posts(
        logfile, repeat, by_number, [("look-up by number", number_path)]
    )
    results += measure_posts(
        logfile,
        repeat,
        lambda: verify(Client(base_url), small),
        [("verification POST", f"{small_path}/verify")],
    )
    code_path = f"/status/{CODE_SLUG}/{code.status_token}"

    def send_code():
        html = Client(base_url).submit(
            code_path, f"{code_path}/verify", {"contact": code.partner_id.email}
        )
        if 'name="code"' not in html:
            raise RuntimeError("no code sent")

    results += measure_posts(
        logfile, repeat, send_code, [("code-sending POST", f"{code_path}/verify")]
    )
    return results


def wrk(base_url, seconds, env):
    _small, large, _code, _other = tickets(env)
    customer = Client(base_url)
    path = verify(customer, large)
    customer.get(path)
    pages = [
        ("wrk view large", base_url + path, customer.cookie()),
        ("wrk version poll", f"{base_url}{path}/version", customer.cookie()),
        ("wrk /web/login", f"{base_url}/web/login", ""),
    ]
    results = []
    for name, url, cookie in pages:
        # Within Odoo's listen backlog for two workers (see http_bench.py).
        results.append({"name": name, **common.wrk(url, cookie, 16, seconds)})
    return results


# ------------------------------------------------------------
# Backend
# ------------------------------------------------------------


def timed(env, call, repeat):
    """Median ms and queries of ``call``, caches cleared each time (a new
    request), after one unmeasured call."""
    call()
    times, queries = [], []
    for _ in range(repeat):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
        queries.append(env.cr.sql_log_count - before)
    return statistics.median(times), max(queries), result


def backend(registry, repeat):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        agent = env.ref("base.user_admin")
        Ticket = env["helpdesk.ticket"].with_user(agent).with_context(lang="en_US")
        domain = [("status_customer_replied", "=", True)]
        ms, queries, found = timed(env, lambda: Ticket.search(domain, limit=80), repeat)
        count = Ticket.search_count(domain)
        yield {
            "name": "customer replied search",
            "server_ms": ms,
            "queries": queries,
            "found": count,
        }
        ms, queries, result = timed(
            env,
            lambda: Ticket.web_search_read(
                domain, LIST_SPEC, limit=80, count_limit=10001
            ),
            repeat,
        )
        yield {
            "name": "customer replied list (web_search_read)",
            "server_ms": ms,
            "queries": queries,
            "found": result["length"],
        }
        ms, queries, result = timed(
            env,
            lambda: Ticket.web_search_read([], LIST_SPEC, limit=80, count_limit=10001),
            repeat,
        )
        yield {
            "name": "ticket list (web_search_read)",
            "server_ms": ms,
            "queries": queries,
            "found": result["length"],
        }


# ------------------------------------------------------------
# Crons
# ------------------------------------------------------------


def cron(registry, which):
    """Run one cron over the database in one transaction, rolled back;
    each batch's queries and the peak RSS when it ends."""
    # The crons commit each batch, except in tests: the run leaves the
    # database as it found it.
    threading.current_thread().testing = True
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        Cron = type(env["ir.cron"])
        batches = []
        mark = {"queries": cr.sql_log_count}
        notify = Cron._notify_progress

        def counting(self, *, done, remaining, deactivate=False):
            batches.append((cr.sql_log_count - mark["queries"], rss_mb()))
            res = notify(self, done=done, remaining=remaining, deactivate=deactivate)
            mark["queries"] = cr.sql_log_count
            return res

        Cron._notify_progress = counting
        Ticket = type(env["helpdesk.ticket"])
        notify_late = Ticket._notify_status_late
        late_counts = []

        def counting_late(self):
            late = notify_late(self)
            late_counts.append(len(late))
            return late

        Ticket._notify_status_late = counting_late
        start = time.perf_counter()
        try:
            if which == "late":
                env["helpdesk.ticket"]._cron_notify_late()
            else:
                env["helpdesk.status.page.challenge"]._cron_purge()
        finally:
            Cron._notify_progress = notify
            Ticket._notify_status_late = notify_late
            cr.rollback()
        seconds = time.perf_counter() - start
    queries = [q for q, _rss in batches]
    # Queries per batch, by the number of messages the batch sent.
    by_sent = {}
    pairs = list(zip(queries, late_counts or [0] * len(queries), strict=False))
    # The first batch also reads what the next ones find in the cache.
    for count, sent in pairs[1:] or pairs:
        by_sent.setdefault(sent, set()).add(count)
    # The first batch also reads what every batch then finds in the cache.
    steady = queries[1:-1] or queries
    # The running-late rule (million_report.py): one figure for every batch
    # that sends, whatever it sends, and one, smaller, for every batch that
    # sends nothing. The first batch that sends also fills Odoo's caches of
    # the process (the e-mail layout's views, defaults, subtypes): apart.
    sending = [count for count, sent in pairs[1:] if sent]
    idle = [count for count, sent in pairs[1:] if not sent]
    return {
        "name": f"cron {which}",
        "seconds": seconds,
        "batches": len(batches),
        "batch_queries_min": min(steady) if steady else None,
        "batch_queries_max": max(steady) if steady else None,
        "first_batch_queries": queries[0] if queries else None,
        "rss_after_first_mb": batches[0][1] if batches else None,
        "peak_rss_mb": rss_mb(),
        "queries_by_sent": {k: sorted(v) for k, v in sorted(by_sent.items())},
        "first_sending_batch_queries": sending[0] if sending else None,
        "sending_batch_queries": sorted(set(sending[1:])),
        "idle_batch_queries": sorted(set(idle)),
        "sent_per_batch": sorted({sent for _count, sent in pairs if sent}),
    }


# ------------------------------------------------------------
# Plans
# ------------------------------------------------------------

ENTRY_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.M)
SCAN_RE = re.compile(
    r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)"
    r"(?: Backward)?(?: using (\S+))? on (\w+)"
)
PLAN_LINE_RE = re.compile(r"\(cost=[\d.]+\.\.[\d.]+ rows=")


def unbounded_seq_scans(plan):
    """Sequential scans of a big table that read more rows than a list's
    count limit (10,001, which Odoo's list counts up to by a LIMIT)."""
    lines = plan.splitlines()
    found = []
    for index, line in enumerate(lines):
        scan = re.search(r"Seq Scan on (\w+)", line)
        if not (scan and scan.group(1) in BIG_TABLES):
            continue
        actual = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", line)
        read = int(actual.group(1)) * int(actual.group(2)) if actual else 10**9
        removed = re.search(
            r"Rows Removed by Filter: (\d+)", "\n".join(lines[index + 1 : index + 3])
        )
        read += int(removed.group(1)) if removed else 0
        if read > 10001:
            found.append(scan.group(1))
    return found


def plans(db, pg_log, offset):
    """The plans auto_explain logged for ``db``: one line per distinct
    query reading a big table, with its scans and whether each uses an
    index. A sequential scan of a big table fails, unless the node reads
    fewer than 1000 rows (a LIMIT met early on a table scanned in order)."""
    with open(pg_log, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        text = log.read()
    starts = [m.start() for m in ENTRY_RE.finditer(text)] + [len(text)]
    seen = {}
    for begin, end in zip(starts, starts[1:], strict=False):
        entry = text[begin:end]
        if f"@{db} " not in entry.split("\n", 1)[0] or "Query Text:" not in entry:
            continue
        body = entry[entry.index("Query Text:") + len("Query Text:") :]
        lines = body.split("\n")
        first = next(
            (i for i, line in enumerate(lines) if PLAN_LINE_RE.search(line)),
            len(lines),
        )
        query = " ".join(" ".join(lines[:first]).split())
        plan = "\n".join(line.removeprefix("\t") for line in lines[first:])
        scans = [
            (kind, index, table)
            for kind, index, table in SCAN_RE.findall(plan)
            if table in BIG_TABLES
        ]
        if not scans:
            continue
        key = re.sub(r"\d+", "N", query)[:300]
        seen.setdefault(
            key,
            {
                "query": query[:400],
                "scans": sorted(
                    {
                        " ".join(filter(None, (k, i and f"using {i}", "on", t)))
                        for k, i, t in scans
                    }
                ),
                "index": not unbounded_seq_scans(plan),
                "plan": plan[:6000],
            },
        )
    return list(seen.values())


def main():
    step, db = sys.argv[1:3]
    args = sys.argv[3:]
    options = [a for a in args if a.startswith("--")]
    args = [a for a in args if not a.startswith("--")]
    if step == "plans":
        results = plans(db, args[0], int(args[1]))
    else:
        registry = open_registry(db, options)
        if step == "backend":
            results = list(backend(registry, int(args[0])))
        elif step == "cron":
            results = [cron(registry, args[0])]
        else:
            with registry.cursor() as cr:
                env = api.Environment(cr, odoo.SUPERUSER_ID, {})
                if step == "http":
                    results = http(args[0], args[1], int(args[2]), env)
                else:
                    results = wrk(args[0], int(args[1]), env)
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
