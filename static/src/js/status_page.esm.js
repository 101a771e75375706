/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Copy button and resend countdown of the public status page. Without
// JavaScript the number stays selectable and the resend button simply works
// (the server refuses early resends with a message).

function setupCopy(button) {
    if (!navigator.clipboard) {
        return;
    }
    button.classList.remove("d-none");
    button.addEventListener("click", async () => {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.querySelector("i").className = "fa fa-check";
    });
}

function setupCountdown(button) {
    const label = button.parentElement.querySelector(".o_status_countdown");
    let wait = parseInt(button.dataset.wait || "0", 10);
    const tick = () => {
        if (wait <= 0) {
            button.disabled = false;
            label.textContent = "";
            return;
        }
        button.disabled = true;
        label.textContent = `(${wait}s)`;
        wait -= 1;
        setTimeout(tick, 1000);
    };
    tick();
}

function setupStatusPage() {
    document.querySelectorAll(".o_status_page .o_status_copy").forEach(setupCopy);
    document
        .querySelectorAll(".o_status_page .o_status_resend")
        .forEach(setupCountdown);
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupStatusPage);
} else {
    setupStatusPage();
}
