"""Screenshots of the demo for the README: configuration form, status page.

Run by scripts/screenshots.sh against a running demo server; drives Debian's
Chromium through Playwright.
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def login(page, base_url):
    page.goto(f"{base_url}/web/login")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", "admin")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/odoo.*"))


def shoot_configuration(browser, base_url, out_dir):
    page = browser.new_page(viewport=DESKTOP)
    login(page, base_url)
    page.goto(
        f"{base_url}/odoo/action-helpdesk_mgmt_status_page.helpdesk_status_page_action"
    )
    page.click("td.o_data_cell >> text=support")
    page.wait_for_selector(".o_form_view .o_notebook")
    page.wait_for_timeout(500)
    page.screenshot(path=str(out_dir / "configuration_form.png"), full_page=True)
    page.close()


def shoot_status_page(browser, base_url, link, contact, out_dir, code_reader):
    """Verify as the customer would, then shoot the ticket view."""
    for name, viewport, lang in (
        ("status_page_phone", PHONE, ""),
        ("status_page_desktop", DESKTOP, ""),
        ("status_page_phone_ar", PHONE, "/ar"),
    ):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        url = link.replace(base_url, base_url + lang)
        page.goto(url)
        page.fill("input[name=contact]", contact)
        page.click("form button[type=submit]")
        if page.locator("input[name=code]").count():
            page.fill("input[name=code]", code_reader())
            page.click("form button[type=submit]")
        page.wait_for_selector(".o_status_page_ticket")
        page.screenshot(path=str(out_dir / f"{name}.png"), full_page=True)
        context.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--link", required=True)
    parser.add_argument("--contact", required=True)
    parser.add_argument("--code-file", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        shoot_configuration(browser, args.base_url, out_dir)
        shoot_status_page(
            browser,
            args.base_url,
            args.link,
            args.contact,
            out_dir,
            lambda: Path(args.code_file).read_text().strip(),
        )
        browser.close()


if __name__ == "__main__":
    main()
