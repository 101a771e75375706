#!/usr/bin/env bash
# Runs the demo: a database with helpdesk_mgmt, this module and demo data,
# served on http://localhost:8069. Ctrl+C stops the server; the database stays.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

setup_environment

DB=${HSP_DEMO_DB:-${MODULE}_demo}
PORT=${HSP_DEMO_PORT:-8069}
LOG=$WORK_DIR/install-$DB.log
# Arabic (right to left) and Polish beside English, for the language switcher.
# English comes first: Odoo makes the first language loaded into a new database
# its default (website, users, contacts) and would otherwise leave it inactive.
DEMO_LANGS=en_US,ar_001,pl_PL
# HSP_WHATSAPP=1 adds the WhatsApp bridge (bridges/), with OCA's
# mail_gateway_whatsapp.
MODULES=$MODULE
if [ "${HSP_WHATSAPP:-0}" = 1 ]; then
    MODULES+=,helpdesk_mgmt_status_page_whatsapp
fi
if psql -d postgres -Atc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    log "updating the demo database $DB"
    odoo_cmd -d "$DB" -u "$MODULES" --load-language="$DEMO_LANGS" --stop-after-init \
        --no-http >"$LOG" 2>&1
else
    log "creating the demo database $DB (takes a minute or two)"
    odoo_cmd -d "$DB" -i "$MODULES" --load-language="$DEMO_LANGS" --stop-after-init \
        --no-http >"$LOG" 2>&1
fi || { tail -n 40 "$LOG" >&2; log "install failed, see $LOG"; exit 1; }

# Links point at this server, whatever port it runs on.
odoo_shell "$DB" DEMO <<PY
env["ir.config_parameter"].set_param("web.base.url", "http://localhost:$PORT")
env["ir.config_parameter"].set_param("web.base.url.freeze", True)
website = env.ref("website.default_website")
website.language_ids |= env["res.lang"].search(
    [("code", "in", "$DEMO_LANGS".split(","))]
)
if website.default_lang_id.code != "en_US":
    # A demo database made when Arabic came first: English again by default.
    website.default_lang_id = env.ref("base.lang_en")
    env["ir.default"].set("res.partner", "lang", "en_US")
    users = env["res.users"].search([("login", "in", ["admin", "demo"])])
    (users.partner_id | env.company.partner_id).lang = "en_US"
env.cr.commit()
ticket = env.ref("$MODULE.helpdesk_ticket_demo_in_progress").sudo()
print("DEMO: ")
print("DEMO: Odoo backend:   http://localhost:$PORT/odoo  (login: admin, password: admin)")
print("DEMO: Status pages:   Helpdesk > Configuration > Status Pages")
print(f"DEMO: Demo ticket:    {ticket.number} - {ticket.name}")
print(f"DEMO: Its status link: {ticket.status_page_url}")
print(f"DEMO: Verify with:    {ticket.partner_email} or {ticket.partner_phone}")
print("DEMO: One-time codes: Settings > Technical > Emails / SMS (outgoing queues)")
print("DEMO: ")
PY

log "starting Odoo on http://localhost:$PORT (Ctrl+C to stop)"
exec "$ODOO_PYTHON" -m odoo --addons-path="$ODOO_ADDONS_PATH" -d "$DB" \
    --db-filter="^$DB\$" --http-port="$PORT"
