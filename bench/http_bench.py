"""Ticket view, verification and reference pages: SQL queries and server time
per request, read from Odoo's own request log, or requests/s with wrk.

Odoo's werkzeug log line ends with "<queries> <query time> <other time>"; the
server time of a request is the sum of the two times.

Usage: python bench/http_bench.py BASE_URL LOGFILE DB REPEAT [--wrk]
Prints one JSON line per measurement.
"""

import json
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import odoo
from odoo import api
from odoo.tools import config

LINE_RE = re.compile(
    r'"(?P<method>GET|POST) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d+) - '
    r"(?P<queries>\d+) (?P<qtime>[\d.]+) (?P<rtime>[\d.]+)"
)
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
# Ticket view sizes: (history rows, attachments, configured fields)
SIZES = [(0, 0, 0), (50, 20, 10), (500, 100, 30)]


class Client:
    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, data):
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base_url + path, body, timeout=30) as response:
            return response.read().decode()

    def csrf(self, path):
        return CSRF_RE.search(self.get(path)).group(1)

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def prepare(db):
    """Pages with 0/10/30 fields, tickets with 0/50/500 history rows and
    0/20/100 attachments, verification by plain match; a portal ticket."""
    config.parse_config(["-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        pages = env["helpdesk.status.page"].search([("slug", "like", "bench-%")])
        if pages:  # prepared by an earlier pass of this run
            tickets = env["helpdesk.ticket"].search(
                [("team_id.status_page_id", "in", pages.ids)], order="id"
            )
            portal = env["helpdesk.ticket"].search([("name", "=", "Portal bench")])
            return [
                (t.team_id.status_page_id.slug, t.sudo().status_token, t.id)
                for t in tickets
            ], portal[:1].id
        fields = env["ir.model.fields"].search(
            [
                ("model", "=", "helpdesk.ticket"),
                ("ttype", "in", ["char", "text", "datetime", "selection", "many2one"]),
                ("groups", "=", False),
            ]
        )
        allowed = fields.filtered(
            lambda f: env["helpdesk.status.page.field"]._is_field_allowed(f)
        )
        partner = env["res.partner"].create(
            {"name": "Bench customer", "email": "bench@example.com"}
        )
        stages = env["helpdesk.ticket.stage"].search([])
        tickets = []
        for index, (history, attachments, field_count) in enumerate(SIZES):
            page = env["helpdesk.status.page"].create(
                {
                    "name": f"Bench {index}",
                    "slug": f"bench-{index}",
                    "verification_method": "match",
                    "verification_field": "email",
                    "allow_attachment_download": True,
                    "notify_on_create": False,
                    "notify_on_status_change": False,
                    "field_ids": [
                        (0, 0, {"field_id": field.id, "sequence": i})
                        for i, field in enumerate(allowed[:field_count])
                    ],
                }
            )
            team = env["helpdesk.ticket.team"].create(
                {"name": f"Bench {index}", "status_page_id": page.id}
            )
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": f"Bench ticket {index}",
                    "description": "<p>Bench</p>",
                    "team_id": team.id,
                    "partner_id": partner.id,
                    "partner_email": partner.email,
                }
            )
            for step in range(history):
                ticket.stage_id = stages[step % len(stages)]
            env["ir.attachment"].create(
                [
                    {
                        "name": f"file{i}.txt",
                        "raw": b"bench",
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                    for i in range(attachments)
                ]
            )
            tickets.append((page.slug, ticket.sudo().status_token, ticket.id))
        portal_user = env.ref("base.demo_user0")
        portal_ticket = env["helpdesk.ticket"].create(
            {
                "name": "Portal bench",
                "description": "<p>Bench</p>",
                "partner_id": portal_user.partner_id.id,
            }
        )
        cr.commit()
        return tickets, portal_ticket.id


def measure(client, logfile, repeat, name, path, cookie=""):
    client.get(path)  # warm the caches: templates, assets
    time.sleep(0.2)
    with open(logfile, "rb") as log:
        offset = log.seek(0, 2)
    request = urllib.request.Request(
        client.base_url + path, headers={"Cookie": cookie or client.cookie()}
    )
    for _ in range(repeat):
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    time.sleep(0.5)
    entries = read_log(logfile, offset, "GET", path)
    return summary(name, entries)


def read_log(logfile, offset, method, path):
    with open(logfile, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        text = log.read()
    return [
        m
        for m in LINE_RE.finditer(text)
        if m["method"] == method and m["path"].split("?")[0] == path
    ]


def summary(name, entries):
    return {
        "name": name,
        "requests": len(entries),
        "status": sorted({m["status"] for m in entries}),
        "queries": statistics.median(int(m["queries"]) for m in entries),
        "queries_max": max(int(m["queries"]) for m in entries),
        "server_ms": statistics.median(
            (float(m["qtime"]) + float(m["rtime"])) * 1000 for m in entries
        ),
    }


def verify(client, logfile, slug, token):
    """Verify by e-mail on the per-ticket link; returns the POST's figures."""
    path = f"/status/{slug}/{token}"
    csrf = client.csrf(path)
    with open(logfile, "rb") as log:
        offset = log.seek(0, 2)
    client.post(
        f"{path}/verify",
        {"csrf_token": csrf, "kind": "email", "contact": "bench@example.com"},
    )
    time.sleep(0.5)
    return summary(
        "verification POST (match)", read_log(logfile, offset, "POST", f"{path}/verify")
    )


def wrk(url, cookie):
    command = ["wrk", "-t2", "-c8", "-d10s", "--timeout", "10s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=60).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main():
    base_url, logfile, db, repeat = sys.argv[1:5]
    repeat = int(repeat)
    tickets, portal_ticket_id = prepare(db)
    customer = Client(base_url)
    results = []
    slug, token, _ticket_id = tickets[0]
    results.append(verify(customer, logfile, slug, token))
    for (slug, token, _ticket_id), size in zip(tickets, SIZES, strict=True):
        if slug != tickets[0][0]:
            verify(customer, logfile, slug, token)
        if "--wrk" in sys.argv:
            break
        result = measure(
            customer, logfile, repeat, "ticket view", f"/status/{slug}/{token}"
        )
        result["size"] = size
        results.append(result)
    anonymous = Client(base_url)
    if "--wrk" in sys.argv:
        slug, token, _ticket_id = tickets[-1]
        results = [
            {
                "name": "wrk ticket view",
                "rps": wrk(f"{base_url}/status/{slug}/{token}", customer.cookie()),
            },
            {"name": "wrk /web/login", "rps": wrk(f"{base_url}/web/login", "")},
        ]
    else:
        results.append(measure(anonymous, logfile, repeat, "/web/login", "/web/login"))
        portal = Client(base_url)
        portal.post(
            "/web/login",
            {
                "csrf_token": portal.csrf("/web/login"),
                "login": "portal",
                "password": "portal",
            },
        )
        results.append(
            measure(
                portal,
                logfile,
                repeat,
                "/my/ticket (portal)",
                f"/my/ticket/{portal_ticket_id}",
            )
        )
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
