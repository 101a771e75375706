#!/usr/bin/env bash
# Regenerates i18n/helpdesk_mgmt_status_page.pot from the code and merges it
# into the existing translations (i18n/*.po).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

setup_environment
command -v msgmerge >/dev/null 2>&1 || apt_install gettext

DB=${MODULE}_makepot
POT=$REPO_DIR/i18n/$MODULE.pot
dropdb --if-exists "$DB"
odoo_cmd -d "$DB" -i "$MODULE" --without-demo=all --stop-after-init --no-http \
    --log-level=warn
odoo_cmd -d "$DB" --i18n-export="$POT" --modules="$MODULE" --stop-after-init \
    --no-http --log-level=warn
dropdb --if-exists "$DB"
# Values this module's data sets on helpdesk_mgmt's records (default stages'
# customer labels), which Odoo's export of this module leaves out.
foreign=$(mktemp --suffix=.pot)
"$ODOO_PYTHON" "$REPO_DIR/scripts/pot_foreign_records.py" "$REPO_DIR" >"$foreign"
msgcat --output-file="$POT" "$POT" "$foreign"
rm -f "$foreign"
for po in "$REPO_DIR"/i18n/*.po; do
    [ -e "$po" ] || continue
    msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" "$POT"
done
log "wrote $POT"
