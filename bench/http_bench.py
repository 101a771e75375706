"""Ticket view, verification and reference pages: SQL queries and server time
per request, read from Odoo's own request log, or requests/s with wrk.

How a request's queries and server time are read from the log: common.py.

Usage: python bench/http_bench.py BASE_URL LOGFILE DB REPEAT [--wrk] [odoo options]
Prints one JSON line per measurement.
"""

import json
import re
import sys

from common import (
    TICKET_VIEW_MARK,
    UNTHROTTLED,
    Client,
    add_portal_user,
    measure_posts,
    measure_together,
    open_registry,
    portal_client,
    verify,
    wrk,
)

import odoo
from odoo import api

CODE_RE = re.compile(r"your code (\d+)")
# Ticket view sizes: (history rows, public messages, attachments, fields)
SIZES = [(0, 0, 0, 0), (50, 50, 20, 10), (300, 500, 100, 30)]
# Stored scalar ticket fields shown first; the rest are team properties, as
# there are not 30 plain fields customers may see, and a relational field
# would add one query per related model for its display name.
SCALAR_TYPES = ["char", "text", "html", "selection", "boolean", "datetime"]
PLAIN_FIELDS = 10
VIEW_EMAIL = "bench@example.com"
# The customer of the largest ticket also has a portal account: the same
# ticket is measured on the status page and on helpdesk_mgmt's portal.
PORTAL_LOGIN = "bench-portal"
CODE_EMAIL = "bench-code@example.com"


# ------------------------------------------------------------
# Data
# ------------------------------------------------------------


def scalar_fields(env):
    """Stored scalar ticket fields a page may show, in a stable order."""
    fields = env["ir.model.fields"].search(
        [
            ("model", "=", "helpdesk.ticket"),
            ("ttype", "in", SCALAR_TYPES),
            ("store", "=", True),
        ],
        order="name",
    )
    Line = env["helpdesk.status.page.field"]
    return fields.filtered(Line._is_field_allowed)


def field_lines(env, count):
    """Page field lines: scalar fields, then properties named bench_<i>."""
    plain = scalar_fields(env)[: min(count, PLAIN_FIELDS)]
    properties = env.ref("helpdesk_mgmt.field_helpdesk_ticket__properties")
    lines = [{"field_id": field.id} for field in plain]
    lines += [
        {"field_id": properties.id, "property_name": f"bench_{i}"}
        for i in range(count - len(plain))
    ]
    return [(0, 0, dict(line, sequence=i)) for i, line in enumerate(lines)]


def make_page(env, slug, method, field_count):
    """A page showing ``field_count`` fields, and its team, which defines the
    properties shown (a page may only show properties a team defines)."""
    properties = field_count - min(field_count, PLAIN_FIELDS)
    team = env["helpdesk.ticket.team"].create(
        {
            "name": slug,
            "ticket_properties": [
                {"name": f"bench_{i}", "string": f"Property {i}", "type": "char"}
                for i in range(properties)
            ],
        }
    )
    page = env["helpdesk.status.page"].create(
        {
            "name": slug,
            "slug": slug,
            "verification_method": method,
            "verification_field": "email",
            "allow_attachment_download": True,
            "notify_on_create": False,
            "notify_on_status_change": False,
            "field_ids": field_lines(env, field_count),
            **UNTHROTTLED,
        }
    )
    team.status_page_id = page
    return page, team, properties


def make_ticket(env, team, email, properties):
    partner = env["res.partner"].create({"name": email, "email": email})
    ticket = env["helpdesk.ticket"].create(
        {
            "name": f"Ticket of {team.name}",
            "description": "<p>Bench</p>",
            "team_id": team.id,
            "partner_id": partner.id,
            "partner_email": email,
        }
    )
    if properties:
        ticket.properties = {f"bench_{i}": f"value {i}" for i in range(properties)}
    return ticket


