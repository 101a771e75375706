/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// An admin sets a status page up from scratch in the backend, clicking what a
// person clicks: a new page for a team, its options in every tab, a ticket
// field and a team property chosen through the field picker, save, preview.
// The preview opens in a new browser tab; the tour follows it in its own tab.
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const FIELDS = ".o_field_widget[name=field_ids]";
const ACTIVE_TAB = ".o_notebook .tab-pane.active";

function line(number) {
    return `${FIELDS} .o_data_row:nth-child(${number}).o_selected_row`;
}

function pickFieldSteps(number, search, option) {
    return [
        {
            content: "Add a line to the fields customers see",
            trigger: `${FIELDS} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "Search the ticket field in the picker of the new line",
            trigger: `${line(number)} .o_field_widget[name=field_id] input`,
            run: `edit ${search}`,
        },
        {
            content: "The picker offers the ticket field",
            trigger: `.o-autocomplete--dropdown-item a:contains(${option})`,
            run: "click",
        },
    ];
}

function openTab(name) {
    return {trigger: `.o_notebook .nav-link[name=${name}]`, run: "click"};
}

// The page's options an admin sets in the header and the tabs, as checkboxes,
// a radio, numbers and hours (the Fields tab's switch is set with its lines).
function pageOptionSteps() {
    return [
        {
            content: "Offer the page in the website's menu",
            trigger: ".o_form_view .o_field_widget[name=website_menu] input:not(:checked)",
            run: "click",
        },
        {
            content: "The Verification tab shows first",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=remember_days] input`,
            run: "edit 60",
        },
        {
            trigger: `${ACTIVE_TAB} .o_field_widget[name=email_one_tap] input:not(:checked)`,
            run: "click",
        },
        {
            content: "The one-tap links' hours show once they are on",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=email_one_tap_hours] input`,
            run: "edit 12",
        },
        openTab("content"),
        {
            content: "Times in the customer's zone",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=times_zone] input[data-value=customer]`,
            run: "click",
        },
        openTab("notifications"),
        {
            content: "Switch quiet hours on",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=quiet_hours_enabled] input:not(:checked)`,
            run: "click",
        },
        {
            content: "Its hours show once it is on",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=quiet_start] input`,
            run: "edit 22:30",
        },
        {
            trigger: `${ACTIVE_TAB} .o_field_widget[name=quiet_end] input`,
            run: "edit 06:45",
        },
        openTab("customer_actions"),
        {
            content: "No activity for the agent on a customer's reply",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=reply_activity] input:checked`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("helpdesk_status_page_admin_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps(
            "helpdesk_mgmt.helpdesk_ticket_main_menu",
            "Open the Helpdesk app"
        ),
        {
            trigger: ".o_main_navbar [data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_menu']",
            run: "click",
        },
        {
            content: "Tickets waiting for an answer, one click from the Tickets menu",
            trigger:
                ".dropdown-menu [data-menu-xmlid='helpdesk_mgmt_status_page.helpdesk_customer_replied_menu']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(Customer replied)",
        },
        {
            trigger:
                ".o_main_navbar [data-menu-xmlid='helpdesk_mgmt.helpdesk_ticket_config_main_menu']",
            run: "click",
        },
        {
            content: "Status pages, and no second way to their field lines",
            trigger:
                ".dropdown-menu:not(:has([data-menu-xmlid$=helpdesk_status_page_field_menu])) [data-menu-xmlid='helpdesk_mgmt_status_page.helpdesk_status_page_menu']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(Status Pages)",
        },
        {
            content: "A new status page",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Printer care",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=slug] input",
            run: "edit printer-care",
        },
        {
            content: "Link the team whose tickets the page serves",
            trigger: ".o_field_widget[name=team_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row td:contains(Printer team)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=team_ids] .o_data_row:contains(Printer team)",
        },
        ...pageOptionSteps(),
        {
            content: "The rate limits wait in the Advanced tab, at the end",
            trigger: ".o_notebook .nav-link[name=advanced]",
            run: "click",
        },
        {
            trigger: ".o_notebook .tab-pane.active .o_field_widget[name=max_requests_per_ip_hour] input",
        },
        {
            content: "Open the Fields tab",
            trigger: ".o_notebook .nav-link[name=fields]",
            run: "click",
        },
        {
            content: "Leave no field out: a dash shows where a ticket has no value",
            trigger: `${ACTIVE_TAB} .o_field_widget[name=hide_empty_fields] input:checked`,
            run: "click",
        },
        ...pickFieldSteps(1, "Priority", "Priority"),
        {
            trigger: `${line(1)} .o_field_widget[name=label] input`,
            run: "edit Urgency",
        },
        ...pickFieldSteps(2, "Properties", "Properties"),
        {
            content: "Choose the team's property the line shows",
            trigger: `${line(2)} .o_field_widget[name=property_name] select`,
            run: "selectByLabel Printer model",
        },
        ...stepUtils.saveForm(),
        {
            content: "Both lines are saved",
            trigger: `${FIELDS} .o_data_row:contains(Printer model)`,
        },
        {
            trigger: `${FIELDS} .o_data_row:contains(Urgency)`,
        },
        {
            content: "Preview the page, in this tab",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_preview]",
            async run(actions) {
                browser.open = (url) => browser.location.assign(url);
                await actions.click();
            },
        },
        {
            content: "The preview is marked as such",
            trigger: ".alert:contains(Preview)",
        },
        {
            content: "The ticket field, under the admin's label",
            trigger: ".o_status_fields dt:contains(Urgency) + dd:contains(High)",
        },
        {
            content: "The team's property",
            trigger: ".o_status_fields dt:contains(Printer model) + dd:contains(LaserJet 4000)",
        },
    ],
});
