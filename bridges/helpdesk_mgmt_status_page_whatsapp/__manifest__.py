# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Helpdesk Ticket Status Page - WhatsApp",
    "summary": "Status messages of the helpdesk status page over WhatsApp, "
    "through mail_gateway_whatsapp",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "helpdesk_mgmt_status_page contributors, "
    "Odoo Community Association (OCA)",
    "website": "https://github.com/OCA/helpdesk",
    "maintainers": [],
    "development_status": "Alpha",
    "depends": ["helpdesk_mgmt_status_page", "mail_gateway_whatsapp"],
    "data": [
        "views/helpdesk_status_page_views.xml",
        "views/status_page_code_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "helpdesk_mgmt_status_page_whatsapp/static/tests/tours/whatsapp_admin_tour.js",
        ],
    },
    "demo": ["demo/mail_whatsapp_template_demo.xml"],
    "auto_install": True,
    "installable": True,
}
