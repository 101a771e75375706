# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Installing on a database with tickets stores their contact keys
(``status_contact_email/phone``) in one pass, one normalization per distinct
contact, not by the ORM's per-ticket compute; the keys are the compute's."""

from unittest.mock import patch

from odoo.tests import tagged

from .common import StatusPageCommon

KEYS = ["status_contact_email", "status_contact_phone"]


@tagged("post_install", "-at_install")
class TestContactKeysInstall(StatusPageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        poland = cls.env.ref("base.pl")
        cls.company.country_id = poland
        no_country = cls.env["res.partner"].create(
            {"name": "No country", "email": "Plain@Example.com", "phone": "601 000 111"}
        )
        cls.tickets = cls.ticket | cls._create_ticket(
            partner_email='"Noura" <Noura.Alharbi@Example.COM>',
            partner_phone="050 123 4567",
        )
        cls.tickets |= cls._create_ticket(partner_id=no_country.id, partner_email=False)
        cls.tickets |= cls._create_ticket(
            partner_id=False, partner_email="not an address", partner_phone="12"
        )
        cls.tickets |= cls._create_ticket(partner_id=False, partner_email=False)
        cls.tickets |= cls._create_ticket(name="Archived", active=False)

    def _keys(self):
        self.tickets.invalidate_recordset(KEYS)
        return self.tickets.read(KEYS)

    def test_fill_stores_what_the_compute_stores(self):
        computed = self._keys()
        self.assertEqual(computed[0]["status_contact_email"], "customer@example.com")
        self.assertEqual(computed[1]["status_contact_phone"], "+966501234567")
        self.assertEqual(computed[2]["status_contact_phone"], "+48601000111")
        self.assertFalse(computed[3]["status_contact_email"])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET status_contact_email = NULL,"
            " status_contact_phone = NULL WHERE id IN %s",
            [tuple(self.tickets.ids)],
        )
        self.env["helpdesk.ticket"]._fill_status_contact_keys()
        self.assertEqual(self._keys(), computed)

    def test_new_columns_filled_without_the_per_ticket_compute(self):
        """The columns made as on install: filled at the end of the tables'
        set-up, the ORM's compute never called."""
        computed = self._keys()
        self.env.flush_all()
        self.env.cr.execute(
            "ALTER TABLE helpdesk_ticket DROP COLUMN status_contact_email,"
            " DROP COLUMN status_contact_phone"
        )
        Ticket = type(self.env["helpdesk.ticket"])
        with patch.object(
            Ticket,
            "_compute_status_contact_keys",
            side_effect=AssertionError("computed ticket by ticket"),
            autospec=True,
        ):
            self.registry.init_models(
                self.env.cr,
                ["helpdesk.ticket"],
                {"module": "helpdesk_mgmt_status_page"},
                install=False,
            )
        self.env.invalidate_all()
        self.assertEqual(self._keys(), computed)
