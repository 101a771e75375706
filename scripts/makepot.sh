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
# The bridges (bridges/<name>/) keep their own catalogues, in the languages
# of this module's.
BRIDGES=()
for bridge in "$REPO_DIR"/bridges/*/; do
    BRIDGES+=("$(basename "$bridge")")
done
odoo_cmd -d "$DB" -i "$(IFS=,; echo "$MODULE${BRIDGES[*]:+,${BRIDGES[*]}}")" \
    --without-demo=all --stop-after-init --no-http --log-level=warn
odoo_cmd -d "$DB" --i18n-export="$POT" --modules="$MODULE" --stop-after-init \
    --no-http --log-level=warn
for bridge in "${BRIDGES[@]}"; do
    bridge_dir=$REPO_DIR/bridges/$bridge
    mkdir -p "$bridge_dir/i18n"
    odoo_cmd -d "$DB" --i18n-export="$bridge_dir/i18n/$bridge.pot" \
        --modules="$bridge" --stop-after-init --no-http --log-level=warn
    for po in "$REPO_DIR"/i18n/*.po; do
        [ -e "$po" ] || continue
        bridge_po=$bridge_dir/i18n/$(basename "$po")
        if [ -e "$bridge_po" ]; then
            msgmerge --quiet --update --no-fuzzy-matching --backup=none \
                "$bridge_po" "$bridge_dir/i18n/$bridge.pot"
        else
            msginit --no-translator --no-wrap --input="$bridge_dir/i18n/$bridge.pot" \
                --locale="$(basename "$po" .po)" --output-file="$bridge_po"
        fi
    done
done
dropdb --if-exists "$DB"
# Odoo extracts the strings of every file under the module's directory, the
# bridges' too: theirs belong to their own catalogues.
"$ODOO_PYTHON" - "$POT" <<'PYTHON'
import sys

import polib

pot = polib.pofile(sys.argv[1], wrapwidth=78)
for entry in [e for e in pot if e.occurrences]:
    if all("/bridges/" in path for path, _line in entry.occurrences):
        pot.remove(entry)
pot.save()
PYTHON
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