def add_history(env, ticket, rows):
    """History rows written directly, beside the one of the ticket's
    creation: moving the ticket 500 times would also add chatter messages,
    which the status page does not read."""
    stages = env["helpdesk.ticket.stage"].search([])
    env["helpdesk.ticket.status.log"].sudo().create(
        [
            {
                "ticket_id": ticket.id,
                "stage_id": stages[i % len(stages)].id,
                "stage_name": stages[i % len(stages)].name,
                "main_status": stages[i % len(stages)].main_status or "received",
            }
            for i in range(rows)
        ]
    )


def add_messages(env, ticket, count):
    """Public messages, as a long conversation leaves them: agent replies
    and customer e-mails in turn."""
    agent = env.ref("base.partner_admin")
    comment = env.ref("mail.mt_comment")
    env["mail.message"].create(
        [
            {
                "model": "helpdesk.ticket",
                "res_id": ticket.id,
                "message_type": "comment" if i % 2 else "email",
                "subtype_id": comment.id,
                "author_id": agent.id if i % 2 else ticket.partner_id.id,
                "body": f"<p>Message {i}</p>",
            }
            for i in range(count)
        ]
    )


def add_attachments(env, ticket, count):
    env["ir.attachment"].create(
        [
            {
                "name": f"file{i}.txt",
                "raw": b"bench",
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            }
            for i in range(count)
        ]
    )


def create_data(env):
    for index, (history, messages, attachments, field_count) in enumerate(SIZES):
        _page, team, properties = make_page(env, f"bench-{index}", "match", field_count)
        ticket = make_ticket(env, team, VIEW_EMAIL, properties)
        add_history(env, ticket, history)
        add_messages(env, ticket, messages)
        add_attachments(env, ticket, attachments)
    add_portal_user(env, ticket.partner_id, "Bench portal", PORTAL_LOGIN)
    _page, team, _properties = make_page(env, "bench-code", "code", 0)
    make_ticket(env, team, CODE_EMAIL, 0)


def read_data(env):
    """(slug, token) of the view pages in SIZES order, of the code page, and
    the id of the largest ticket, which its customer also reads on the
    portal."""

    def link(slug):
        ticket = env["helpdesk.ticket"].search(
            [("team_id.status_page_id.slug", "=", slug)], limit=1
        )
        return slug, ticket.sudo().status_token

    portal = env["res.users"].search([("login", "=", PORTAL_LOGIN)])
    ticket = env["helpdesk.ticket"].search(
        [("partner_id", "=", portal.partner_id.id)], limit=1
    )
    return {
        "views": [link(f"bench-{i}") for i in range(len(SIZES))],
        "code": link("bench-code"),
        "portal_ticket": ticket.id,
    }


def prepare(registry):
    """Pages and tickets of SIZES (verification by match), the largest
    ticket's customer with a portal account, a page verifying by one-time
    code. Created once per database."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if not env["helpdesk.status.page"].search([("slug", "=", "bench-code")]):
            create_data(env)
            cr.commit()
            # Statistics for the planner, as a database in use has them;
            # both sides of every ratio read this same database.
            cr.execute("ANALYZE")
        return read_data(env)


def last_code(registry, email):
    """The one-time code last e-mailed to ``email``: the e-mail is queued,
    and its subject holds the code."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT m.subject FROM mail_mail mm
              JOIN mail_message m ON m.id = mm.mail_message_id
             WHERE mm.email_to = %s ORDER BY mm.id DESC LIMIT 1
            """,
            [email],
        )
        return CODE_RE.search(cr.fetchone()[0]).group(1)


# ------------------------------------------------------------
# Measurements
# ------------------------------------------------------------


def get_expecting(client, path, mark):
    """GET ``path``, which must answer the page holding ``mark``."""
    if mark not in client.get(path):
        raise RuntimeError(f"{path} did not answer the expected page")


def measure(client, logfile, repeat, name, path, mark=None):
    """GET ``path`` ``repeat`` times in ``client``'s session, after one
    unmeasured request that warms the caches (templates, assets)."""
    if mark:
        get_expecting(client, path, mark)
    return measure_together(logfile, repeat, [(name, client, path)])[0]


def verify_match(client, slug, token):
    """Verify by e-mail on the ticket's link."""
    return verify(client, slug, token, VIEW_EMAIL)


