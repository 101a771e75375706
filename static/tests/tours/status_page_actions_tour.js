/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// A customer moves their ticket forward from a phone, as a public visitor:
// answers the agent's question with a photo, then confirms the solution and
// rates it. The agent's side happens in the test between the two tours, in
// the same browser session.
import {registry} from "@web/core/registry";

// A 1x1 PNG: real bytes, so that the server's content sniffing accepts it.
const PHOTO_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

// Choose a file as the phone's picker would: a tour cannot open the system
// dialog, but the input takes files from a DataTransfer.
function attachPhoto(input, name) {
    const bytes = Uint8Array.from(atob(PHOTO_PNG), (char) => char.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type: "image/png"}));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
}

// Part 1: verify, read the agent's question, reply with a photo.
registry.category("web_tour.tours").add("helpdesk_status_page_reply_tour", {
    steps: () => [
        {
            content: "Prove who you are with the contact on the ticket",
            trigger: "input[name=contact]",
            run: "edit customer@example.com",
        },
        {
            trigger: "button[type=submit]:contains(See my ticket status)",
            run: "click",
        },
        {
            content: "The ticket waits on the customer, and says why",
            trigger: ".o_status_current:contains(Waiting for your reply)",
        },
        {
            content: "The action card gives the stage's instructions",
            trigger: ".o_status_action .o_status_instructions:contains(Please answer)",
        },
        {
            content: "The action card shows the agent's question",
            trigger:
                ".o_status_action .o_status_message_agent .o_status_message_body:contains(Which model is it?)",
        },
        {
            content: "Type the answer",
            trigger: ".o_status_action #o_status_reply_message",
            run: "edit A LaserJet 2100, label attached.",
        },
        {
            content: "Attach a photo of the label",
            trigger: ".o_status_action #o_status_reply_files",
            run() {
                attachPhoto(this.anchor, "label.png");
            },
        },
        {
            content: "Send",
            trigger: ".o_status_action .o_status_reply_form button[type=submit]",
            run: "click",
        },
        {
            content: "Sent: the page says so",
            trigger: ".o_status_notice:contains(Your message was sent)",
        },
        {
            content: "The reply moved the ticket on",
            trigger: ".o_status_current:contains(We are on it)",
        },
        {
            content: "Nothing is asked of the customer any more",
            trigger: ".o_status_main:not(:has(.o_status_action))",
        },
        {
            content: "The reply and its photo are in the conversation, as yours",
            trigger:
                ".o_status_conversation .o_status_message_customer:contains(A LaserJet 2100) .o_status_attachments:contains(label.png)",
        },
    ],
});

// Part 2, after the agent answered and resolved the ticket: read the answer,
// say it is solved and rate 5.
registry.category("web_tour.tours").add("helpdesk_status_page_rate_tour", {
    steps: () => [
        {
            content: "The agent's answer is in the conversation",
            trigger:
                ".o_status_conversation .o_status_message_agent:contains(Replace the fuser)",
        },
        {
            content: "The page asks whether the request is solved",
            trigger: ".o_status_solved h2:contains(Is your request solved?)",
        },
        {
            trigger: ".o_status_solved button[type=submit]:contains(Yes, it is solved)",
            run: "click",
        },
        {
            content: "Confirmed: now the rating form",
            trigger: ".o_status_notice:contains(Thank you for confirming)",
        },
        {
            content: "Choose 5",
            trigger: ".o_status_rate_form label[for=o_status_rating_5]",
            run: "click",
        },
        {
            trigger: ".o_status_rating:has(#o_status_rating_5:checked)",
        },
        {
            trigger: "#o_status_rate_comment",
            run: "edit Fast and kind",
        },
        {
            content: "Send the rating",
            trigger: ".o_status_rate_form button[type=submit]",
            run: "click",
        },
        {
            content: "The thank-you card, no form left",
            trigger: ".o_status_solved h2:contains(Thank you for your feedback)",
        },
        {
            trigger: ".o_status_main:not(:has(.o_status_rate_form))",
        },
    ],
});
