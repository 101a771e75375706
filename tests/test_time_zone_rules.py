# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import StatusPageCommon


@tagged("post_install", "-at_install")
class TestTimeZoneRules(StatusPageCommon):
    """One rule for the customer's zone, one for the page's (issue 22)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Warsaw"
        cls.partner.tz = False
        cls.ticket.user_id = False

    def _with_browser(self, tz, ticket=None):
        ticket = self.ticket if ticket is None else ticket
        return ticket.with_context(status_customer_tz=tz)

    def test_page_zone_skips_unknown_zones(self):
        self.ticket.user_id = self.env.user
        self.env.cr.execute(
            "UPDATE res_partner SET tz = 'Mars/Olympus' WHERE id = %s",
            [self.env.user.partner_id.id],
        )
        self.env.user.partner_id.invalidate_recordset(["tz"])
        self.env.user.invalidate_recordset(["tz"])
        self.ticket._compute_status_page_tz()
        self.assertEqual(self.ticket._get_status_page_tz(), "Europe/Warsaw")

    def test_page_zone_without_ticket_is_the_page_company_s(self):
        Ticket = self.env["helpdesk.ticket"]
        self.assertEqual(Ticket._get_status_page_tz(self.page), "Europe/Warsaw")
        self.assertEqual(Ticket._get_status_page_tz(), "UTC")
        self.company.partner_id.tz = False
        self.assertEqual(Ticket._get_status_page_tz(self.page), "UTC")

    def test_customer_zone_contact_then_browser_then_page(self):
        # No phone (its country's zone comes before the browser's:
        # test_customer_time_zone).
        self.ticket.partner_phone = False
        # Neither contact nor browser zone: the page's.
        self.assertEqual(self.ticket._get_status_customer_tz(), "Europe/Warsaw")
        # The browser's zone, when the status page tells it.
        self.assertEqual(
            self._with_browser("America/New_York")._get_status_customer_tz(),
            "America/New_York",
        )
        # An unknown browser zone is skipped.
        self.assertEqual(
            self._with_browser("Mars/Olympus")._get_status_customer_tz(),
            "Europe/Warsaw",
        )
        # The contact's own zone comes first.
        self.partner.tz = "Asia/Riyadh"
        self.assertEqual(
            self._with_browser("America/New_York")._get_status_customer_tz(),
            "Asia/Riyadh",
        )

    def test_customer_zone_without_ticket(self):
        Ticket = self.env["helpdesk.ticket"]
        self.assertEqual(
            self._with_browser("America/New_York", Ticket)._get_status_customer_tz(
                self.page
            ),
            "America/New_York",
        )
        self.assertEqual(Ticket._get_status_customer_tz(self.page), "Europe/Warsaw")
        self.assertEqual(Ticket._get_status_customer_tz(), "UTC")
