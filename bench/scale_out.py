"""Two Odoo servers on one database: every limit must hold across them.

A code is asked on server A; 20 browsers (one session, 20 addresses) then
enter wrong codes at once, alternating between A and B; then 10 lookups from
one address at once. Prints one JSON line per scenario: what the database
recorded against the page's cap, and the 5xx answers.

Usage: python bench/scale_out.py DB URL_A URL_B [odoo options]
"""

import json
import re
import secrets
import sys
import threading

import requests
from common import CSRF_RE, open_registry

import odoo
from odoo import api

ATTEMPTS = 5
PER_IP = 3


def create_race(registry):
    """A page with small limits and its ticket, committed; (slug, token,
    ticket id, e-mail)."""
    suffix = secrets.token_hex(4)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        page = env["helpdesk.status.page"].create(
            {
                "name": f"bench-race-{suffix}",
                "slug": f"bench-race-{suffix}",
                "max_attempts": ATTEMPTS,
                "max_failures_per_day": 100,
                "max_requests_per_ip_hour": PER_IP,
                "resend_delay": 0,
                "notify_on_create": False,
            }
        )
        team = env["helpdesk.ticket.team"].create(
            {"name": page.name, "status_page_id": page.id}
        )
        email = f"race-{suffix}@example.com"
        partner = env["res.partner"].create({"name": email, "email": email})
        ticket = env["helpdesk.ticket"].create(
            {
                "name": "Race",
                "description": "race",
                "team_id": team.id,
                "partner_id": partner.id,
            }
        )
        return page.slug, ticket.status_token, ticket.id, email


def post(session, url, form_path, path, data, barrier=None):
    form = session.get(url + form_path, timeout=60)
    token = CSRF_RE.search(form.text).group(1)
    if barrier:
        barrier.wait()
    return session.post(
        url + path, data={"csrf_token": token, **data}, allow_redirects=False
    ).status_code


def together(count, request):
    barrier = threading.Barrier(count)
    statuses = []
    threads = [
        threading.Thread(target=lambda i=i: statuses.append(request(i, barrier)))
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def browser(url, address, cookies=None):
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    session.headers["X-Forwarded-Host"] = url.split("//", 1)[1]
    if cookies:
        session.cookies.update(cookies)
    return session


def count(registry, sql, params):
    with registry.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchone()[0]


def outcome(name, recorded, cap, statuses):
    """One scenario's line: what the database recorded against the cap."""
    return {
        "name": name,
        "recorded": recorded,
        "cap": cap,
        "errors_5xx": sum(status >= 500 for status in statuses),
    }


def wrong_codes(registry, urls, slug, token, ticket_id, email):
    link = f"/status/{slug}/{token}"
    first = browser(urls[0], "198.51.100.200")
    post(first, urls[0], link, f"{link}/verify", {"contact": email})
    with registry.cursor() as cr:
        cr.execute(
            "SELECT body_html FROM mail_mail WHERE email_to = %s"
            " ORDER BY id DESC LIMIT 1",
            [email],
        )
        code = re.search(r"\b(\d{4,8})\b", re.sub(r"<[^>]+>", " ", cr.fetchone()[0]))
    wrong = f"{(int(code.group(1)) + 1) % 10**4:04d}"
    statuses = together(
        20,
        lambda i, barrier: post(
            browser(urls[i % 2], f"198.51.100.{i + 1}", first.cookies),
            urls[i % 2],
            link,
            f"{link}/code",
            {"code": wrong},
            barrier,
        ),
    )
    failures = count(
        registry,
        "SELECT count(*) FROM helpdesk_status_page_challenge"
        " WHERE ticket_id = %s AND kind = 'failure'",
        [ticket_id],
    )
    return outcome(
        "two servers: 20 concurrent wrong codes", failures, ATTEMPTS, statuses
    )


def lookups(registry, urls, slug, token):
    address = f"203.0.113.{secrets.randbelow(200) + 20}"
    statuses = together(
        10,
        lambda i, barrier: post(
            browser(urls[i % 2], address),
            urls[i % 2],
            f"/status/{slug}/{token}",
            f"/status/{slug}/verify",
            {"number": "NO-SUCH-1", "contact": "nobody@example.com"},
            barrier,
        ),
    )
    recorded = count(
        registry,
        "SELECT count(*) FROM helpdesk_status_page_challenge"
        " WHERE ip = %s AND kind = 'request'",
        [address],
    )
    return outcome(
        "two servers: 10 concurrent lookups from one address",
        recorded,
        PER_IP,
        statuses,
    )


def main():
    db, url_a, url_b = sys.argv[1:4]
    registry = open_registry(db, sys.argv[4:])
    slug, token, ticket_id, email = create_race(registry)
    urls = [url_a, url_b]
    for result in (
        wrong_codes(registry, urls, slug, token, ticket_id, email),
        lookups(registry, urls, slug, token),
    ):
        print(json.dumps(result))


if __name__ == "__main__":
    main()
