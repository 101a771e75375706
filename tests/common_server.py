# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Real Odoo servers on the test database, for what only real processes
show: limits under concurrency, several servers on one PostgreSQL."""

import contextlib
import re
import secrets
import socket
import subprocess
import sys
import threading
import time

import requests

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RealServerCase(BaseCase):
    """Committed data (a page, its team, a customer and a ticket) and
    helpers to start ``--proxy-mode`` servers on the test database. Every
    record made here is deleted at the end, and every server stopped."""

    page_values = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = odoo.tools.config["db_name"]
        cls.registry = Registry(cls.db)
        cls.servers = []
        cls.addClassCleanup(cls._cleanup)
        suffix = secrets.token_hex(4)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            page = env["helpdesk.status.page"].create(
                {
                    "name": "Race",
                    "slug": f"race-{suffix}",
                    "notify_on_create": False,
                    **cls.page_values,
                }
            )
            team = env["helpdesk.ticket.team"].create(
                {"name": f"Race {suffix}", "status_page_id": page.id}
            )
            partner = env["res.partner"].create(
                {
                    "name": "Race customer",
                    "email": f"race-{suffix}@example.com",
                    "phone": "+966 50 765 4321",
                    "country_id": env.ref("base.sa").id,
                }
            )
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": "Race",
                    "description": "race",
                    "team_id": team.id,
                    "partner_id": partner.id,
                }
            )
            cls.ids = {
                "page": page.id,
                "team": team.id,
                "partner": partner.id,
                "ticket": ticket.id,
            }
            cls.slug, cls.token = page.slug, ticket.status_token
            cls.email = partner.email

    @classmethod
    def _start_server(cls, workers, options=(), env=None, log=None):
        """Start an Odoo server with ``workers`` processes, more command-line
        ``options`` and environment ``env``, its output in the file ``log``;
        its base URL."""
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                f"--addons-path={odoo.tools.config['addons_path']}",
                f"--database={cls.db}",
                f"--db-filter=^{cls.db}$",
                f"--http-port={port}",
                f"--workers={workers}",
                "--max-cron-threads=0",
                "--proxy-mode",
                "--log-level=warn",
                *options,
            ],
            stdout=log or subprocess.DEVNULL,
            stderr=log or subprocess.DEVNULL,
            env=env,
        )
        cls.servers.append(server)
        url = f"http://127.0.0.1:{port}"
        for _try in range(120):
            # Not up yet, or still building its assets on a loaded machine.
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                if requests.get(f"{url}/web/login", timeout=5).ok:
                    return url
            time.sleep(1)
        raise RuntimeError(f"The server on port {port} did not start")

    @classmethod
    def _cleanup(cls):
        for server in cls.servers:
            server.terminate()
        for server in cls.servers:
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ticket = env["helpdesk.ticket"].browse(cls.ids["ticket"])
            env["sms.sms"].search([("partner_id", "=", cls.ids["partner"])]).unlink()
            env["mail.mail"].search([("email_to", "=", ticket.partner_email)]).unlink()
            ticket.unlink()
            env["helpdesk.ticket.team"].browse(cls.ids["team"]).unlink()
            env["helpdesk.status.page"].browse(cls.ids["page"]).unlink()
            env["res.partner"].browse(cls.ids["partner"]).unlink()

    # ------------------------------------------------------------
    # Reading what the servers did
    # ------------------------------------------------------------

    def _rows(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT kind, ip, attempts, create_date"
                " FROM helpdesk_status_page_challenge"
                " WHERE ticket_id = %s OR page_id = %s ORDER BY id",
                [self.ids["ticket"], self.ids["page"]],
            )
            return cr.fetchall()

    def _count(self, model, domain):
        with self.registry.cursor() as cr:
            return api.Environment(cr, SUPERUSER_ID, {})[model].search_count(domain)

    def _count_rows(self, kind, **where):
        domain = [("kind", "=", kind)]
        domain += [(name, "=", value) for name, value in where.items()]
        return self._count("helpdesk.status.page.challenge", domain)

    def _last_code(self):
        """The code of the latest code e-mail to the race customer."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT body_html FROM mail_mail WHERE email_to = %s"
                " ORDER BY id DESC LIMIT 1",
                [self.email],
            )
            body = re.sub(r"<[^>]+>", " ", cr.fetchone()[0])
        return re.search(r"\b(\d{4,8})\b", body).group(1)

    # ------------------------------------------------------------
    # Browsers
    # ------------------------------------------------------------

    def _browser(self, url, forwarded_for="192.0.2.1", session=None):
        """A browser behind the proxy at ``forwarded_for``, on ``url``."""
        session = session or requests.Session()
        # Odoo reads X-Forwarded-For only with X-Forwarded-Host.
        session.headers["X-Forwarded-For"] = forwarded_for
        session.headers["X-Forwarded-Host"] = url.split("//", 1)[1]
        return session

    def _post_form(self, session, url, path, data, barrier=None):
        """POST ``data`` with the CSRF token of the ticket's form, after
        ``barrier`` if given; no redirect followed, so that each answer is
        the POST's own."""
        form = session.get(f"{url}/status/{self.slug}/{self.token}", timeout=60)
        match = CSRF_RE.search(form.text)
        self.assertTrue(
            match, f"no form on {form.url} ({form.status_code}): {form.text[:300]}"
        )
        token = match.group(1)
        if barrier:
            barrier.wait()
        return session.post(
            f"{url}{path}",
            data={"csrf_token": token, **data},
            timeout=120,
            allow_redirects=False,
        )

    def _release_together(self, count, request):
        """Run ``request(index, barrier)`` in ``count`` threads, each waiting
        at ``barrier`` right before its POST; the answers' statuses."""
        barrier = threading.Barrier(count)
        statuses = []

        def run(index):
            statuses.append(request(index, barrier).status_code)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return statuses

    def assertNoServerError(self, statuses):
        self.assertFalse([status for status in statuses if status >= 500], statuses)

    def _set_page(self, **values):
        """Change the page's settings for the servers (committed), and
        forget the limits of earlier tests."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["helpdesk.status.page"].browse(self.ids["page"]).write(values)
            cr.execute(
                "DELETE FROM helpdesk_status_page_challenge"
                " WHERE ticket_id = %s OR page_id = %s",
                [self.ids["ticket"], self.ids["page"]],
            )
