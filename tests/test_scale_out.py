# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Several Odoo servers on one PostgreSQL, as users scale out: every limit
holds across them and a grant made on one is honoured by the other."""

import secrets

import requests

from odoo.tests import tagged

from .common_server import RealServerCase

PARALLEL = 20
UNLIMITED_IP = {"max_requests_per_ip_hour": 1000}


@tagged("post_install", "-at_install")
class TestTwoServers(RealServerCase):
    """Server A with ``--workers=4`` and server B with ``--workers=2``,
    sharing the database and the session store (the same data directory,
    as a shared volume would give servers on several machines)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.urls = [cls._start_server(workers=4), cls._start_server(workers=2)]

    def _ask_code(self, session, url):
        response = self._post_form(
            session,
            url,
            f"/status/{self.slug}/{self.token}/verify",
            {"contact": self.email},
        )
        self.assertLess(response.status_code, 500)
        return self._last_code()

    def _copy(self, session, index):
        """Another tab of ``session``'s browser, behind its own address, on
        server A or B in turn."""
        url = self.urls[index % 2]
        tab = self._browser(url, f"198.51.100.{index + 1}")
        tab.cookies.update(session.cookies)
        return tab, url

    def _wrong(self, code):
        return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"

    def _wrong_codes_together(self, session, code):
        wrong = self._wrong(code)

        def enter(index, barrier):
            tab, url = self._copy(session, index)
            return self._post_form(
                tab,
                url,
                f"/status/{self.slug}/{self.token}/code",
                {"code": wrong},
                barrier,
            )

        return self._release_together(PARALLEL, enter)

    def test_grant_made_on_one_server_is_honoured_by_the_other(self):
        self._set_page(verification_method="code", resend_delay=0, **UNLIMITED_IP)
        server_a, server_b = self.urls
        browser = self._browser(server_a)
        code = self._ask_code(browser, server_a)
        # The code asked on A is entered on B, the ticket read on A again.
        answer = self._post_form(
            self._browser(server_b, session=browser),
            server_b,
            f"/status/{self.slug}/{self.token}/code",
            {"code": code},
        )
        self.assertEqual(answer.status_code, 303)
        view = self._browser(server_a, session=browser).get(
            f"{server_a}/status/{self.slug}/{self.token}", timeout=60
        )
        self.assertIn("o_status_timeline", view.text)
        stranger = requests.get(
            f"{server_b}/status/{self.slug}/{self.token}", timeout=60
        )
        self.assertNotIn("o_status_timeline", stranger.text)

    def test_wrong_codes_across_servers_stop_at_the_attempts_per_code(self):
        self._set_page(
            max_attempts=5, max_failures_per_day=100, resend_delay=0, **UNLIMITED_IP
        )
        browser = self._browser(self.urls[0])
        code = self._ask_code(browser, self.urls[0])
        statuses = self._wrong_codes_together(browser, code)
        self.assertEqual(len(statuses), PARALLEL)
        self.assertNoServerError(statuses)
        self.assertEqual(
            self._count_rows("failure", ticket_id=self.ids["ticket"]), 5, self._rows()
        )

    def test_wrong_codes_across_servers_stop_at_the_daily_cap(self):
        self._set_page(
            max_attempts=10, max_failures_per_day=3, resend_delay=0, **UNLIMITED_IP
        )
        browser = self._browser(self.urls[1])
        code = self._ask_code(browser, self.urls[1])
        statuses = self._wrong_codes_together(browser, code)
        self.assertNoServerError(statuses)
        self.assertEqual(
            self._count_rows("failure", ticket_id=self.ids["ticket"]), 3, self._rows()
        )

    def test_codes_per_hour_across_servers(self):
        self._set_page(
            verification_method="code",
            resend_delay=0,
            max_codes_per_hour=3,
            **UNLIMITED_IP,
        )

        def ask(index, barrier):
            url = self.urls[index % 2]
            return self._post_form(
                self._browser(url, f"198.51.100.{index + 1}"),
                url,
                f"/status/{self.slug}/{self.token}/verify",
                {"contact": self.email},
                barrier,
            )

        statuses = self._release_together(10, ask)
        self.assertNoServerError(statuses)
        self.assertEqual(
            self._count_rows("code", ticket_id=self.ids["ticket"]), 3, self._rows()
        )

    def test_requests_per_ip_across_servers(self):
        self._set_page(max_requests_per_ip_hour=3)
        ip = f"203.0.113.{secrets.randbelow(200) + 20}"

        def lookup(index, barrier):
            url = self.urls[index % 2]
            return self._post_form(
                self._browser(url, ip),
                url,
                f"/status/{self.slug}/verify",
                {"number": "NO-SUCH-1", "contact": "nobody@example.com"},
                barrier,
            )

        statuses = self._release_together(10, lookup)
        self.assertNoServerError(statuses)
        self.assertEqual(self._count_rows("request", ip=ip), 3)
