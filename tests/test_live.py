# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.tests import tagged

from .test_status_page_http import StatusPageHttpCommon

VERSION_RE = re.compile(r'data-version="([^"]+)"')


@tagged("post_install", "-at_install")
class TestLiveVersion(StatusPageHttpCommon):
    def _version(self, ticket=None):
        response = self._get(f"{self._token_path(ticket)}/version")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        return response.text

    def test_version_refused_without_a_grant(self):
        response = self._get(f"{self._token_path()}/version")
        self.assertEqual(response.status_code, 404)
        other = self._create_ticket()
        self._grant()
        # A grant for one ticket opens nothing of another.
        response = self._get(f"{self._token_path(other)}/version")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(other.stage_id.name, response.text)

    def test_version_follows_stage_and_public_messages_only(self):
        view = self._grant()
        version = self._version()
        self.assertEqual(VERSION_RE.search(view.text).group(1), version)
        self.assertEqual(self._version(), version, "stable while nothing changes")
        self.ticket.message_post(
            body="Internal: customer is difficult",
            subtype_xmlid="mail.mt_note",
            message_type="comment",
        )
        self.assertEqual(self._version(), version, "an internal note is not news")
        self.ticket.message_post(
            body="We ordered the part.",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        after_reply = self._version()
        self.assertNotEqual(after_reply, version)
        self.ticket.stage_id = self.stage_done
        self.assertNotEqual(self._version(), after_reply)

    def test_version_is_cheap_and_records_nothing(self):
        self._grant()
        self.env["helpdesk.status.page.visit"].sudo().search(
            [("ticket_id", "=", self.ticket.id)]
        ).unlink()
        path = f"{self._token_path()}/version"
        self._get(path)  # warm the caches, as a polling tab has them
        before = self.cr.sql_log_count
        self.assertEqual(self._get(path).status_code, 200)
        queries = self.cr.sql_log_count - before
        # SPEC §17: one query (production adds the registry check, not run
        # in tests); no view recorded, nothing written.
        self.assertEqual(queries, 1)
        self.ticket.invalidate_recordset(["status_page_last_view"])
        self.assertFalse(self.ticket.status_page_last_view)

    def test_view_offers_a_refresh_without_reloading(self):
        html = self._grant().text
        self.assertIn('aria-live="polite"', html)
        self.assertIn(f'data-version-url="{self._token_path()}/version"', html)
        self.assertIn('class="o_status_live alert alert-info" role="region"', html)
        # Not on the verification forms: nothing to poll there.
        self.assertNotIn("o_status_live", self._get(f"/status/{self.page.slug}").text)
