#!/usr/bin/env bash
# Runs the whole test suite on a throwaway database: this module's tests
# (models, controllers, browser tours) and helpdesk_mgmt's own tests, with this
# module installed, through pytest-odoo.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

setup_environment
ensure_chromium

DB=${HSP_TEST_DB:-${MODULE}_test}
LOG=$WORK_DIR/install-$DB.log
log "creating the test database $DB (module and demo data)"
dropdb --if-exists "$DB"
if ! odoo_cmd -d "$DB" -i "$MODULE" --stop-after-init --no-http \
    --log-level=warn >"$LOG" 2>&1 || grep -q -E ' (ERROR|CRITICAL) ' "$LOG"; then
    grep -E -A20 ' (ERROR|CRITICAL) ' "$LOG" >&2 || tail -n 50 "$LOG" >&2
    log "installing $MODULE failed, see $LOG"
    exit 1
fi

HELPDESK_TESTS=$("$ODOO_PYTHON" -c \
    'import odoo.addons.helpdesk_mgmt as m, os; print(os.path.join(m.__path__[0], "tests"))')
# Arguments replace the default test paths (e.g. one file while developing).
if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=("$ADDONS_DIR/$MODULE/tests" "$HELPDESK_TESTS")
fi
cd "$WORK_DIR"
status=0
PYTHONPATH="$REPO_DIR/scripts${PYTHONPATH:+:$PYTHONPATH}" \
"$ODOO_PYTHON" -m pytest -p no:cacheprovider -p pytest_odoo_loader -q \
    --odoo-database="$DB" --odoo-addons-path="$ODOO_ADDONS_PATH" --odoo-http \
    --odoo-log-level="${HSP_ODOO_LOG_LEVEL:-warn}" \
    "${targets[@]}" || status=$?
dropdb --if-exists "$DB" || true
exit "$status"