def verify_code(client, registry, slug, token):
    """Ask for a code on the ticket's link, then enter it from the e-mail."""
    path = f"/status/{slug}/{token}"
    client.submit(path, f"{path}/verify", {"contact": CODE_EMAIL})
    html = client.submit(
        path, f"{path}/code", {"code": last_code(registry, CODE_EMAIL)}
    )
    if TICKET_VIEW_MARK not in html:
        raise RuntimeError(f"verification by code refused on {path}")


def verification_results(base_url, logfile, registry, data, repeat):
    slug, token = data["views"][0]
    match = measure_posts(
        logfile,
        repeat,
        lambda: verify_match(Client(base_url), slug, token),
        [("verification POST (match)", f"/status/{slug}/{token}/verify")],
    )
    code_slug, code_token = data["code"]
    code = measure_posts(
        logfile,
        repeat,
        lambda: verify_code(Client(base_url), registry, code_slug, code_token),
        [
            (
                "verification POST (code: send)",
                f"/status/{code_slug}/{code_token}/verify",
            ),
            (
                "verification POST (code: check)",
                f"/status/{code_slug}/{code_token}/code",
            ),
        ],
    )
    return match + code


def http_results(base_url, logfile, registry, data, repeat):
    """The verification POSTs, the smaller views, then the largest view,
    its version check and the reference pages measured in turn."""
    results = verification_results(base_url, logfile, registry, data, repeat)
    customer = Client(base_url)
    for (slug, token), size in zip(data["views"], SIZES, strict=True):
        verify_match(customer, slug, token)
        path = f"/status/{slug}/{token}"
        if size == SIZES[-1]:
            break
        result = measure(
            customer, logfile, repeat, "ticket view", path, TICKET_VIEW_MARK
        )
        results.append(dict(result, size=size))
    get_expecting(customer, path, TICKET_VIEW_MARK)
    largest, version, login, portal = measure_together(
        logfile,
        repeat,
        [
            ("ticket view", customer, path),
            ("version check", customer, f"{path}/version"),
            ("/web/login", Client(base_url), "/web/login"),
            (
                "/my/ticket (portal)",
                portal_client(base_url, PORTAL_LOGIN),
                f"/my/ticket/{data['portal_ticket']}",
            ),
        ],
    )
    return results + [dict(largest, size=SIZES[-1]), version, login, portal]


def wrk_results(base_url, data):
    """The largest ticket view, its version check and /web/login, each
    warmed first, at 32 connections; the first two again at 16, what
    Odoo's listen backlog holds for two workers (8 per worker)."""
    customer = Client(base_url)
    slug, token = data["views"][-1]
    verify_match(customer, slug, token)
    path = f"/status/{slug}/{token}"
    customer.get(path)
    customer.get(f"{path}/version")
    Client(base_url).get("/web/login")
    pages = {
        "wrk ticket view": (base_url + path, customer.cookie()),
        "wrk version check": (f"{base_url}{path}/version", customer.cookie()),
    }
    results = [{"name": name, **wrk(*page)} for name, page in pages.items()]
    results.append({"name": "wrk /web/login", **wrk(f"{base_url}/web/login", "")})
    results += [
        {"name": name, **wrk(*page, connections=16)} for name, page in pages.items()
    ]
    return results


def main():
    base_url, logfile, db, repeat = sys.argv[1:5]
    with_wrk = "--wrk" in sys.argv
    options = [arg for arg in sys.argv[5:] if arg != "--wrk"]
    registry = open_registry(db, options)
    data = prepare(registry)
    if with_wrk:
        results = wrk_results(base_url, data)
    else:
        results = http_results(base_url, logfile, registry, data, int(repeat))
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
