# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Remember this device (SPEC §16, issue 24 §1): a code once, then the
contact's tickets open on this browser with no code, until the contact,
the link, the page's settings or its number of days change, or the
customer forgets the device or signs out on all devices."""

from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.http import HTTPRequest
from odoo.tests import tagged
from odoo.tools.misc import hmac

from ..models import helpdesk_status_page_token_mixin as token_module
from ..models.helpdesk_status_page_challenge import OPENS_PER_HOUR
from ..tools.session import DEVICE_COOKIE
from .common_remember import RememberCommon
from .common_server import RealServerCase
from .test_status_page_http import CSRF_RE

OPEN_BUTTON = "o_status_open"


@tagged("post_install", "-at_install")
class TestRememberDevice(RememberCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second = cls._create_ticket(name="Scanner jammed")

    def _remembered(self):
        """Verify the first ticket by code with Remember ticked, then
        restart the browser: only the device cookie is left."""
        self._verify_by_code()
        device = self.Device.search([("ticket_id", "=", self.ticket.id)], limit=1)
        self.assertTrue(device)
        self._restart_browser()
        return device

    def _opens_second(self):
        """Whether this browser opens the second ticket with no code."""
        form = self._get(self._token_path(self.second)).text
        offered = OPEN_BUTTON in form
        opened = "o_status_timeline" in self._post_open(self.second).text
        self.assertEqual(offered, opened)
        return opened

    # Settings

    def test_remember_days_default_bounds_and_off(self):
        page = self.env["helpdesk.status.page"].create({"name": "X", "slug": "x-days"})
        self.assertEqual(page.remember_days, 30)
        for value in (-1, 181):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                page.remember_days = value
        page.remember_days = 180
        page.remember_days = 0
        self.assertFalse(self.Device._may_remember(page))

    def test_checkbox_on_code_step_ticked_and_named(self):
        self._post(f"{self._token_path()}/verify", {"contact": "customer@example.com"})
        html = self._get(f"{self._token_path()}/code").text
        self.assertIn('id="o_status_remember"', html)
        self.assertIn('checked="checked"', html)
        self.assertIn("Remember this device for 30 days", html)
        self.page.remember_days = 0
        html = self._get(f"{self._token_path()}/code").text
        self.assertNotIn("o_status_remember", html)

    # Cookie

    def test_cookie_flags(self):
        response = self._verify_by_code()
        headers = self._set_cookie_headers(response)
        paths = [h.split("Path=")[1].split(";")[0] for h in headers]
        self.assertIn(f"/status/{self.page.slug}", paths)
        self.assertTrue(
            all(path.endswith(f"/status/{self.page.slug}") for path in paths)
        )
        for header in headers:
            self.assertIn("HttpOnly", header)
            self.assertIn("SameSite=Lax", header)
            self.assertIn(f"Max-Age={30 * 24 * 3600}", header)
            self.assertNotIn("Secure", header)  # plain http in tests
        # Over https, the cookie is Secure.
        self._restart_browser(keep_device=False)
        with patch.object(HTTPRequest, "scheme", property(lambda self: "https")):
            response = self._verify_by_code(self.second)
        headers = self._set_cookie_headers(response)
        self.assertTrue(headers)
        self.assertTrue(all("Secure" in header for header in headers))

    def test_no_device_unless_ticked_nor_on_plain_match_pages(self):
        response = self._verify_by_code(remember=False)
        self.assertFalse(self._set_cookie_headers(response))
        self.assertFalse(self.Device.search([]))
        self.page.verification_method = "match"
        self._restart_browser(keep_device=False)
        response = self._grant()
        self.assertFalse(self.Device.search([]))
        self.assertNotIn("o_status_requests", response.text)
        self.assertFalse(self.Device._remember(self.page, self.ticket, "email"))

    # Token

    def test_token_stored_hashed_and_compared_in_constant_time(self):
        device = self._remembered()
        token = self._device_cookies()[0].value
        self.assertNotEqual(device.token_hash, token)
        self.assertEqual(
            device.token_hash,
            hmac(self.env(su=True), "helpdesk_mgmt_status_page.device", token),
        )
        columns = device.read()[0]
        self.assertNotIn(token, [str(value) for value in columns.values()])
        self.assertNotIn("customer@example.com", [str(v) for v in columns.values()])
        with patch.object(
            token_module, "consteq", wraps=token_module.consteq
        ) as consteq:
            self.assertEqual(self.Device._find(self.page, token), device)
        self.assertTrue(
            any(
                call.args == (device.token_hash, device.token_hash)
                for call in consteq.call_args_list
            )
        )

    def test_stolen_digest_opens_nothing(self):
        device = self._remembered()
        self._restart_browser(keep_device=False)
        self.opener.cookies.set(
            DEVICE_COOKIE, device.token_hash, path=f"/status/{self.page.slug}"
        )
        self.assertFalse(self.Device._find(self.page, device.token_hash))
        self.assertFalse(self._opens_second())
        self.assertNotIn("o_status_timeline", self._get(self._token_path()).text)

    def test_remembered_device_opens_contact_tickets_with_no_code(self):
        self._remembered()
        mails = self.env["mail.mail"].sudo().search_count([])
        # A GET offers it and grants nothing.
        form = self._get(self._token_path(self.second)).text
        self.assertIn(OPEN_BUTTON, form)
        self.assertNotIn("o_status_timeline", form)
        self.assertTrue(self._opens_second())
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
        # Another page's path does not receive the cookie; another contact's
        # ticket is not offered.
        other = self._create_ticket(partner_id=False, partner_email="x@example.com")
        self.assertNotIn(OPEN_BUTTON, self._get(self._token_path(other)).text)
        self.assertNotIn("o_status_timeline", self._post_open(other).text)

    # Revocations

    def test_contact_change_on_ticket_ends_device(self):
        self._remembered()
        self.ticket.partner_email = "new@example.com"
        self.assertFalse(self._opens_second())

    def test_contact_change_on_partner_ends_device(self):
        self.ticket.partner_email = False  # verified against the partner's
        self._remembered()
        self.partner.email = "moved@example.com"
        self.assertFalse(self._opens_second())

    def test_regenerated_link_ends_device(self):
        self._remembered()
        self.ticket.action_regenerate_status_token()
        self.assertFalse(self._opens_second())

    def test_verification_settings_change_ends_device(self):
        self.page.resend_delay = 0
        for values in (
            {"verification_field": "email"},
            {"verification_method": "match"},
        ):
            with self.subTest(values=values):
                self.page.write(
                    {
                        "verification_field": "email_or_phone",
                        "verification_method": "code",
                    }
                )
                self._restart_browser(keep_device=False)
                self._remembered()
                self.assertTrue(self._opens_second())
                self._restart_browser()
                self.page.write(values)
                self.page.write({"verification_method": "code"})
                self.assertFalse(self._opens_second())

    def test_lower_days_end_older_devices_and_expiry_is_fixed(self):
        with self.mock_datetime_and_now(datetime.now() - timedelta(days=10)):
            self._verify_by_code()
        self._restart_browser()
        self.assertTrue(self._opens_second())
        self._restart_browser()
        self.page.remember_days = 9
        self.assertFalse(self._opens_second())
        # Raised again at once: the older device stays ended.
        self.page.remember_days = 30
        self._restart_browser()
        self.assertFalse(self._opens_second())
        # Raising it again does not extend the fixed expiry.
        self.page.remember_days = 180
        with self.mock_datetime_and_now(datetime.now() + timedelta(days=21)):
            self._restart_browser()
            self.assertFalse(self._opens_second())
        self.page.remember_days = 0
        self._restart_browser()
        self.assertFalse(self._opens_second())

    def test_forget_this_device(self):
        self._remembered()
        self.assertTrue(self._opens_second())
        html = self._get(self._token_path(self.second)).text
        self.assertIn("Forget this device", html)
        path = f"{self._token_path(self.second)}/forget"
        response = self.url_open(
            path,
            data={"csrf_token": self._csrf(self._token_path(self.second))},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        deleted = self._set_cookie_headers(response)
        self.assertTrue(deleted)
        self.assertTrue(all("Max-Age=0" in header for header in deleted))
        self.assertFalse(self.Device.search([]))
        self.assertFalse(self._device_cookies())
        self.assertNotIn(
            "o_status_timeline", self._get(self._token_path(self.second)).text
        )
        self.assertFalse(self._opens_second())

    def test_forget_needs_a_post_with_csrf(self):
        self._remembered()
        self._get(f"{self._token_path()}/forget")
        response = self.url_open(
            f"{self._token_path()}/forget", data={"csrf_token": "stale"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(self.Device.search([]))

    def test_sign_out_on_all_devices(self):
        # A first browser, remembered; a second one verified by code for the
        # second ticket, not remembered.
        device = self._remembered()
        laptop = self.opener
        self.opener = self._new_opener()
        self._verify_by_code(self.second, remember=False)
        self.assertIn(
            "o_status_timeline", self._get(self._token_path(self.second)).text
        )
        phone = self.opener
        self.opener = laptop
        self.assertTrue(self._opens_second())
        html = self._get(self._token_path(self.second)).text
        self.assertIn("Sign out on all devices", html)
        self.url_open(
            f"{self._token_path(self.second)}/signout-all",
            data={"csrf_token": self._csrf(self._token_path(self.second))},
        )
        self.assertFalse(device.exists())
        self.assertFalse(self._opens_second())
        self.opener = phone
        self.assertNotIn(
            "o_status_timeline", self._get(self._token_path(self.second)).text
        )
        self.assertNotIn("o_status_timeline", self._get(self._token_path()).text)
        self.assertFalse(self._opens_second())

    def test_sign_out_also_forgets_the_device(self):
        self._remembered()
        self.assertTrue(self._opens_second())
        response = self.url_open(
            f"{self._token_path(self.second)}/signout",
            data={"csrf_token": self._csrf(self._token_path(self.second))},
            allow_redirects=False,
        )
        self.assertTrue(self._set_cookie_headers(response))
        self.assertFalse(self.Device.search([]))
        self.assertFalse(self._opens_second())

    def test_purge_deletes_expired_devices(self):
        device = self._remembered()
        with self.mock_datetime_and_now(datetime.now() + timedelta(days=31)):
            self.env["helpdesk.status.page.challenge"]._cron_purge()
        self.assertFalse(device.exists())

    # Limits

    def test_opening_respects_per_ip_limit(self):
        self._remembered()
        Challenge = self.env["helpdesk.status.page.challenge"].sudo()
        used = Challenge.search_count([("kind", "=", "request")])
        self.page.max_requests_per_ip_hour = used + 1
        third = self._create_ticket(name="Third")
        self.assertTrue(self._opens_second())
        response = self._post_open(third)
        self.assertNotIn("o_status_timeline", response.text)
        self.assertIn("Too many attempts from your network", response.text)

    def test_opening_respects_per_ticket_pause_and_cap(self):
        self._remembered()
        Challenge = self.env["helpdesk.status.page.challenge"].sudo()
        self.page.max_failures_per_day = 1
        Challenge.create(
            {"kind": "failure", "page_id": self.page.id, "ticket_id": self.second.id}
        )
        response = self._post_open(self.second)
        self.assertNotIn("o_status_timeline", response.text)
        self.assertIn("verification is paused", response.text)
        # The opens of one ticket per hour are capped too.
        third = self._create_ticket(name="Third")
        Challenge.create(
            [
                {"kind": "open", "page_id": self.page.id, "ticket_id": third.id}
                for _index in range(OPENS_PER_HOUR)
            ]
        )
        response = self._post_open(third)
        self.assertNotIn("o_status_timeline", response.text)
        self.assertIn("opened many times", response.text)


@tagged("post_install", "-at_install")
class TestRememberTwoServers(RealServerCase):
    """A device remembered on one server opens the contact's tickets on
    another, and "Sign out on all devices" on one ends it, and every grant,
    on both."""

    page_values = {"verification_method": "code", "resend_delay": 0}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            second = env["helpdesk.ticket"].create(
                {
                    "name": "Race 2",
                    "description": "race",
                    "team_id": cls.ids["team"],
                    "partner_id": cls.ids["partner"],
                }
            )
            cls.second_id, cls.second_token = second.id, second.status_token
        cls.addClassCleanup(cls._delete_second)
        cls.urls = [cls._start_server(workers=2), cls._start_server(workers=2)]

    @classmethod
    def _delete_second(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["helpdesk.ticket"].browse(cls.second_id).unlink()

    def _remember_on(self, url):
        browser = self._browser(url)
        self._post_form(
            browser,
            url,
            f"/status/{self.slug}/{self.token}/verify",
            {"contact": self.email},
        )
        self._post_form(
            browser,
            url,
            f"/status/{self.slug}/{self.token}/code",
            {"code": self._last_code(), "remember": "1"},
        )
        self.assertIn(DEVICE_COOKIE, browser.cookies)
        return browser

    def _open_second(self, browser, url):
        form = browser.get(f"{url}/status/{self.slug}", timeout=60)
        browser.post(
            f"{url}/status/{self.slug}/open",
            data={
                "csrf_token": CSRF_RE.search(form.text).group(1),
                "ticket": self.second_token,
            },
            timeout=60,
        )
        view = browser.get(f"{url}/status/{self.slug}/{self.second_token}", timeout=60)
        self.assertLess(view.status_code, 500)
        return "o_status_timeline" in view.text

    def _device_only(self, browser, url):
        """The same browser after a restart, behind server ``url``."""
        restarted = self._browser(url)
        token = next(c.value for c in browser.cookies if c.name == DEVICE_COOKIE)
        restarted.cookies.set(DEVICE_COOKIE, token, path=f"/status/{self.slug}")
        return restarted

    def test_device_and_sign_out_everywhere_across_servers(self):
        self._set_page(max_requests_per_ip_hour=1000)
        server_a, server_b = self.urls
        laptop = self._remember_on(server_a)
        self.assertTrue(
            self._open_second(self._device_only(laptop, server_b), server_b)
        )
        phone = self._browser(server_a)
        phone.cookies.update(laptop.cookies)
        self.assertTrue(self._open_second(phone, server_a))
        # Signed out everywhere from server B: nothing opens on A any more.
        on_b = self._device_only(laptop, server_b)
        form = on_b.get(f"{server_b}/status/{self.slug}", timeout=60)
        on_b.post(
            f"{server_b}/status/{self.slug}/signout-all",
            data={"csrf_token": CSRF_RE.search(form.text).group(1)},
            timeout=60,
        )
        self.assertEqual(
            self._count(
                "helpdesk.status.page.device", [("page_id", "=", self.ids["page"])]
            ),
            0,
        )
        view = phone.get(
            f"{server_a}/status/{self.slug}/{self.second_token}", timeout=60
        )
        self.assertNotIn("o_status_timeline", view.text)
        self.assertFalse(
            self._open_second(self._device_only(laptop, server_a), server_a)
        )
        # A new link ends a device made on the other server.
        laptop = self._remember_on(server_b)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["helpdesk.ticket"].browse(
                self.ids["ticket"]
            ).action_regenerate_status_token()
        self.assertFalse(
            self._open_second(self._device_only(laptop, server_a), server_a)
        )
