# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .test_status_page_http import StatusPageHttpCommon

# SPEC §15: the ticket view a customer reloads is the cheapest page of the
# site, whatever the size of the ticket: 12 queries in production, where
# every request also checks the registry's signaling (not run in tests).
VIEW_QUERY_BUDGET = 11


@tagged("post_install", "-at_install")
class TestViewQueries(StatusPageHttpCommon):
    def _grow(self, messages, moves):
        stages = [self.stage_new, self.stage_progress, self.stage_awaiting]
        for index in range(moves):
            self.ticket.stage_id = stages[index % len(stages)]
        for index in range(messages):
            self.ticket.message_post(
                body=f"Reply {index}",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def test_view_queries_constant_and_within_budget(self):
        self.page.allow_attachment_download = True
        self._grant()
        path = self._token_path()
        empty = self._view_queries(path)
        self._grow(messages=45, moves=30)
        grown = self._view_queries(path)
        self.assertEqual(grown, empty)
        self.assertLessEqual(grown, VIEW_QUERY_BUDGET)
