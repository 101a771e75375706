# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME, Opener

from ..tools.session import DEVICE_COOKIE
from .test_status_page_http import CSRF_RE, StatusPageHttpCommon


class RememberCommon(StatusPageHttpCommon):
    """A customer who verifies by code, with or without "Remember this
    device", and browsers that keep only some of their cookies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.page.write({"verification_method": "code", "remember_days": 30})
        cls.Device = cls.env["helpdesk.status.page.device"].sudo()

    def _csrf(self, path):
        return CSRF_RE.search(self._get(path).text).group(1)

    def _verify_by_code(
        self, ticket=None, contact="customer@example.com", remember=True
    ):
        """Verify ``ticket`` by a code sent to ``contact``; the code POST's
        answer, not followed (its cookies are kept by the browser)."""
        base = self._token_path(ticket)
        self._post(f"{base}/verify", {"contact": contact})
        code = self._last_code("email" if "@" in contact else "sms")
        data = {"csrf_token": self._csrf(f"{base}/code"), "code": code}
        if remember:
            data["remember"] = "1"
        response = self.url_open(f"{base}/code", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        return response

    def _device_cookies(self):
        return [
            cookie for cookie in self.opener.cookies if cookie.name == DEVICE_COOKIE
        ]

    def _restart_browser(self, keep_device=True):
        """The same browser after a restart that lost its session: only
        the remembered device's cookie (when ``keep_device``) is kept."""
        kept = self._device_cookies() if keep_device else []
        self.opener = self._new_opener()
        for cookie in kept:
            self.opener.cookies.set_cookie(cookie)

    def _new_opener(self):
        opener = Opener(self.cr)
        opener.cookies[TEST_CURSOR_COOKIE_NAME] = self.http_request_key
        return opener

    def _post_open(self, ticket, page=None):
        """Open ``ticket`` with no code, from ``page``'s "Your requests"."""
        path = f"/status/{(page or self.page).slug}"
        data = {"csrf_token": self._csrf(path), "ticket": ticket.status_token}
        return self.url_open(f"{path}/open", data=data)

    def _set_cookie_headers(self, response):
        return [
            header
            for header in response.raw.headers.getlist("Set-Cookie")
            if header.startswith(f"{DEVICE_COOKIE}=")
        ]
