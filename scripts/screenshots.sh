#!/usr/bin/env bash
# Regenerates the README screenshots (static/description/*.png) from the demo:
# start `bash scripts/demo.sh` in another terminal first.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

setup_screenshots "bash scripts/demo.sh"

read -r LINK EMAIL TICKET_ID < <(odoo_shell "$DB" SHOT <<PY
ticket = env.ref("$MODULE.helpdesk_ticket_demo_in_progress").sudo()
print("SHOT:", ticket.status_page_url, ticket.partner_email, ticket.id)
PY
)
"$PLAYWRIGHT_PYTHON" "$REPO_DIR/scripts/screenshots.py" --base-url "$BASE_URL" \
    --db "$DB" --link "$LINK" --email "$EMAIL" --ticket-id "$TICKET_ID" --out "$REPO_DIR/static/description"
log "screenshots written to static/description"
