/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Copy button, resend countdown and local times of the public status page.
// Without JavaScript the number stays selectable, the resend button simply
// works (the server refuses early resends with a message) and times show in
// the page's zone.

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

function pageLang() {
    return document.documentElement.lang || undefined;
}

/**
 * The resend wait as m:ss in the page's digits. The counter is hidden from
 * screen readers (a live region would announce every second); they hear
 * once that a new code may be asked for.
 */
function setupCountdown(button) {
    const form = button.closest("form");
    const label = form.querySelector(".o_status_countdown");
    const value = form.querySelector(".o_status_countdown_value");
    const live = form.querySelector(".o_status_countdown_done");
    const doneText = form.querySelector(".o_status_countdown_done_text");
    const twoDigits = new Intl.NumberFormat(pageLang(), {minimumIntegerDigits: 2});
    const number = new Intl.NumberFormat(pageLang());
    let wait = parseInt(button.dataset.wait || "0", 10);
    if (wait <= 0 || button.disabled) {
        return;
    }
    value.setAttribute("aria-hidden", "true");
    const tick = () => {
        if (wait <= 0) {
            button.disabled = false;
            label.hidden = true;
            live.textContent = doneText.textContent;
            return;
        }
        button.disabled = true;
        label.hidden = false;
        value.textContent = `${number.format(Math.floor(wait / 60))}:${twoDigits.format(
            wait % 60
        )}`;
        wait -= 1;
        setTimeout(tick, 1000);
    };
    tick();
}

/** A time given in UTC, shown in the device's own zone, named. */
function setupTime(element) {
    const date = new Date(element.getAttribute("datetime"));
    if (isNaN(date)) {
        return;
    }
    element.textContent = date.toLocaleString(pageLang(), {
        dateStyle: "medium",
        timeStyle: "short",
    });
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
        element.textContent += ` (${zone})`;
    }
}

function setupStatusPage() {
    document.querySelectorAll(".o_status_page .o_status_copy").forEach(setupCopy);
    document
        .querySelectorAll(".o_status_page .o_status_resend")
        .forEach(setupCountdown);
    document
        .querySelectorAll(".o_status_page time.o_status_time[datetime]")
        .forEach(setupTime);
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupStatusPage);
} else {
    setupStatusPage();
}
