/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// An admin sets a status page's WhatsApp up in the backend, clicking what a
// person clicks: the WhatsApp channel, the gateway and the four message
// templates in the Notifications tab, the code template in the Verification
// tab, then save. The test checks what the page holds.
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const ACTIVE_TAB = ".o_notebook .tab-pane.active";

// Pick a record in a many-to-one field of the active tab, as typed and chosen
// in its drop-down.
function pickSteps(field, name) {
    return [
        {
            content: `Search ${name}`,
            trigger: `${ACTIVE_TAB} .o_field_widget[name=${field}] input`,
            run: `edit ${name}`,
        },
        {
            content: "The record itself, not an offer to create one",
            trigger: `.o-autocomplete--dropdown-item:not(.o_m2o_dropdown_option) a:contains(${name})`,
            run: "click",
        },
        {
            trigger: `${ACTIVE_TAB} .o_field_widget[name=${field}] input:value(${name})`,
        },
    ];
}

registry.category("web_tour.tours").add("helpdesk_status_page_whatsapp_admin_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps(
            "helpdesk_mgmt.helpdesk_ticket_main_menu",
            "Open the Helpdesk app"
        ),
        {
            trigger:
                ".o_main_navbar [data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_config_main_menu']",
            run: "click",
        },
        {
            trigger:
                ".dropdown-menu [data-menu-xmlid='helpdesk_mgmt_status_page.helpdesk_status_page_menu']",
            run: "click",
        },
        {
            content: "Open the page",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Test support)",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link[name=notifications]",
            run: "click",
        },
        {
            content: "Status messages by WhatsApp",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=notify_channel] select`,
            run: "selectByLabel WhatsApp",
        },
        {
            content: "The WhatsApp gateway is asked for",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=whatsapp_gateway_id].o_required_modifier`,
        },
        ...pickSteps("whatsapp_gateway_id", "Riyadh desk"),
        // The gateway's templates show once it is chosen.
        ...pickSteps("whatsapp_template_create_id", "Tour received"),
        ...pickSteps("whatsapp_template_id", "Tour status"),
        ...pickSteps("whatsapp_template_link_id", "Tour link"),
        ...pickSteps("whatsapp_template_late_id", "Tour late"),
        {
            trigger: ".o_notebook .nav-link[name=verification]",
            run: "click",
        },
        {
            content: "The gateway chosen shows beside the codes",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=whatsapp_gateway_id] input:value(Riyadh desk WhatsApp)`,
        },
        ...pickSteps("whatsapp_template_code_id", "Tour code"),
        ...stepUtils.saveForm(),
    ],
});
