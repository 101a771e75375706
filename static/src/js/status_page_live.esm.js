/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The open ticket view asks every 30 s, while the tab is visible, whether
// the ticket changed, and offers a refresh; it never reloads by itself, so
// nothing the customer is typing is lost. The banner is a sticky region, in
// view wherever the page is scrolled; a polite status announces it once.
// After the refresh, the view lands on the first new item.

const POLL_MS = 30000;

function setupLive(live) {
    const status = document.querySelector(".o_status_page .o_status_live_status");
    let timer = null;
    let done = false;

    async function check() {
        if (done || document.visibilityState !== "visible") {
            return;
        }
        try {
            const response = await fetch(live.dataset.versionUrl, {
                credentials: "same-origin",
                cache: "no-store",
            });
            // 404: signed out or the link changed; the refresh says so.
            const version = response.ok ? (await response.text()).trim() : "";
            if (version !== live.dataset.version && !done) {
                done = true;
                clearInterval(timer);
                live.hidden = false;
                if (status) {
                    status.textContent = live.querySelector(
                        "#o_status_live_title"
                    ).textContent;
                }
            }
        } catch {
            // Offline for a moment (a phone in a tunnel): ask again later.
        }
    }

    timer = setInterval(check, POLL_MS);
    document.addEventListener("visibilitychange", check);
}

/**
 * Landed on the first new item after a refresh: focus it, so that a screen
 * reader starts there too, and drop the refresh's mark from the address (a
 * later reload shows the page as it is).
 */
function landOnNew() {
    const first = document.querySelector(".o_status_page #o_status_new");
    if (!first || window.location.hash !== "#o_status_new") {
        return;
    }
    first.focus({preventScroll: true});
    first.scrollIntoView({block: "start"});
    const url = new URL(window.location.href);
    url.searchParams.delete("seen");
    window.history.replaceState(window.history.state, "", url.href);
}

function setupLivePages() {
    document.querySelectorAll(".o_status_page .o_status_live").forEach(setupLive);
    landOnNew();
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupLivePages);
} else {
    setupLivePages();
}
