# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer views in a real browser: Playwright drives the system's
Chromium (it never downloads a browser of its own), axe-core checks each view
passed, in English and Arabic (right to left), at desktop or phone width.

``scripts/test.sh`` installs axe-core with npm and exports its path as
``HSP_AXE_PATH``. ``HSP_SCREENSHOT_DIR``, when set, receives full-page
screenshots of every view checked at phone and desktop widths, to look at by
eye.
"""

import json
import os
import resource
import shutil
from contextlib import contextmanager

from odoo.tests.common import HOST, TEST_CURSOR_COOKIE_NAME

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
DESKTOP = {"width": WIDTHS[-1], "height": 900}
PHONE = {"width": WIDTHS[0], "height": 844}


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


class StatusPageBrowserMixin:
    """Mixed in before ``StatusPageHttpCommon``: the website speaks Arabic
    too (the module's shipped terms loaded), and each test has a Chromium of
    its own, whose pages each open as a new customer (``_new_page``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        arabic = cls.env["res.lang"]._activate_lang("ar_001")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["ar_001"])
        cls.env["website"].get_current_website().language_ids |= arabic

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

    def _new_page(self, viewport=None, mobile=False, cookies=None):
        """A fresh customer in a browser context of its own (``page.context``):
        no session, the test's cursor cookie (or ``cookies`` kept from an
        earlier context), and no request leaving the test server.

        :param dict viewport: the window's size, e.g. ``PHONE``; by default
            ``DESKTOP``
        :param bool mobile: a phone's browser (mobile viewport, touch)
        """
        context = self.browser.new_context(
            viewport=viewport or DESKTOP,
            is_mobile=mobile,
            has_touch=mobile,
            locale="en-US",
        )
        self.addCleanup(context.close)
        context.add_cookies(
            cookies
            or [
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
        """With ``HSP_SCREENSHOT_DIR``: the page at phone and desktop widths,
        then at its own size again."""
        if not self.screenshot_dir:
            return
        os.makedirs(self.screenshot_dir, exist_ok=True)
        viewport = page.viewport_size
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(
                path=os.path.join(self.screenshot_dir, f"{view}-{width}.png"),
                full_page=True,
            )
        page.set_viewport_size(viewport)

    def _path(self, lang, path):
        return path if lang == "en" else f"/{lang}{path}"
