#!/usr/bin/env bash
# Benchmark of SPEC §9: each figure beside its reference from the same run,
# as ratios against Odoo's own pages and helpdesk_mgmt alone.
# Not part of the test suite. Everything runs on loopback and stops by itself.
# Databases hsp_bench* (or HSP_BENCH_DB*) are dropped and created again; port
# 8079 (not 8069, the demo server's). HSP_BENCH_SIZE tickets are moved in bulk
# (and a tenth of it, to compare queries per batch), HSP_BENCH_REPEAT times
# each; each page is requested HSP_BENCH_REQUESTS times. Defaults take about
# ten minutes.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/../scripts/common.sh"

setup_bench

DB=${HSP_BENCH_DB:-hsp_bench}
REF_DB=${DB}_ref
PORT=${HSP_BENCH_PORT:-8079}
SIZE=${HSP_BENCH_SIZE:-1000}
SMALL=$((SIZE / 10))
REPEAT=${HSP_BENCH_REPEAT:-2}
REQUESTS=${HSP_BENCH_REQUESTS:-30}
OUT=$WORK_DIR/bench
mkdir -p "$OUT"
trap stop_servers EXIT

create_db() {
    log "creating $1 with $2"
    dropdb --if-exists "$1" 2>/dev/null
    odoo_cmd -d "$1" -i "$2" --stop-after-init --no-http --log-level=warn \
        >"$OUT/$1.log" 2>&1
}

# add_server PORT LOGFILE OPTIONS...: one more server on the bench database.
add_server() { start_server_on "$DB" "$@" --db-filter="^$DB\$"; }

start_server() {
    stop_servers
    add_server "$PORT" "$OUT/server.log" "$@"
}

bulk() { "$ODOO_PYTHON" "$BENCH/bulk_move.py" "$1" "$2" "$REPEAT" "$3" \
    --addons-path="$ODOO_ADDONS_PATH"; }

# Both at once: they are independent and installing is the slowest set-up step.
create_db "$DB" "$MODULE" &
create_db "$REF_DB" helpdesk_mgmt &
wait

log "bulk stage moves ($SMALL and $SIZE tickets, $REPEAT runs each)"
{
    bulk "$DB" "$SMALL" status_page
    bulk "$DB" "$SIZE" status_page
    bulk "$REF_DB" "$SMALL" reference
    bulk "$REF_DB" "$SIZE" reference
} >"$OUT/bulk.jsonl"

log "lookup plans on 100,000 tickets"
"$ODOO_PYTHON" "$BENCH/explain.py" "$DB" --addons-path="$ODOO_ADDONS_PATH" \
    >"$OUT/explain.jsonl"

http_bench() { "$ODOO_PYTHON" "$BENCH/http_bench.py" "http://127.0.0.1:$PORT" \
    "$OUT/server.log" "$DB" "$@" --addons-path="$ODOO_ADDONS_PATH"; }

# No cron thread: the mail queue must not send (and delete) the one-time
# code e-mails the benchmark reads its codes from, nor compete for the CPU.
log "ticket view, verification and reference pages (one worker)"
start_server --workers=0 --max-cron-threads=0
http_bench "$REQUESTS" >"$OUT/http.jsonl"
stop_servers

log "throughput, --workers=2, wrk 30 s at 32 connections per page"
start_server --workers=2 --max-cron-threads=0
http_bench 0 --wrk >"$OUT/wrk.jsonl"
stop_servers

log "two servers on one database (--workers=4 and --workers=2), limits across them"
start_server --workers=4 --max-cron-threads=0 --proxy-mode
add_server $((PORT + 1)) "$OUT/server-b.log" --workers=2 --max-cron-threads=0 \
    --proxy-mode
"$ODOO_PYTHON" "$BENCH/scale_out.py" "$DB" "http://127.0.0.1:$PORT" \
    "http://127.0.0.1:$((PORT + 1))" --addons-path="$ODOO_ADDONS_PATH" \
    >"$OUT/scale_out.jsonl"
stop_servers

"$ODOO_PYTHON" "$BENCH/report.py" "$OUT"
