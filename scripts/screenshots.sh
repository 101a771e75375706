#!/usr/bin/env bash
# Regenerates the README screenshots (static/description/*.png) from the demo:
# start `bash scripts/demo.sh` in another terminal first.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

setup_environment
ensure_chromium

DB=${HSP_DEMO_DB:-${MODULE}_demo}
PORT=${HSP_DEMO_PORT:-8069}
BASE_URL=http://localhost:$PORT
if ! curl -fs -o /dev/null "$BASE_URL/web/login"; then
    log "no demo server on $BASE_URL: run 'bash scripts/demo.sh' first"
    exit 1
fi

# Playwright drives Debian's Chromium; it lives in its own environment so
# that Odoo's stays as Odoo needs it.
VENV=$WORK_DIR/playwright-venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet playwright
fi

read -r LINK EMAIL TICKET_ID < <(odoo_cmd shell -d "$DB" --no-http --log-level=warn \
    2>/dev/null <<PY | sed -n 's/^SHOT: //p'
ticket = env.ref("$MODULE.helpdesk_ticket_demo_in_progress").sudo()
print("SHOT:", ticket.status_page_url, ticket.partner_email, ticket.id)
PY
)
"$VENV/bin/python" "$REPO_DIR/scripts/screenshots.py" --base-url "$BASE_URL" \
    --db "$DB" --link "$LINK" --email "$EMAIL" --ticket-id "$TICKET_ID" --out "$REPO_DIR/static/description"
log "screenshots written to static/description"
