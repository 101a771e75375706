/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The open ticket view asks every 30 s, while the tab is visible, whether
// the ticket changed, and offers a refresh; it never reloads by itself, so
// nothing the customer is typing is lost.

const POLL_MS = 30000;

function setupLive(live) {
    const banner = live.querySelector(".o_status_live_banner");
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
            if (version !== live.dataset.version) {
                banner.classList.remove("d-none");
                done = true;
                clearInterval(timer);
            }
        } catch {
            // Offline for a moment (a phone in a tunnel): ask again later.
        }
    }

    timer = setInterval(check, POLL_MS);
    document.addEventListener("visibilitychange", check);
}

function setupLivePages() {
    document.querySelectorAll(".o_status_page .o_status_live").forEach(setupLive);
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setupLivePages);
} else {
    setupLivePages();
}
