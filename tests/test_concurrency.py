# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Limits under real concurrency: a real Odoo server with several worker
processes on the test database, and requests released together."""

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
from odoo.tests import BaseCase, tagged

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
PARALLEL = 10


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestLimitsUnderConcurrency(BaseCase):
    """Committed data and a ``--workers=4 --proxy-mode`` server: what the
    outside attack used. Everything made here is deleted at the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = odoo.tools.config["db_name"]
        cls.registry = Registry(cls.db)
        suffix = secrets.token_hex(4)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            page = env["helpdesk.status.page"].create(
                {
                    "name": "Race",
                    "slug": f"race-{suffix}",
                    "resend_delay": 30,
                    "max_codes_per_hour": 5,
                    "max_requests_per_ip_hour": 3,
                    "notify_on_create": False,
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
        cls.port = _free_port()
        cls.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                f"--addons-path={odoo.tools.config['addons_path']}",
                f"--database={cls.db}",
                f"--db-filter=^{cls.db}$",
                f"--http-port={cls.port}",
                "--workers=4",
                "--max-cron-threads=0",
                "--proxy-mode",
                "--log-level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        cls.addClassCleanup(cls._cleanup)
        cls.url = f"http://127.0.0.1:{cls.port}"
        for _try in range(120):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{cls.url}/web/login", timeout=5).ok:
                    break
            time.sleep(1)
        else:
            raise RuntimeError("The worker server did not start")

    @classmethod
    def _cleanup(cls):
        cls.server.terminate()
        try:
            cls.server.wait(30)
        except subprocess.TimeoutExpired:
            cls.server.kill()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ticket = env["helpdesk.ticket"].browse(cls.ids["ticket"])
            env["sms.sms"].search([("partner_id", "=", cls.ids["partner"])]).unlink()
            env["mail.mail"].search([("email_to", "=", ticket.partner_email)]).unlink()
            ticket.unlink()
            env["helpdesk.ticket.team"].browse(cls.ids["team"]).unlink()
            env["helpdesk.status.page"].browse(cls.ids["page"]).unlink()
            env["res.partner"].browse(cls.ids["partner"]).unlink()

    def _rows(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT kind, ip, create_date FROM helpdesk_status_page_challenge"
                " WHERE ticket_id = %s OR page_id = %s ORDER BY id",
                [self.ids["ticket"], self.ids["page"]],
            )
            return cr.fetchall()

    def _count(self, model, domain):
        with self.registry.cursor() as cr:
            return api.Environment(cr, SUPERUSER_ID, {})[model].search_count(domain)

    def _release_together(self, path, data, forwarded_for):
        """POST ``data`` to ``path`` from ``PARALLEL`` browsers at once; each
        first reads its form for a CSRF token. Returns the status codes."""
        barrier = threading.Barrier(PARALLEL)
        statuses = []

        def browser(index):
            session = requests.Session()
            # Odoo reads X-Forwarded-For only with X-Forwarded-Host.
            session.headers["X-Forwarded-For"] = forwarded_for(index)
            session.headers["X-Forwarded-Host"] = f"127.0.0.1:{self.port}"
            form = session.get(f"{self.url}/status/{self.slug}/{self.token}")
            token = CSRF_RE.search(form.text).group(1)
            barrier.wait()
            response = session.post(
                f"{self.url}{path}",
                data={"csrf_token": token, **data},
                timeout=120,
            )
            statuses.append(response.status_code)

        threads = [
            threading.Thread(target=browser, args=(index,)) for index in range(PARALLEL)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return statuses

    def test_parallel_code_requests_send_one_sms(self):
        statuses = self._release_together(
            f"/status/{self.slug}/{self.token}/verify",
            {"contact": "0507654321"},
            lambda index: f"198.51.100.{index + 1}",
        )
        self.assertEqual(len(statuses), PARALLEL)
        self.assertFalse([s for s in statuses if s >= 500], statuses)
        self.assertEqual(
            self._count(
                "helpdesk.status.page.challenge",
                [("ticket_id", "=", self.ids["ticket"]), ("kind", "=", "code")],
            ),
            1,
            self._rows(),
        )
        self.assertEqual(
            self._count("sms.sms", [("partner_id", "=", self.ids["partner"])]), 1
        )

    def test_parallel_requests_from_one_ip_pass_the_ip_limit_once(self):
        ip = f"203.0.113.{secrets.randbelow(200) + 20}"
        statuses = self._release_together(
            f"/status/{self.slug}/verify",
            {"number": "NO-SUCH-1", "contact": "nobody@example.com"},
            lambda index: ip,
        )
        self.assertFalse([s for s in statuses if s >= 500], statuses)
        self.assertEqual(
            self._count(
                "helpdesk.status.page.challenge",
                [("ip", "=", ip), ("kind", "=", "request")],
            ),
            3,
        )
