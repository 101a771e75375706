# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The version poll in one query (SPEC §17): the same answer as the ticket
view's rules in every case, a plain answer, whatever the route is asked."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import BaseCase, tagged

from ..tools.session import is_grant_current, is_link_open
from ..tools.text import is_slug
from .common import StatusPageCommon
from .test_status_page_http import StatusPageHttpCommon

NOW = datetime(2026, 12, 3, 18, 0)


class TestPollTools(BaseCase):
    def test_grant_current_until_its_lifetime(self):
        grant = {"issued": "2026-12-03 17:00:00", "fingerprint": "abc"}
        self.assertTrue(is_grant_current(grant, "abc", 2, NOW))
        self.assertFalse(is_grant_current(grant, "abc", 1, NOW), "expired")
        self.assertFalse(is_grant_current(grant, "abd", 2, NOW), "another binding")
        for forged in (
            "forged",
            None,
            {},
            {"issued": "yesterday", "fingerprint": "abc"},
            {"issued": None, "fingerprint": "abc"},
            {"issued": "2026-12-03T17:00:00+00:00", "fingerprint": "abc"},
            {"issued": "2026-12-03 17:00:00"},
        ):
            with self.subTest(grant=forged):
                self.assertFalse(is_grant_current(forged, "abc", 2, NOW))

    def test_link_open_until_the_close_window_ends(self):
        closed = NOW - timedelta(days=30)
        self.assertTrue(is_link_open(False, 30, NOW), "open ticket")
        self.assertTrue(is_link_open(closed, 0, NOW), "the page keeps links")
        self.assertTrue(is_link_open(closed, 30, NOW))
        self.assertFalse(is_link_open(closed, 29, NOW))

    def test_slug_as_a_url_may_carry_it(self):
        for slug in ("support", "Customer-Support", "a1", "x" * 64):
            with self.subTest(slug=slug):
                self.assertTrue(is_slug(slug))
        for slug in ("", None, "-a", "a--b", "a/b", "../a", "x" * 65, "sü"):
            with self.subTest(slug=slug):
                self.assertFalse(is_slug(slug))


