# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestSmoke(StatusPageCommon):
    def test_log_on_create(self):
        self.assertEqual(len(self.ticket.status_log_ids), 1)
