# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""axe-core on the customer views, in a real browser, left to right and
right to left: the verification form (with and without an error), the code
step, the ticket view and the not-found page.

``scripts/test.sh`` installs axe-core with npm and exports its path as
``HSP_AXE_PATH``; Playwright drives the system's Chromium (it never downloads
a browser of its own). ``HSP_SCREENSHOT_DIR``, when set, receives full-page
screenshots of every view at phone and desktop widths, to look at by eye.
"""

import json
import os
import resource
import shutil
from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME

from .test_status_page_http import StatusPageHttpCommon

MODULE = "helpdesk_mgmt_status_page"
AXE_TAGS = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
]
# Answered by the browser context itself, never by Odoo.
AXE_URL = "/helpdesk_mgmt_status_page/__axe__/axe.min.js"
WIDTHS = (390, 1280)
LANGS = ("en", "ar")


def _default_axe_path():
    work_dir = os.environ.get("HSP_WORK_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), MODULE
    )
    return os.path.join(work_dir, "node", "node_modules", "axe-core", "axe.min.js")


def _format_violations(violations):
    """One block per rule: id, impact, help, then each failing element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


@contextmanager
def _unlimited_address_space():
    """Odoo's server caps the process's address space (``limit_memory_hard``),
    which Chromium does not survive: lift it while Playwright starts its
    driver, which launches the browser later, as Odoo's own browser does."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@tagged("post_install", "-at_install")
class TestStatusPageAccessibility(StatusPageHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        arabic = cls.env["res.lang"]._activate_lang("ar_001")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["ar_001"])
        cls.env["website"].get_current_website().language_ids |= arabic
        cls.stage_progress.customer_label = "We are on it"
        cls.page.write(
            {
                "header": "<p>Our team answers within one working day.</p>",
                "contact_url": "https://example.com/contact",
                # Empty: the default "Contact us", shipped translated.
                "contact_label": False,
                "allow_attachment_download": True,
            }
        )
        cls.ticket.stage_id = cls.stage_progress
        cls.env["ir.attachment"].create(
            {
                "name": "invoice.pdf",
                "res_model": "helpdesk.ticket",
                "res_id": cls.ticket.id,
                "raw": b"%PDF-1.4 public",
            }
        )

    def setUp(self):
        super().setUp()
        self.axe_path = os.environ.get("HSP_AXE_PATH") or _default_axe_path()
        if not os.path.isfile(self.axe_path):
            self.fail(
                f"axe-core not found at {self.axe_path}: run scripts/test.sh, which "
                "installs it with npm, or point HSP_AXE_PATH at axe.min.js"
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self.fail("Playwright is missing: pip install -r test-requirements.txt")
        self.chromium = shutil.which("chromium") or "/usr/bin/chromium"
        self.screenshot_dir = os.environ.get("HSP_SCREENSHOT_DIR")
        self.env.flush_all()
        with _unlimited_address_space():
            self.playwright = sync_playwright().start()
        self.addCleanup(self.playwright.stop)
        self.browser = self.playwright.chromium.launch(
            executable_path=self.chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        self.addCleanup(self.browser.close)

    # ------------------------------------------------------------
    # Browser helpers
    # ------------------------------------------------------------

    def _new_page(self):
        """A fresh customer: no session, the test's cursor cookie, and no
        request leaving the test server."""
        context = self.browser.new_context(
            viewport={"width": WIDTHS[-1], "height": 900}, locale="en-US"
        )
        self.addCleanup(context.close)
        context.add_cookies(
            [
                {
                    "name": TEST_CURSOR_COOKIE_NAME,
                    "value": self.http_request_key,
                    "domain": HOST,
                    "path": "/",
                }
            ]
        )
        context.route("**/*", self._route)
        page = context.new_page()
        page.set_default_timeout(30000)
        return page

    def _route(self, route):
        """Serves axe-core from the page's own origin, so that the page's
        Content-Security-Policy stays in force (an inline script would be
        blocked), and keeps every other request on the test server."""
        url = route.request.url
        if url == self.base_url() + AXE_URL:
            route.fulfill(path=self.axe_path, content_type="text/javascript")
        elif url.startswith(self.base_url() + "/"):
            route.continue_()
        else:
            route.abort()

    def _open(self, page, path):
        page.goto(self.base_url() + path, wait_until="load")

    def _submit(self, page, selector):
        with page.expect_navigation(wait_until="load"):
            page.click(selector)

    def _check(self, page, view):
        """Runs axe on the page as it stands and fails on any violation."""
        page.wait_for_load_state("networkidle")
        page.add_script_tag(url=AXE_URL)
        result = page.evaluate(
            """(tags) => axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            }).then((r) => JSON.stringify(r.violations))""",
            AXE_TAGS,
        )
        violations = json.loads(result)
        self._screenshot(page, view)
        with self.subTest(view=view):
            if violations:
                self.fail(
                    f"axe-core found {len(violations)} violation(s) on {view} "
                    f"({page.url}):\n{_format_violations(violations)}"
                )

    def _screenshot(self, page, view):
        if not self.screenshot_dir:
            return
        os.makedirs(self.screenshot_dir, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=os.path.join(self.screenshot_dir, f"{view}-{width}.png"),
                full_page=True,
            )
        page.set_viewport_size({"width": WIDTHS[-1], "height": 900})

    def _path(self, lang, path):
        return path if lang == "en" else f"/{lang}{path}"

    # ------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------

    def test_form_then_code_step(self):
        self.page.verification_method = "code"
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path(ticket)))
                self._check(page, f"form-{lang}")
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector("#o_status_code")
                self._check(page, f"code-{lang}")

    def test_form_then_ticket_view(self):
        self.page.verification_method = "match"
        self.env.flush_all()
        for lang in LANGS:
            with self.subTest(lang=lang):
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path()))
                page.fill("#o_status_contact", "+48 601 000 000")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".alert-danger")
                self._check(page, f"form-error-{lang}")
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".o_status_timeline")
                self._check(page, f"ticket-{lang}")

    def test_not_found_page(self):
        """Unknown page, and an old link of a known page (its look, contact
        link and the look-up by number)."""
        old_link = f"/status/{self.page.slug}/{'x' * 24}"
        for lang in LANGS:
            for view, path in (
                ("not-found", "/status/no-such-page"),
                ("old-link", old_link),
            ):
                with self.subTest(lang=lang, view=view):
                    page = self._new_page()
                    self._open(page, self._path(lang, path))
                    self._check(page, f"{view}-{lang}")

    def test_paused_code_step(self):
        self.page.write({"verification_method": "code", "max_failures_per_day": 1})
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_progress.id)
                # One wrong code already today: verification is paused.
                self.env["helpdesk.status.page.challenge"].sudo().create(
                    {"kind": "failure", "page_id": self.page.id, "ticket_id": ticket.id}
                )
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path(ticket)))
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".o_status_paused")
                self._check(page, f"code-paused-{lang}")

    def test_promise_and_running_late(self):
        """The promise, "what happens now" and the running-late apology."""
        self.page.write(
            {"verification_method": "match", "promise_mode": "days", "promise_days": 14}
        )
        self.stage_progress.customer_description = (
            "Our technician is testing your device; this usually takes two days."
        )
        with self.mock_datetime_and_now(datetime.now() - timedelta(days=20)):
            late = self._create_ticket(stage_id=self.stage_progress.id)
        self.env.flush_all()
        for lang in LANGS:
            for view, ticket in (("promise", self.ticket), ("late", late)):
                with self.subTest(view=view, lang=lang):
                    page = self._new_page()
                    self._open(page, self._path(lang, self._token_path(ticket)))
                    page.fill("#o_status_contact", "customer@example.com")
                    self._submit(page, ".o_status_form button[type=submit]")
                    page.wait_for_selector(".o_status_promise time")
                    self._check(page, f"ticket-{view}-{lang}")

    def test_action_card_and_solved_card(self):
        """The 'action needed' card with its reply form, then the solved
        question and the rating form, in both directions."""
        self.page.verification_method = "match"
        for lang in LANGS:
            with self.subTest(lang=lang):
                ticket = self._create_ticket(stage_id=self.stage_awaiting.id)
                ticket.message_post(
                    body="Which model is it? Send us a photo of its label.",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
                self.env.flush_all()
                page = self._new_page()
                self._open(page, self._path(lang, self._token_path(ticket)))
                page.fill("#o_status_contact", "customer@example.com")
                self._submit(page, ".o_status_form button[type=submit]")
                page.wait_for_selector(".o_status_action")
                self._check(page, f"action-{lang}")
                ticket.stage_id = self.stage_done
                self.env.flush_all()
                self._open(page, self._path(lang, self._token_path(ticket)))
                self._submit(page, ".o_status_solved button[type=submit]")
                page.wait_for_selector(".o_status_rate_form")
                self._check(page, f"rate-{lang}")
