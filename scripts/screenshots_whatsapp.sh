#!/usr/bin/env bash
# Regenerates the README's WhatsApp screenshots (static/description/
# whatsapp_*.png) from a demo with the WhatsApp bridge: start
# `HSP_WHATSAPP=1 bash scripts/demo.sh` in another terminal first. Gives the
# demo page a WhatsApp gateway (placeholder credentials, integrated webhook)
# and a code template; Meta is never called with anything that works.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

setup_screenshots "HSP_WHATSAPP=1 bash scripts/demo.sh"

read -r LINK PHONE TICKET_ID < <(odoo_shell "$DB" SHOT <<PY
if "helpdesk_mgmt_status_page_whatsapp" not in env.registry._init_modules:
    raise SystemExit("the WhatsApp bridge is not installed: HSP_WHATSAPP=1 bash scripts/demo.sh")
ticket = env.ref("$MODULE.helpdesk_ticket_demo_in_progress").sudo()
page = ticket.status_page_id
Gateway = env["mail.gateway"].sudo()
gateway = Gateway.search([("webhook_key", "=", "hsp-screenshots")], limit=1)
if not gateway:
    gateway = Gateway.create({
        "name": "Customer support WhatsApp",
        "gateway_type": "whatsapp",
        "token": "hsp-screenshots-token",
        "whatsapp_from_phone": "15550001111",
        "whatsapp_security_key": "hsp-screenshots-verify",
        "webhook_key": "hsp-screenshots",
        "webhook_secret": "hsp-screenshots-secret",
        "webhook_user_id": env.ref("base.user_admin").id,
    })
gateway.integrated_webhook_state = "integrated"
Template = env["mail.whatsapp.template"].sudo()
template = Template.search(
    [("gateway_id", "=", gateway.id), ("category", "=", "authentication")], limit=1
) or Template.create({
    "name": "Status page code",
    "category": "authentication",
    "language": "en",
    "body": "{{1}} is your verification code. For your security, do not share this code.",
    "gateway_id": gateway.id,
    "state": "approved",
    "is_supported": True,
})
page.write({"whatsapp_gateway_id": gateway.id, "whatsapp_template_code_id": template.id})
env.cr.commit()
print("SHOT:", ticket.status_page_url, ticket.status_contact_phone, ticket.id)
PY
)
"$PLAYWRIGHT_PYTHON" "$REPO_DIR/scripts/screenshots_whatsapp.py" --base-url "$BASE_URL" \
    --link "$LINK" --phone "$PHONE" --ticket-id "$TICKET_ID" \
    --webhook-key hsp-screenshots --secret hsp-screenshots-secret \
    --out "$REPO_DIR/static/description"
log "WhatsApp screenshots written to static/description"
