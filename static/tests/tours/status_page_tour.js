/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A customer opens the status link, proves who they are with a one-time code
// and reads the timeline. The e-mail tour reads the code from the outgoing
// queue, as the admin of the demo would; the test runs it as admin.
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

async function readLastCode(model, field, pattern) {
    const [message] = await rpc(`/web/dataset/call_kw/${model}/search_read`, {
        model,
        method: "search_read",
        args: [[], [field]],
        kwargs: {order: "id desc", limit: 1},
    });
    return message[field].match(pattern)[1];
}

function verifySteps(contact) {
    return [
        {
            content: "Enter the contact, in any usual format",
            trigger: "input[name=contact]",
            run: `edit ${contact}`,
        },
        {
            trigger: "button[type=submit]:contains(See my ticket status)",
            run: "click",
        },
        {
            content: "The resend button counts down before it can be used",
            trigger: ".o_status_resend:disabled",
        },
        {
            trigger: ".o_status_countdown_value:contains(0:)",
        },
        {
            content: "The code step says where the code went",
            trigger: ".o_status_sent_to bdi:contains(•••)",
        },
    ];
}

function codeSteps(model, field, pattern) {
    return [
        {
            content: "Enter the code read from the outgoing queue",
            trigger: "input[name=code]",
            async run(actions) {
                await actions.edit(await readLastCode(model, field, pattern));
            },
        },
        {
            trigger: ".o_status_form button[type=submit]",
            run: "click",
        },
        {
            content: "The customer label is the current status",
            trigger: ".o_status_current:contains(We are on it)",
        },
    ];
}

function timelineSteps() {
    return [
        {
            content: "Completed, current and upcoming steps say so in words",
            trigger: ".o_status_step_done .o_status_step_state:contains(Completed)",
        },
        {
            trigger: ".o_status_step_upcoming .o_status_step_state:contains(Upcoming)",
        },
    ];
}

const MAIL_CODE = ["mail.mail", "body_html", /<strong[^>]*>\s*(\d{4,8})\s*</];

registry.category("web_tour.tours").add("helpdesk_status_page_email_tour", {
    steps: () => [
        ...verifySteps("Customer@Example.com"),
        ...codeSteps(...MAIL_CODE),
        ...timelineSteps(),
        {
            content: "Sign out",
            trigger: "button:contains(Sign out)",
            run: "click",
        },
        {
            content: "Back to the verification form",
            trigger: "input[name=contact]",
        },
    ],
});

// The phone's journey, as a public visitor (no login): the code step survives
// a reload (the tab restored after reading the SMS) and a language switch.
// A visitor cannot read the SMS queue: part 1 ends on the code step, the test
// reads the code and opens part 2 in the same session with the code in the
// URL's fragment (which never reaches the server).
registry.category("web_tour.tours").add("helpdesk_status_page_sms_tour", {
    steps: () => [
        ...verifySteps("050-123 4567"),
        {
            content: "Reload the code step",
            trigger: "input[name=code]",
            run() {
                window.location.reload();
            },
        },
        {
            content: "Still the code step, where the code went",
            trigger: ".o_status_sent_to:contains(4567)",
        },
        {
            content: "Nothing was refused: a reload sends nothing",
            trigger: ".o_status_main:not(:has(.alert-danger))",
        },
        {
            content: "Switch to Arabic on the code step",
            trigger: ".o_status_langs a[lang=ar]",
            run: "click",
        },
        {
            content: "Still the code step, right to left",
            trigger: ".o_status_page[dir=rtl] input[name=code]",
        },
    ],
});

// Mark the document left behind, so that the next step waits for a new one.
function leaveWith(move) {
    return () => {
        document.body.classList.add("o_status_tour_left");
        move();
    };
}

// Part 2: enter the code, go Back and reload the ticket: always the ticket
// (a spent code step sends a granted visitor to the ticket), right to left.
registry.category("web_tour.tours").add("helpdesk_status_page_sms_tour_part2", {
    steps: () => [
        {
            content: "The code step, in Arabic, where the code went",
            trigger: ".o_status_page[dir=rtl] .o_status_sent_to:contains(4567)",
        },
        {
            content: "Enter the code read from the SMS",
            trigger: "input[name=code]",
            async run(actions) {
                await actions.edit(window.location.hash.slice(1));
            },
        },
        {
            trigger: ".o_status_form button[type=submit]",
            run: "click",
        },
        {
            content: "The ticket reads right to left",
            trigger: ".o_status_page[dir=rtl] .o_status_timeline",
            run: leaveWith(() => window.history.back()),
        },
        {
            content: "Back lands on the ticket, not on a spent code step",
            trigger:
                "body:not(.o_status_tour_left) .o_status_page[dir=rtl] .o_status_timeline",
            run: leaveWith(() => window.location.reload()),
        },
        {
            content: "Reloaded: the ticket again, never an error page",
            trigger:
                "body:not(.o_status_tour_left) .o_status_page[dir=rtl] .o_status_timeline",
        },
    ],
});

// Run as a public visitor: no session but the website's, as a customer has.
registry.category("web_tour.tours").add("helpdesk_status_page_public_tour", {
    steps: () => [
        {
            content: "Look the ticket up by its number, typed loosely",
            trigger: "input[name=number]",
            run: "edit ht 90001",
        },
        {
            trigger: "input[name=contact]",
            run: "edit customer@example.com",
        },
        {
            trigger: "button[type=submit]:contains(See my ticket status)",
            run: "click",
        },
        {
            content: "Verified by a plain match: the ticket at once",
            trigger: ".o_status_current:contains(We are on it)",
        },
        {
            content: "Switch to Arabic",
            trigger: ".o_status_langs a[lang=ar]",
            run: "click",
        },
        {
            trigger: ".o_status_page[dir=rtl] .o_status_timeline",
        },
        {
            trigger: ".o_status_header form button[type=submit]",
            run: "click",
        },
        {
            content: "Signed out: the link asks for the contact again",
            trigger: ".o_status_form:not(:has(input[name=number])) input[name=contact]",
        },
    ],
});
