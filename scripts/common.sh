# Shared set-up of the demo and test commands: sourced, not run.
# Odoo 18 is a prerequisite; everything else is installed here.
# shellcheck shell=bash

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODULE=helpdesk_mgmt_status_page
ODOO_PYTHON=${ODOO_PYTHON:-/opt/odoo18/venv/bin/python}
WORK_DIR=${HSP_WORK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/$MODULE}
ADDONS_DIR=$WORK_DIR/addons

log() { printf '[%s] %s\n' "$MODULE" "$*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

require_odoo() {
    local version
    if [ ! -x "$ODOO_PYTHON" ] ||
        ! version=$("$ODOO_PYTHON" -c 'import odoo.release as r; print(r.serie)' 2>/dev/null) ||
        [ "$version" != "18.0" ]; then
        cat >&2 <<MSG

Odoo 18 was not found: '$ODOO_PYTHON' cannot import Odoo 18.0.
This module needs an Odoo 18.0 Community installation. Install Odoo 18 (source
or package) in a Python virtual environment, for instance with its virtualenv at
/opt/odoo18/venv, then run this command again, or point ODOO_PYTHON at the Python
of your Odoo 18 environment, e.g. ODOO_PYTHON=/path/to/venv/bin/python.
Everything else (PostgreSQL, Chromium, Python packages, database) is set up by
this command.

MSG
        exit 1
    fi
}

apt_install() {
    log "installing $* from Debian"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y -q "$@" >/dev/null 2>&1; then
        as_root apt-get update -q >/dev/null 2>&1 || true
        as_root apt-get install -y -q "$@" >/dev/null
    fi
}

ensure_postgres() {
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
        apt_install postgresql
    fi
    if ! pg_isready -q 2>/dev/null; then
        if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
            local version
            version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
            as_root pg_createcluster "$version" main >/dev/null
        fi
        log "starting PostgreSQL"
        pg_lsclusters -h | while read -r version name _; do
            as_root pg_ctlcluster "$version" "$name" start 2>/dev/null || true
        done
        for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
    fi
    local me
    me=$(id -un)
    if ! psql -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        log "creating PostgreSQL role $me"
        as_root su postgres -c "createuser --superuser '$me'" 2>/dev/null || true
    fi
}

ensure_chromium() {
    command -v chromium >/dev/null 2>&1 || apt_install chromium
}

# axe-core, the accessibility engine tests/test_accessibility.py injects in
# the pages; pinned so that new rules never fail a run on their own.
AXE_CORE_VERSION=4.14.1
AXE_PATH=$WORK_DIR/node/node_modules/axe-core/axe.min.js

ensure_axe_core() {
    command -v npm >/dev/null 2>&1 || apt_install npm
    if ! (npm install --prefix "$WORK_DIR/node" --no-save --no-audit --no-fund \
        --loglevel=error "axe-core@$AXE_CORE_VERSION" >"$WORK_DIR/npm.log" 2>&1); then
        cat "$WORK_DIR/npm.log" >&2
        log "could not install axe-core $AXE_CORE_VERSION with npm"
        exit 1
    fi
}

ensure_python_deps() {
    if ! "$ODOO_PYTHON" -m pip install -q --disable-pip-version-check \
        -r "$REPO_DIR/requirements.txt" -r "$REPO_DIR/test-requirements.txt" \
        >"$WORK_DIR/pip.log" 2>&1; then
        cat "$WORK_DIR/pip.log" >&2
        log "could not install the Python packages above into $ODOO_PYTHON"
        exit 1
    fi
}

prepare_addons_dir() {
    # Odoo finds a module by its directory name; the clone may have any name.
    mkdir -p "$ADDONS_DIR"
    ln -sfn "$REPO_DIR" "$ADDONS_DIR/$MODULE"
    # The optional bridge addons (bridges/<name>/) are found under their own
    # names, linked beside it (pytest-odoo then names their tests as it
    # names the module's); each installs only beside the addons it bridges to.
    local bridge
    for bridge in "$REPO_DIR"/bridges/*/; do
        ln -sfn "${bridge%/}" "$ADDONS_DIR/$(basename "$bridge")"
    done
    ODOO_ADDONS_PATH="$("$ODOO_PYTHON" -c 'import odoo.addons as a; print(",".join(a.__path__))'),$ADDONS_DIR"
}

odoo_cmd() {
    "$ODOO_PYTHON" -m odoo --addons-path="$ODOO_ADDONS_PATH" "$@"
}

# odoo_shell DB TAG <<PY: runs the Python on stdin in an Odoo shell on DB and
# prints what it printed on lines starting with "TAG: ", without the tag.
odoo_shell() {
    odoo_cmd shell -d "$1" --no-http --log-level=warn 2>/dev/null | sed -n "s/^$2: //p"
}

setup_environment() {
    require_odoo
    mkdir -p "$WORK_DIR"
    ensure_postgres
    ensure_python_deps
    prepare_addons_dir
}

# Shared start of the benchmarks (bench/*.sh), with wrk, which measures
# requests per second.
setup_bench() {
    setup_environment
    command -v wrk >/dev/null 2>&1 || apt_install wrk
    # shellcheck disable=SC2034  # for the benchmark that calls it
    BENCH=$REPO_DIR/bench
}

# Odoo servers of the benchmarks, in the background: stop_servers stops
# every one started, and the caller traps it on EXIT.
SERVER_PIDS=()

stop_servers() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
}

# start_server_on DB PORT LOGFILE OPTIONS...: one more server on loopback,
# its requests logged with their queries and times; returns once it answers.
start_server_on() {
    local db=$1 port=$2 logfile=$3
    shift 3
    # With --workers, Odoo re-runs its own command line for the websocket
    # process: "python -m odoo" cannot be re-run that way, Odoo's script can.
    local server=("$ODOO_PYTHON" -m odoo)
    if [ -x "$(dirname "$ODOO_PYTHON")/odoo" ]; then
        server=("$(dirname "$ODOO_PYTHON")/odoo")
    fi
    : >"$logfile"
    "${server[@]}" --addons-path="$ODOO_ADDONS_PATH" -d "$db" \
        --http-interface=127.0.0.1 --http-port="$port" \
        --log-handler=werkzeug:INFO --logfile="$logfile" "$@" &
    SERVER_PIDS+=($!)
    for _ in $(seq 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/web/login" && return
        sleep 1
    done
    log "the server did not start, see $logfile"
    exit 1
}

# Shared start of the screenshot commands (scripts/screenshots*.sh): the
# demo server they shoot (DB, BASE_URL: HSP_DEMO_DB, HSP_DEMO_PORT as for
# scripts/demo.sh) must answer, else the message names $1, the command that
# starts it; Playwright, which drives Debian's Chromium, in its own
# environment (PLAYWRIGHT_PYTHON) so that Odoo's stays as Odoo needs it.
setup_screenshots() {
    setup_environment
    ensure_chromium
    # shellcheck disable=SC2034  # for the screenshot command that calls it
    DB=${HSP_DEMO_DB:-${MODULE}_demo}
    BASE_URL=http://localhost:${HSP_DEMO_PORT:-8069}
    if ! curl -fs -o /dev/null "$BASE_URL/web/login"; then
        log "no demo server on $BASE_URL: run '$1' first"
        exit 1
    fi
    local venv=$WORK_DIR/playwright-venv
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet playwright
    fi
    # shellcheck disable=SC2034  # likewise
    PLAYWRIGHT_PYTHON=$venv/bin/python
}
