# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One-tap links in status e-mails (issue 24 §2): a GET shows "Open my
request" and changes nothing; the POST uses the link once and grants."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME, Opener

from .common_browser import LANGS
from .common_server import RealServerCase
from .test_accessibility import TestStatusPageAccessibility
from .test_status_page_http import CSRF_RE, StatusPageHttpCommon

TAP_RE = re.compile(r"/tap/([A-Za-z0-9_-]+)")


class OneTapMailMixin:
    """The status link e-mail of a page with one-tap links, as sent."""

    def _send_link(self, ticket=None):
        """Send the status link e-mail (and SMS); the e-mail's link."""
        ticket = ticket or self.ticket
        with self.mockSMSGateway():
            ticket._send_status_notifications("link")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)],
                order="id desc",
                limit=1,
            )
        )
        return re.search(r'href="([^"]+)"', mail.body_html).group(1)

    def _tap_path(self, ticket=None):
        """The path of a one-tap link just sent for ``ticket``."""
        return urlsplit(self._send_link(ticket)).path


class OneTapCommon(OneTapMailMixin, StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write(
            {
                "verification_method": "code",
                "notify_delay": 0,
                "notify_channel": "both",
                "email_one_tap": True,
            }
        )
        cls.Tap = cls.env["helpdesk.status.page.tap"].sudo()

    def _tap(self, ticket=None):
        """The one-tap links of ``ticket`` (by default the test's)."""
        return self.Tap.search([("ticket_id", "=", (ticket or self.ticket).id)])

    def _press(self, path):
        """Press "Open my request" on the one-tap page ``path``."""
        form = self._get(path)
        token = CSRF_RE.search(form.text).group(1)
        return self.url_open(path, data={"csrf_token": token})

    def _post_tap(self, path):
        """POST the one-tap link with this browser's CSRF token (as a second
        tab would, from a page opened before the link was used)."""
        token = CSRF_RE.search(self._get(self._token_path()).text).group(1)
        return self.url_open(path, data={"csrf_token": token})

    def _granted(self, ticket=None):
        return "o_status_timeline" in self._get(self._token_path(ticket)).text

    def _new_browser(self):
        self.opener = self._new_opener()

    def _new_opener(self):
        opener = Opener(self.cr)
        opener.cookies[TEST_CURSOR_COOKIE_NAME] = self.http_request_key
        return opener


@tagged("post_install", "-at_install")
class TestOneTapLinks(OneTapCommon):
    # The option

    def test_option_default_off_and_hours_bounds(self):
        page = self.env["helpdesk.status.page"].create(
            {"name": "Other", "slug": "other-one-tap"}
        )
        self.assertFalse(page.email_one_tap)
        self.assertEqual(page.email_one_tap_hours, 24)
        for hours in (0, 169):
            with self.assertRaises(ValidationError):
                page.email_one_tap_hours = hours
        page.email_one_tap_hours = 168

    def test_option_off_email_has_plain_link(self):
        self.page.email_one_tap = False
        url = self._send_link()
        self.assertEqual(url, self.ticket.status_page_url)
        self.assertNotIn("/tap/", url)
        self.assertFalse(self._tap())

    def test_option_on_email_link_carries_token_stored_hashed(self):
        url = self._send_link()
        self.assertTrue(url.startswith(f"{self.ticket.status_page_url}/tap/"))
        token = TAP_RE.search(url).group(1)
        tap = self._tap()
        self.assertEqual(len(tap), 1)
        self.assertNotEqual(tap.token_hash, token)
        self.assertNotIn(token, tap.token_hash)
        self.assertEqual(tap.token_hash, self.Tap._hash_token(token))
        self.assertEqual(tap.state, "ready")
        # The ticket's field itself stays the plain link.
        self.ticket.invalidate_recordset(["status_page_url"])
        self.assertNotIn("/tap/", self.ticket.status_page_url)

    def test_status_and_received_emails_carry_token_sms_never(self):
        with self.mockSMSGateway():
            ticket = self._create_ticket(name="New one")
            ticket._send_status_notifications("create")
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)])
        )
        self.assertTrue(mails)
        self.assertTrue(all("/tap/" in mail.body_html for mail in mails))
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "helpdesk.ticket"),
                    ("res_id", "=", ticket.id),
                    ("message_type", "=", "sms"),
                ]
            )
        )
        sms = (
            self.env["sms.sms"].sudo().search([("mail_message_id", "in", messages.ids)])
        )
        self.assertTrue(sms)
        for message in sms:
            self.assertNotIn("/tap/", message.body)
            self.assertIn(ticket.status_page_url, message.body)

    # GET and POST

    def test_get_changes_nothing(self):
        path = self._tap_path()
        page = self._get(path)
        self.assertIn("Open my request", page.text)
        self.assertIn("o_status_one_tap_form", page.text)
        self.assertNotIn("o_status_timeline", page.text)
        self._get(path)
        self.assertFalse(self._granted())
        tap = self._tap()
        self.assertEqual(tap.state, "ready")
        # Still usable after the GETs.
        self.assertIn("o_status_timeline", self._press(path).text)

    def test_post_grants_once(self):
        path = self._tap_path()
        self.assertIn("o_status_timeline", self._press(path).text)
        self.assertEqual(self._tap().state, "used")
        # Another browser (a forwarded e-mail, a scanner) gets nothing.
        self._new_browser()
        response = self._post_tap(path)
        self.assertNotIn("o_status_timeline", response.text)
        self.assertIn("already used", response.text)
        self.assertFalse(self._granted())
        # And its GET says so, with the verification form.
        response = self._get(path)
        self.assertIn("already used", response.text)
        self.assertIn("o_status_form", response.text)

    def test_parallel_posts_both_past_the_check_grant_once(self):
        """Two POSTs that both found the link ready: the database's
        conditional UPDATE lets one of them use it."""
        self._send_link()
        tap = self._tap()
        self.assertIsNone(tap._get_refusal())
        other = self.Tap.browse(tap.id)
        self.assertIsNone(other._get_refusal())
        self.assertTrue(tap._use())
        self.assertFalse(other._use())
        self.assertIn("already used", other._get_refusal())

    def test_expired(self):
        path = self._tap_path()
        with self.mock_datetime_and_now(datetime.now() + timedelta(hours=25)):
            response = self._get(path)
            self.assertIn("has expired", response.text)
            self.assertIn("o_status_form", response.text)
            response = self._post_tap(path)
        self.assertIn("has expired", response.text)
        self.assertFalse(self._granted())

    def test_fewer_hours_shorten_links_sent(self):
        path = self._tap_path()
        self.page.email_one_tap_hours = 1
        with self.mock_datetime_and_now(datetime.now() + timedelta(hours=2)):
            response = self._press(path)
        self.assertIn("has expired", response.text)
        self.assertFalse(self._granted())

    def test_option_turned_off_ends_links(self):
        path = self._tap_path()
        self.page.email_one_tap = False
        self.assertIn("has expired", self._get(path).text)
        self.assertFalse(self._granted())

    def test_superseded_by_newer_email(self):
        older = self._tap_path()
        newer = self._tap_path()
        self.assertNotEqual(older, newer)
        response = self._post_tap(older)
        self.assertIn("A newer e-mail was sent", response.text)
        self.assertFalse(self._granted())
        self.assertIn("o_status_timeline", self._press(newer).text)

    def test_contact_changed(self):
        path = self._tap_path()
        self.ticket.partner_email = "other@example.com"
        response = self._get(path)
        self.assertIn("contact details of this request changed", response.text)
        response = self._post_tap(path)
        self.assertIn("contact details of this request changed", response.text)
        self.assertFalse(self._granted())

    def test_access_version_bumped(self):
        path = self._tap_path()
        self.ticket._revoke_status_access()
        response = self._post_tap(path)
        self.assertIn("contact details of this request changed", response.text)
        self.assertFalse(self._granted())

    def test_link_regenerated_opens_nothing(self):
        path = self._tap_path()
        self.ticket.action_regenerate_status_token()
        response = self.url_open(path, data={"csrf_token": "x"})
        self.assertNotIn("o_status_timeline", response.text)
        response = self._get(path)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._granted())
        self.assertEqual(self._tap().state, "ready")

    def test_tampered_token_opens_nothing(self):
        path = self._tap_path()
        token = path.rsplit("/", 1)[1]
        tampered = (
            path[: -len(token)] + token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        )
        for bad in (tampered, path[: -len(token)] + "short", path + "%00"):
            response = self._get(bad)
            self.assertLess(response.status_code, 500)
            self.assertNotIn("o_status_timeline", response.text)
            response = self._post_tap(bad)
            self.assertLess(response.status_code, 500)
            self.assertNotIn("o_status_timeline", response.text)
        self.assertIn("cannot open your request", self._get(tampered).text)
        # Another ticket's link with this token opens nothing either.
        second = self._create_ticket(name="Other")
        other = f"{self._token_path(second)}/tap/{token}"
        self.assertNotIn("o_status_timeline", self._post_tap(other).text)
        self.assertFalse(self._granted(second))
        self.assertFalse(self._granted())
        # The real one still works.
        self.assertIn("o_status_timeline", self._press(path).text)

    def test_post_without_csrf_opens_nothing(self):
        path = self._tap_path()
        response = self.url_open(path, data={"csrf_token": "forged"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._granted())
        self.assertIn("o_status_timeline", self._press(path).text)

    def test_plain_match_page_allowed(self):
        self.page.verification_method = "match"
        path = self._tap_path()
        self.assertIn("o_status_timeline", self._press(path).text)

    # Limits

    def test_opening_respects_per_ip_limit(self):
        path = self._tap_path()
        self.page.max_requests_per_ip_hour = 1
        # This browser's one request of the hour, taken.
        self.env["helpdesk.status.page.challenge"]._rate_limit_ip(
            self.page, "127.0.0.1"
        )
        response = self._press(path)
        self.assertNotIn("o_status_timeline", response.text)
        self.assertIn("Too many attempts from your network", response.text)
        # The link is not used by a refused opening.
        self.assertEqual(self._tap().state, "ready")

    def test_opening_respects_per_ticket_pause(self):
        path = self._tap_path()
        self.page.max_failures_per_day = 1
        self.env["helpdesk.status.page.challenge"].sudo().create(
            {"kind": "failure", "page_id": self.page.id, "ticket_id": self.ticket.id}
        )
        response = self._press(path)
        self.assertNotIn("o_status_timeline", response.text)
        self.assertIn("verification is paused", response.text)

    def test_purge_deletes_expired_links(self):
        self._send_link()
        tap = self._tap()
        with self.mock_datetime_and_now(datetime.now() + timedelta(hours=25)):
            self.env["helpdesk.status.page.challenge"]._cron_purge()
        self.assertFalse(tap.exists())


@tagged("post_install", "-at_install")
class TestOneTapParallel(RealServerCase):
    """Parallel POSTs of one link, on a real server: one grant."""

    page_values = {"email_one_tap": True, "max_requests_per_ip_hour": 1000}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            page = env["helpdesk.status.page"].browse(cls.ids["page"])
            ticket = env["helpdesk.ticket"].browse(cls.ids["ticket"])
            cls.tap = dict(env["helpdesk.status.page.tap"]._issue(page, ticket))[
                ticket.id
            ]
        cls.url = cls._start_server(workers=2)

    def test_parallel_posts_grant_once(self):
        browsers = [self._browser(self.url, f"198.51.100.{i + 1}") for i in range(4)]
        path = f"/status/{self.slug}/{self.token}/tap/{self.tap}"
        statuses = self._release_together(
            len(browsers),
            lambda index, barrier: self._post_form(
                browsers[index], self.url, path, {}, barrier
            ),
        )
        self.assertNoServerError(statuses)
        opened = [
            "o_status_timeline"
            in browser.get(
                f"{self.url}/status/{self.slug}/{self.token}", timeout=60
            ).text
            for browser in browsers
        ]
        self.assertEqual(opened.count(True), 1, opened)


@tagged("post_install", "-at_install")
class TestOneTapBrowser(OneTapMailMixin, TestStatusPageAccessibility):
    """The one-tap page and its fallback in a browser: axe at 0 violations,
    English and Arabic (phone width too with HSP_SCREENSHOT_DIR)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write(
            {"verification_method": "code", "email_one_tap": True, "notify_delay": 0}
        )

    def test_one_tap_page_then_ticket_then_used(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                path = self._tap_path(ticket)
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, path))
                page.wait_for_selector(".o_status_one_tap")
                self._check(page, f"one-tap-{lang}")
                self._submit(page, ".o_status_one_tap")
                page.wait_for_selector(".o_status_timeline")
                other = self._new_page()
                self._open(other, self._path(lang, path))
                other.wait_for_selector(".alert-danger")
                self._check(other, f"one-tap-used-{lang}")
