#!/usr/bin/env bash
# A real PostgreSQL streaming replica of this machine's cluster, for SPEC §17
# (issue 25): a second cluster on another port, made by
# `pg_basebackup -R` from the primary, run by `pg_ctl` as the postgres user.
#
#   scripts/replica.sh start [--delay 5s]   make it (first time) and start it
#   scripts/replica.sh stop                 stop it (the data stays)
#   scripts/replica.sh destroy              stop it, drop its data and slot
#   scripts/replica.sh status               running? replay position, lag
#   scripts/replica.sh delay 5s|0           set recovery_min_apply_delay
#
# Odoo then reads on it with:
#   --db_replica_host=$HSP_REPLICA_SOCKET --db_replica_port=$HSP_REPLICA_PORT
# Environment: HSP_REPLICA_PORT (5433), HSP_REPLICA_DIR
# (/var/lib/postgresql/hsp-replica-$PORT), HSP_PRIMARY_PORT (5432),
# HSP_REPLICA_SOCKET (/var/run/postgresql, the primary's socket directory:
# each port has its own socket file there).
# Exit 3 when PostgreSQL's server binaries are missing (a test skips then),
# 4 when the primary needs a restart for replication (see prepare_primary).
set -euo pipefail

PORT=${HSP_REPLICA_PORT:-5433}
PRIMARY_PORT=${HSP_PRIMARY_PORT:-5432}
SOCKET=${HSP_REPLICA_SOCKET:-/var/run/postgresql}
DATA=${HSP_REPLICA_DIR:-/var/lib/postgresql/hsp-replica-$PORT}
SLOT=hsp_replica_$PORT

bindir() {
    local version
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
    for tool in pg_ctl pg_basebackup; do
        if [ -z "$version" ] || [ ! -x "/usr/lib/postgresql/$version/bin/$tool" ]; then
            echo "replica.sh: PostgreSQL server binaries (pg_ctl, pg_basebackup)" \
                "not found under /usr/lib/postgresql/*/bin" >&2
            exit 3
        fi
    done
    echo "/usr/lib/postgresql/$version/bin"
}
BIN=$(bindir)

# From /: the caller's directory may be closed to the postgres user.
as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        (cd / && "$@")
    else
        (cd / && su postgres -c "$(printf '%q ' "$@")")
    fi
}

primary_sql() {
    as_postgres "$BIN/psql" -h "$SOCKET" -p "$PRIMARY_PORT" -d postgres -Atqc "$1"
}

replica_sql() {
    as_postgres "$BIN/psql" -h "$SOCKET" -p "$PORT" -d postgres -Atqc "$1"
}

running() {
    [ -f "$DATA/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

# The primary must stream WAL to a replica: Debian's defaults do
# (wal_level replica, max_wal_senders 10, a local replication line in
# pg_hba.conf). A missing hba line is added (a reload); a wal_level or a
# sender count that needs a restart of the primary is set with ALTER SYSTEM,
# and the script stops there (exit 4): restart PostgreSQL once, then again.
prepare_primary() {
    if [ "$(primary_sql "SELECT count(*) FROM pg_hba_file_rules
                          WHERE type = 'local' AND 'replication' = ANY(database)
                            AND error IS NULL")" = 0 ]; then
        echo "replica.sh: allowing local replication in the primary's pg_hba.conf" >&2
        as_postgres tee -a "$(primary_sql 'SHOW hba_file')" >/dev/null \
            <<<"local   replication     all                                     peer"
        primary_sql "SELECT pg_reload_conf()" >/dev/null
    fi
    local restart=0
    if [ "$(primary_sql 'SHOW wal_level')" = minimal ]; then
        primary_sql "ALTER SYSTEM SET wal_level = replica" && restart=1
    fi
    if [ "$(primary_sql 'SHOW max_wal_senders')" -lt 2 ]; then
        primary_sql "ALTER SYSTEM SET max_wal_senders = 10" && restart=1
    fi
    if [ "$(primary_sql 'SHOW max_replication_slots')" -lt 2 ]; then
        primary_sql "ALTER SYSTEM SET max_replication_slots = 10" && restart=1
    fi
    if [ "$restart" = 1 ]; then
        echo "replica.sh: the primary's replication settings were set; restart" \
            "PostgreSQL on :$PRIMARY_PORT once, then run this again" >&2
        exit 4
    fi
}

make_replica() {
    prepare_primary
    echo "replica.sh: base backup of :$PRIMARY_PORT into $DATA" >&2
    # A slot keeps the WAL the replica still needs, even while it is stopped.
    primary_sql "SELECT pg_create_physical_replication_slot('$SLOT')
                 WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots
                                    WHERE slot_name = '$SLOT')" >/dev/null
    mkdir -p "$(dirname "$DATA")"
    as_postgres "$BIN/pg_basebackup" -h "$SOCKET" -p "$PRIMARY_PORT" \
        -D "$DATA" -R -X stream -S "$SLOT" -c fast
    # Debian keeps the primary's configuration in /etc: the replica gets its
    # own, small one. primary_conninfo is in postgresql.auto.conf (-R).
    as_postgres tee "$DATA/postgresql.conf" >/dev/null <<CONF
port = $PORT
listen_addresses = 'localhost'
unix_socket_directories = '$SOCKET'
hba_file = '$DATA/pg_hba.conf'
hot_standby = on
hot_standby_feedback = on
max_connections = 100
shared_buffers = 128MB
logging_collector = off
log_min_messages = warning
include_if_exists = 'hsp_delay.conf'
CONF
    as_postgres tee "$DATA/pg_hba.conf" >/dev/null <<HBA
local   all             all                                     peer
host    all             all             127.0.0.1/32            scram-sha-256
host    all             all             ::1/128                 scram-sha-256
HBA
}

set_delay() {
    as_postgres tee "$DATA/hsp_delay.conf" >/dev/null <<<"recovery_min_apply_delay = '${1:-0}'"
    if running; then
        as_postgres "$BIN/pg_ctl" -D "$DATA" reload >/dev/null
    fi
}

start() {
    local delay=0
    if [ "${1:-}" = --delay ]; then delay=$2; fi
    [ -f "$DATA/standby.signal" ] || make_replica
    set_delay "$delay"
    if ! running; then
        as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/replica.log" -w -t 600 start >/dev/null
    fi
    for _ in $(seq 60); do
        [ "$(replica_sql 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] && break
        sleep 1
    done
    [ "$(replica_sql 'SELECT pg_is_in_recovery()')" = t ]
    echo "replica.sh: streaming replica on $SOCKET:$PORT (apply delay $delay)" >&2
}

stop() {
    if running; then
        as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    fi
    echo "replica.sh: replica on :$PORT stopped" >&2
}

destroy() {
    stop
    primary_sql "SELECT pg_drop_replication_slot('$SLOT')
                  FROM pg_replication_slots WHERE slot_name = '$SLOT'" >/dev/null
    rm -rf "$DATA"
}

status() {
    if ! running; then
        echo "stopped"
        return 1
    fi
    replica_sql "SELECT 'replayed ' || pg_last_wal_replay_lsn()
                 || ', lag ' || coalesce(now() - pg_last_xact_replay_timestamp(), '0')"
    primary_sql "SELECT 'primary ' || pg_current_wal_lsn()"
}

case "${1:-}" in
start) shift; start "$@" ;;
stop) stop ;;
destroy) destroy ;;
status) status ;;
delay) set_delay "${2:-0}" ;;
*)
    sed -n '2,19p' "$0" >&2
    exit 2
    ;;
esac
