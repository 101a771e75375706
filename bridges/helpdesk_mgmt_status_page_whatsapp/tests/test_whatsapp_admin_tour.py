# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from odoo.addons.helpdesk_mgmt_status_page.tests.common import StatusPageCommon

from .common_whatsapp import WhatsappCommon


@tagged("post_install", "-at_install")
class TestWhatsappAdminTour(WhatsappCommon, HttpCase, StatusPageCommon):
    """An admin sets the page's WhatsApp fields up in its form, as clicked
    (``helpdesk_status_page_whatsapp_admin_tour``); the page holds them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = cls._create_gateway(name="Riyadh desk WhatsApp")
        url_base = "https://help.example.com/"
        cls.templates = {
            kind: cls._create_status_template(
                cls.gateway, url_base, "en", name=f"Tour {name}"
            )
            for kind, name in (
                ("create", "received"),
                ("status", "status"),
                ("link", "link"),
                ("late", "late"),
            )
        }
        cls.code_template = cls._create_code_template(
            cls.gateway, "en", name="Tour code"
        )

    def test_admin_sets_the_whatsapp_fields(self):
        self.assertEqual(self.page.notify_channel, "auto")
        self.start_tour(
            "/odoo", "helpdesk_status_page_whatsapp_admin_tour", login="admin"
        )
        page = self.page
        self.assertEqual(page.notify_channel, "whatsapp")
        self.assertEqual(page.whatsapp_gateway_id, self.gateway)
        for kind, template in self.templates.items():
            self.assertEqual(page._get_status_whatsapp_template(kind), template)
        self.assertEqual(page.whatsapp_template_code_id, self.code_template)
