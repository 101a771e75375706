"""Screenshots of the demo for the README: configuration form, status page.

Run by scripts/screenshots.sh against a running demo server; drives Debian's
Chromium through Playwright. The customer verifies with a one-time code read
from the outgoing e-mail queue, as the demo's admin would.
"""

import argparse
import re
import struct
import xmlrpc.client
import zlib
from pathlib import Path

from playwright.sync_api import sync_playwright

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CODE_RE = re.compile(r"<strong[^>]*>\s*(\d{4,8})\s*</strong>")


def login(page, base_url):
    page.goto(f"{base_url}/web/login")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", "admin")
    page.click("form.oe_login_form button[type=submit]")
    page.wait_for_url(re.compile(r".*/odoo.*"))


def call_as_admin(base_url, db, model, method, args, kwargs=None):
    """``model.method(*args, **kwargs)`` through XML-RPC, as the demo's admin."""
    uid = xmlrpc.client.ServerProxy(f"{base_url}/xmlrpc/2/common").authenticate(
        db, "admin", "admin", {}
    )
    models = xmlrpc.client.ServerProxy(f"{base_url}/xmlrpc/2/object")
    return models.execute_kw(db, uid, "admin", model, method, args, kwargs or {})


def read_last_code(base_url, db, email):
    """The code of the latest e-mail queued to ``email``."""
    [mail] = call_as_admin(
        base_url,
        db,
        "mail.mail",
        "search_read",
        [[("email_to", "=", email)], ["body_html"]],
        {"order": "id desc", "limit": 1},
    )
    return CODE_RE.search(mail["body_html"]).group(1)


def write_photo(path, width=480, height=320):
    """A small PNG (a sky-to-sand gradient): the customer's "photo"."""
    rows = b"".join(
        b"\x00"
        + bytes(
            channel
            for x in range(width)
            for channel in (
                90 + 120 * y // height,
                150 + 60 * x // width,
                230 - 100 * y // height,
            )
        )
        for y in range(height)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


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


def shoot(page, out_dir, name):
    page.wait_for_timeout(300)  # web fonts and icons
    page.screenshot(path=str(out_dir / f"{name}.png"), full_page=True)


def shoot_status_page(browser, args, out_dir):
    """Verify on a phone as the customer would, then shoot the ticket view on
    the phone, on a desktop (same session), and in Arabic."""
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(args.link)
    shoot(page, out_dir, "status_page_form_phone")
    page.fill("input[name=contact]", args.email)
    page.click("form.o_status_form button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", read_last_code(args.base_url, args.db, args.email))
    shoot(page, out_dir, "status_page_code_phone")
    page.click("form.o_status_form button[type=submit]")
    page.wait_for_selector(".o_status_timeline")
    shoot(page, out_dir, "status_page_phone")

    desktop = browser.new_context(viewport=DESKTOP, storage_state=phone.storage_state())
    desktop_page = desktop.new_page()
    desktop_page.goto(args.link)
    desktop_page.wait_for_selector(".o_status_timeline")
    shoot(desktop_page, out_dir, "status_page_desktop")
    desktop.close()

    shoot_conversation(page, args, out_dir)

    page.click(".o_status_langs a[lang=ar]")
    page.wait_for_selector(".o_status_page[dir=rtl] .o_status_timeline")
    shoot(page, out_dir, "status_page_phone_ar")
    page.locator(".o_status_thumbnail").first.scroll_into_view_if_needed()
    page.screenshot(path=str(out_dir / "status_page_conversation_phone_ar.png"))
    page.click(".o_status_langs a[lang=pl]")
    page.wait_for_selector(".o_status_page[dir=ltr] .o_status_thumbnail")
    page.locator(".o_status_thumbnail").first.scroll_into_view_if_needed()
    page.screenshot(path=str(out_dir / "status_page_conversation_phone_pl.png"))
    phone.close()


def shoot_conversation(page, args, out_dir):
    """The customer replies with a photo; an agent answers while the page is
    open: the conversation with its thumbnail, then the live banner seen
    from the bottom of the page."""
    photo = out_dir.parent / "photo.png"
    write_photo(photo)
    page.fill("textarea[name=message]", "Here is a photo of the invoice.")
    page.set_input_files("input[name=files]", str(photo))
    page.click("form.o_status_reply_form button[type=submit]")
    photo.unlink()
    page.wait_for_selector(".o_status_thumbnail")
    page.locator(".o_status_thumbnail").first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(out_dir / "status_page_conversation_phone.png"))
    call_as_admin(
        args.base_url,
        args.db,
        "helpdesk.ticket",
        "message_post",
        [[args.ticket_id]],
        {
            "body": "Thank you, the corrected invoice is on its way.",
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
        },
    )
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_selector(".o_status_live:not([hidden])")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out_dir / "status_page_banner_phone.png"))
    page.click(".o_status_live_refresh")
    page.wait_for_selector(".o_status_new_badge")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--link", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--ticket-id", required=True, type=int)
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
        shoot_status_page(browser, args, out_dir)
        browser.close()


if __name__ == "__main__":
    main()
