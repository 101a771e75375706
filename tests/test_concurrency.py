# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Limits under real concurrency: a real Odoo server with several worker
processes on the test database, and requests released together."""

import secrets

from odoo.tests import tagged

from .common_server import RealServerCase

PARALLEL = 10


@tagged("post_install", "-at_install")
class TestLimitsUnderConcurrency(RealServerCase):
    """A ``--workers=4 --proxy-mode`` server: what the outside attack used."""

    page_values = {
        "resend_delay": 30,
        "max_codes_per_hour": 5,
        "max_requests_per_ip_hour": 3,
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.url = cls._start_server(workers=4)

    def test_parallel_code_requests_send_one_sms(self):
        statuses = self._release_together(
            PARALLEL,
            lambda index, barrier: self._post_form(
                self._browser(self.url, f"198.51.100.{index + 1}"),
                self.url,
                f"/status/{self.slug}/{self.token}/verify",
                {"contact": "0507654321"},
                barrier,
            ),
        )
        self.assertEqual(len(statuses), PARALLEL)
        self.assertNoServerError(statuses)
        self.assertEqual(
            self._count_rows("code", ticket_id=self.ids["ticket"]), 1, self._rows()
        )
        self.assertEqual(
            self._count("sms.sms", [("partner_id", "=", self.ids["partner"])]), 1
        )

    def test_parallel_requests_from_one_ip_pass_the_ip_limit_once(self):
        ip = f"203.0.113.{secrets.randbelow(200) + 20}"
        statuses = self._release_together(
            PARALLEL,
            lambda index, barrier: self._post_form(
                self._browser(self.url, ip),
                self.url,
                f"/status/{self.slug}/verify",
                {"number": "NO-SUCH-1", "contact": "nobody@example.com"},
                barrier,
            ),
        )
        self.assertNoServerError(statuses)
        self.assertEqual(self._count_rows("request", ip=ip), 3)
