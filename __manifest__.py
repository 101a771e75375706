# Copyright 2026 helpdesk_mgmt_status_page contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Helpdesk Ticket Status Page",
    "summary": "Login-free public status page for helpdesk tickets, "
    "with one-time code verification and e-mail/SMS status links",
    "version": "18.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "helpdesk_mgmt_status_page contributors, "
    "Odoo Community Association (OCA)",
    "website": "https://github.com/OCA/helpdesk",
    "maintainers": [],
    "images": [
        "static/description/status_page_phone.png",
        "static/description/status_page_desktop.png",
        "static/description/configuration_form.png",
    ],
    "development_status": "Beta",
    "depends": ["helpdesk_mgmt", "website", "sms", "phone_validation", "rating"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/helpdesk_status_page_security.xml",
        "security/ir.model.access.csv",
        "data/helpdesk_ticket_stage_data.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_actions_server_data.xml",
        "views/helpdesk_status_page_views.xml",
        "views/helpdesk_status_page_field_views.xml",
        "views/helpdesk_ticket_stage_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_status_log_views.xml",
        "views/helpdesk_menus.xml",
        "views/status_page_templates.xml",
        "views/status_page_verification_templates.xml",
        "views/status_page_ticket_templates.xml",
        "views/status_page_live_templates.xml",
        "views/status_page_conversation_templates.xml",
        "views/status_page_csp_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "helpdesk_mgmt_status_page/static/src/js/status_page.esm.js",
            "helpdesk_mgmt_status_page/static/src/js/status_page_live.esm.js",
            "helpdesk_mgmt_status_page/static/src/scss/status_page.scss",
        ],
        "web.assets_tests": [
            "helpdesk_mgmt_status_page/static/tests/tours/status_page_tour.js",
        ],
    },
    "demo": ["demo/helpdesk_status_page_demo.xml"],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
