#!/usr/bin/env bash
# SPEC §17: the same figures at 1,000 and at 1,000,000 tickets (10 history
# rows and 5 messages each), built in SQL by bench/million_build.py, with
# Odoo's /web/login and helpdesk_mgmt's /my/ticket measured in the same run.
# Not part of the tests nor of CI (a run with a million tickets takes about
# a quarter of an hour on 2 cores, and 5 GB). Port 8089; databases hsp_million_*
# (hsp_million: the module installed, the template of the others;
# HSP_MILLION_DB names another).
#
#   bash bench/million.sh                    # 1,000 then 1,000,000 tickets
#   HSP_MILLION_SIZES=1000 bash bench/million.sh
#   HSP_MILLION_REBUILD=1 ...                # build the databases again
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"

setup_bench

TEMPLATE=${HSP_MILLION_DB:-hsp_million}
PORT=${HSP_MILLION_PORT:-8089}
SIZES=${HSP_MILLION_SIZES:-1000 1000000}
REPEAT=${HSP_MILLION_REPEAT:-20}
WRK_SECONDS=${HSP_MILLION_WRK_SECONDS:-20}
PG_LOG=${HSP_MILLION_PG_LOG:-$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | tail -n 1)}
OUT=$WORK_DIR/million
mkdir -p "$OUT"
trap stop_servers EXIT

start_server() {
    local db=$1
    shift
    stop_servers
    # One database, no --db-filter, as a single-database server runs: Odoo
    # then lists no databases on each request.
    start_server_on "$db" "$PORT" "$OUT/server.log" --max-cron-threads=0 "$@"
}

db_exists() { [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

million() { "$ODOO_PYTHON" "$BENCH/million.py" "$@" --addons-path="$ODOO_ADDONS_PATH"; }

if [ -n "${HSP_MILLION_REBUILD:-}" ] || ! db_exists "$TEMPLATE"; then
    log "installing the module on $TEMPLATE"
    dropdb --if-exists "$TEMPLATE"
    odoo_cmd -d "$TEMPLATE" -i "$MODULE" --without-demo=all --stop-after-init \
        --no-http --log-level=warn >"$OUT/install.log" 2>&1
else
    log "updating the module on $TEMPLATE"
    odoo_cmd -d "$TEMPLATE" -u "$MODULE" --stop-after-init --no-http \
        --log-level=warn >"$OUT/install.log" 2>&1
fi

for size in $SIZES; do
    db=${TEMPLATE}_$size
    dir=$OUT/$size
    mkdir -p "$dir"
    if [ -n "${HSP_MILLION_REBUILD:-}" ] || ! db_exists "$db"; then
        log "building $db: $size tickets in SQL"
        dropdb --if-exists "$db"
        createdb -T "$TEMPLATE" "$db"
        "$ODOO_PYTHON" "$BENCH/million_build.py" "$db" "$size" \
            --addons-path="$ODOO_ADDONS_PATH" >"$dir/build.jsonl"
    else
        log "updating the module on $db"
        odoo_cmd -d "$db" -u "$MODULE" --stop-after-init --no-http \
            --log-level=warn >"$dir/update.log" 2>&1
        psql -q -d "$db" -c ANALYZE
    fi

    log "$size tickets: customer routes, /web/login, /my/ticket (one worker)"
    start_server "$db" --workers=0
    million http "$db" "http://127.0.0.1:$PORT" "$OUT/server.log" "$REPEAT" \
        >"$dir/http.jsonl"
    stop_servers

    log "$size tickets: Customer replied and the ticket list"
    million backend "$db" 5 >"$dir/backend.jsonl"

    log "$size tickets: running-late and purge crons"
    { million cron "$db" late; million cron "$db" purge; } >"$dir/cron.jsonl"

    log "$size tickets: wrk, 16 connections, --workers=2"
    start_server "$db" --workers=2
    million wrk "$db" "http://127.0.0.1:$PORT" "$WRK_SECONDS" >"$dir/wrk.jsonl"
    stop_servers

    # The plans of every query of the same paths, as PostgreSQL ran them:
    # auto_explain for this database only, then off again.
    if [ -n "$PG_LOG" ] && [ -r "$PG_LOG" ]; then
        log "$size tickets: query plans (auto_explain)"
        psql -q -d postgres -c "ALTER DATABASE $db SET session_preload_libraries = 'auto_explain'" \
            -c "ALTER DATABASE $db SET auto_explain.log_min_duration = 0" \
            -c "ALTER DATABASE $db SET auto_explain.log_analyze = on" \
            -c "ALTER DATABASE $db SET auto_explain.log_buffers = on"
        offset=$(stat -c %s "$PG_LOG")
        start_server "$db" --workers=0
        million http "$db" "http://127.0.0.1:$PORT" "$OUT/server.log" 1 >/dev/null
        stop_servers
        million backend "$db" 1 >/dev/null
        psql -q -d postgres -c "ALTER DATABASE $db RESET ALL"
        million plans "$db" "$PG_LOG" "$offset" >"$dir/plans.jsonl"
    else
        log "no readable PostgreSQL log (HSP_MILLION_PG_LOG): plans not collected"
    fi
done

"$ODOO_PYTHON" "$BENCH/million_report.py" "$OUT" $SIZES