@tagged("post_install", "-at_install")
class TestPollRules(StatusPageCommon):
    """``_get_status_poll_version`` against the view's own rules
    (``_find_ticket_by_token`` and ``_is_granted``), case by case."""

    def setUp(self):
        super().setUp()
        self.Grant = self.env["helpdesk.status.grant"]
        self.website = self.env["website"].get_current_website()
        self.session = {}
        self.Grant._grant(self.session, self.page, self.ticket)

    def _poll(self, slug=None, token=None):
        return self.env["helpdesk.ticket"]._get_status_poll_version(
            self.page.slug if slug is None else slug,
            self.ticket.status_token if token is None else token,
            self.session,
            self.website,
        )

    def _assert_as_the_view(self, expected_open):
        """The poll answers the version exactly when the view would open."""
        self.ticket.invalidate_recordset()
        self.page.invalidate_recordset()
        found = self.page._find_ticket_by_token(self.ticket.status_token)
        opens = bool(found) and self.Grant._is_granted(self.session, self.page, found)
        self.assertEqual(opens, expected_open)
        version = self._poll()
        self.assertEqual(version, found._get_status_version() if opens else None)

    def test_version_while_granted(self):
        self._assert_as_the_view(True)
        self.assertRegex(self._poll(), r"^[0-9a-f]{16}$")
        self.ticket.active = False
        self._assert_as_the_view(True)

    def test_nothing_once_the_grant_ends(self):
        later = fields.Datetime.now() + timedelta(
            hours=self.page.grant_lifetime, minutes=1
        )
        with self.mock_datetime_and_now(later):
            self._assert_as_the_view(False)
        self.page.grant_lifetime = 1
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(hours=2)):
            self._assert_as_the_view(False)

    def test_nothing_once_what_the_grant_is_bound_to_changes(self):
        self.ticket.partner_phone = "+966 55 000 0000"
        self._assert_as_the_view(False)
        self.Grant._grant(self.session, self.page, self.ticket)
        self._assert_as_the_view(True)
        self.page.verification_method = (
            "match" if self.page.verification_method == "code" else "code"
        )
        self._assert_as_the_view(False)

    def test_nothing_for_a_forged_or_foreign_grant(self):
        key = self.Grant._grant_key(self.ticket)
        other = self._create_ticket()
        self.Grant._grant(self.session, self.page, other)
        for forged in (
            "forged",
            {"issued": "yesterday", "fingerprint": self.session[key]["fingerprint"]},
            # The grant of another ticket, under this ticket's key.
            dict(self.session[self.Grant._grant_key(other)]),
        ):
            with self.subTest(grant=forged):
                self.session[key] = forged
                self._assert_as_the_view(False)

    def test_nothing_where_the_page_does_not_serve_the_ticket(self):
        strict = self.env["helpdesk.status.page"].create(
            {"name": "Strict", "slug": "strict"}
        )
        self.team.status_page_id = strict
        self._assert_as_the_view(False)
        self.assertIsNone(self._poll(slug="strict"), "granted by another page")
        self.team.status_page_id = self.page
        self._assert_as_the_view(True)
        self.page.active = False
        self.assertIsNone(self._poll())

    def test_nothing_once_the_link_expires_after_close(self):
        self.page.link_validity_after_close = 30
        self.ticket.stage_id = self.stage_done
        self._assert_as_the_view(True)
        with self.mock_datetime_and_now(fields.Datetime.now() + timedelta(days=31)):
            self._assert_as_the_view(False)

    def test_nothing_for_a_regenerated_or_malformed_token(self):
        # Slugs are read in any case, as the view reads them.
        self.assertEqual(self._poll(slug=self.page.slug.upper()), self._poll())
        for slug, token in (
            ("../" + self.page.slug, None),
            ("x" * 65, None),
            (None, "short"),
            (None, self.ticket.status_token + "'"),
            (None, "a" * 65),
        ):
            with self.subTest(slug=slug, token=token):
                self.assertIsNone(self._poll(slug=slug, token=token))
        token = self.ticket.status_token
        self.ticket.action_regenerate_status_token()
        self.assertIsNone(self._poll(token=token))


@tagged("post_install", "-at_install")
class TestPollHttp(StatusPageHttpCommon):
    def test_one_query_and_a_plain_answer(self):
        self._grant()
        path = f"{self._token_path()}/version"
        self._get(path)  # warm the caches, as a polling tab has them
        with self.assertQueryCount(1):
            response = self._get(path)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, self.ticket._get_status_version())
        self.assertEqual(response.headers["Content-Type"], "text/plain; charset=utf-8")

    def test_every_refusal_reads_the_same(self):
        other = self._create_ticket()
        self._grant()
        refusals = [
            f"{self._token_path(other)}/version",
            f"/status/no-such-page/{self.ticket.status_token}/version",
            f"/status/{self.page.slug}/{'x' * 20}/version",
            f"/status/{self.page.slug}/%27%22%3E/version",
        ]
        answers = set()
        for path in refusals:
            with self.subTest(path=path):
                response = self._get(path)
                self.assertEqual(response.status_code, 404)
                answers.add(
                    (
                        response.content,
                        response.headers["Content-Type"],
                        response.headers["Cache-Control"],
                    )
                )
        self.assertEqual(answers, {(b"", "text/plain; charset=utf-8", "no-store")})

    def test_other_methods_are_refused_plainly(self):
        self._grant()
        path = self.base_url() + f"{self._token_path()}/version"
        for method in ("HEAD", "OPTIONS"):
            with self.subTest(method=method):
                response = self.opener.request(method, path, timeout=30)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response.headers["Allow"], "GET")
                self.assertEqual(response.content, b"")
        for method in ("POST", "PUT", "DELETE"):
            with self.subTest(method=method):
                response = self.opener.request(method, path, timeout=30)
                self.assertEqual(response.status_code, 405)
