"""The README's WhatsApp screenshots: the code step offering WhatsApp, and
the ticket's chatter after the customer answered on WhatsApp.

Run by scripts/screenshots_whatsapp.sh against a running demo server with
the WhatsApp bridge; the customer's message is a webhook signed with the
demo gateway's secret, as Meta sends it.
"""

import argparse
import hashlib
import hmac
import json
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright
from screenshots import PHONE, login, shoot

WIDE = {"width": 1600, "height": 1000}


def shoot_code_step(browser, args, out_dir):
    """The customer verifies with the phone: the code went by SMS, the
    step offers WhatsApp."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(args.link)
    page.fill("input[name=contact]", args.phone)
    page.click("form.o_status_form button[type=submit]")
    page.wait_for_selector(".o_status_whatsapp")
    shoot(page, out_dir, "whatsapp_code_phone")
    context.close()


def send_whatsapp_message(args, body):
    """The customer's WhatsApp message, as Meta's webhook delivers it."""
    wa_id = args.phone.lstrip("+")
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550001111",
                                "phone_number_id": "15550001111",
                            },
                            "contacts": [
                                {"profile": {"name": "Noura"}, "wa_id": wa_id}
                            ],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": f"wamid.screenshot{time.time_ns()}",
                                    "timestamp": str(int(time.time())),
                                    "type": "text",
                                    "text": {"body": body},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    data = json.dumps(payload).encode()
    signature = hmac.new(args.secret.encode(), data, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{args.base_url}/gateway/whatsapp/{args.webhook_key}/update",
        data=data,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature-256": f"sha256={signature}",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()


def shoot_chatter(browser, args, out_dir):
    """The agent's view of the ticket once the customer answered."""
    send_whatsapp_message(
        args, "The printer still shows *error 42* after the restart. Any news?"
    )
    # Wide enough for the chatter beside the form.
    page = browser.new_page(viewport=WIDE)
    login(page, args.base_url)
    page.goto(f"{args.base_url}/odoo/helpdesk.ticket/{args.ticket_id}")
    page.wait_for_selector(".o-mail-Message")
    page.wait_for_timeout(800)
    # Discuss's pop-ups of the gateway's conversation hide the chatter.
    toasts = page.locator(".o_notification_close")
    while toasts.count():
        toasts.first.click()
        page.wait_for_timeout(300)
    page.wait_for_timeout(500)
    page.screenshot(path=str(out_dir / "whatsapp_reply_chatter.png"))
    page.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--link", required=True)
    parser.add_argument("--phone", required=True)
    parser.add_argument("--ticket-id", required=True, type=int)
    parser.add_argument("--webhook-key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out_dir = Path(args.out)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        shoot_code_step(browser, args, out_dir)
        shoot_chatter(browser, args, out_dir)
        browser.close()


if __name__ == "__main__":
    main()
