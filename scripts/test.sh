#!/usr/bin/env bash
# Runs the whole test suite on a throwaway database: this module's tests
# (models, controllers, browser tours), helpdesk_mgmt's own tests and those of
# the OCA helpdesk addons it lives beside (test-requirements.txt), with this
# module installed, and the WhatsApp bridge's with OCA's mail_gateway_whatsapp
# and mail_gateway, through pytest-odoo.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

setup_environment
ensure_chromium
ensure_axe_core
export HSP_AXE_PATH=${HSP_AXE_PATH:-$AXE_PATH}

# OCA's quality gates (ruff, pylint-odoo, OCA module and .po checks).
if [ "${HSP_SKIP_LINT:-0}" != 1 ]; then
    log "running pre-commit on the whole tree"
    if ! (cd "$REPO_DIR" && PRE_COMMIT_HOME=$WORK_DIR/pre-commit \
        "$ODOO_PYTHON" -m pre_commit run --all-files --show-diff-on-failure >&2); then
        log "pre-commit failed: fix the findings above (or run it to apply its fixes)"
        exit 1
    fi
fi

DB=${HSP_TEST_DB:-${MODULE}_test}
LOG=$WORK_DIR/install-$DB.log
log "creating the test database $DB (module and demo data)"
dropdb --if-exists "$DB"
# OCA helpdesk addons installed with this module: their suites must stay green.
NEIGHBOURS=(helpdesk_mgmt_rating helpdesk_mgmt_sla helpdesk_motive
    helpdesk_mgmt_portal_follower)
# The WhatsApp bridge (bridges/) with OCA's mail_gateway_whatsapp and
# mail_gateway, and their suites; HSP_WHATSAPP=0 leaves them out.
BRIDGES=()
if [ "${HSP_WHATSAPP:-1}" = 1 ]; then
    NEIGHBOURS+=(mail_gateway mail_gateway_whatsapp)
    BRIDGES+=(helpdesk_mgmt_status_page_whatsapp)
fi
MODULES=$(IFS=,; echo "$MODULE,${NEIGHBOURS[*]}${BRIDGES[*]:+,${BRIDGES[*]}}")
if ! odoo_cmd -d "$DB" -i "$MODULES" --stop-after-init --no-http \
    --log-level=warn >"$LOG" 2>&1 || grep -q -E ' (ERROR|CRITICAL) ' "$LOG"; then
    grep -E -A20 ' (ERROR|CRITICAL) ' "$LOG" >&2 || tail -n 50 "$LOG" >&2
    log "installing $MODULE failed, see $LOG"
    exit 1
fi

# The tests of helpdesk_mgmt and of the neighbours, where pip installed them.
mapfile -t OTHER_TESTS < <("$ODOO_PYTHON" -c '
import importlib, os, sys
for name in sys.argv[1:]:
    module = importlib.import_module(f"odoo.addons.{name}")
    print(os.path.join(module.__path__[0], "tests"))
' helpdesk_mgmt "${NEIGHBOURS[@]}")
# Arguments replace the default test paths (e.g. one file while developing).
if [ $# -gt 0 ]; then
    # pytest-odoo names a test module after its directory: paths in the
    # clone go through the module's (or the bridge's) link in the addons
    # directory.
    targets=()
    for target in "$@"; do
        case $target in
        "$REPO_DIR"/bridges/*) targets+=("$ADDONS_DIR/${target#"$REPO_DIR"/bridges/}") ;;
        *) targets+=("${target/#"$REPO_DIR"\//$ADDONS_DIR/$MODULE/}") ;;
        esac
    done
else
    targets=("$ADDONS_DIR/$MODULE/tests" "${OTHER_TESTS[@]}")
    for bridge in "${BRIDGES[@]}"; do
        targets+=("$ADDONS_DIR/$bridge/tests")
    done
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
