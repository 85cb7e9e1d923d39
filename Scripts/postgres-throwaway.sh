#!/usr/bin/env bash
# Throwaway PostgreSQL clusters for tests.
#
#   postgres-throwaway.sh start DIR           create + start a cluster in DIR (prefer a RAM-backed DIR,
#                                             e.g. under /dev/shm); prints postgres://postgres@127.0.0.1:PORT
#   postgres-throwaway.sh stop DIR            immediate stop, then remove DIR (idempotent)
#   postgres-throwaway.sh createdb DIR NAME...
#
# Layout of DIR: data/ (the cluster), postgres.log, port, .s.PGSQL.PORT (unix socket), and a
# marker file so that `stop` only ever deletes directories this script set up.
#
# Server binaries come from $PG_BIN if set, else /usr/lib/postgresql/15/bin, else the newest
# /usr/lib/postgresql/*/bin. If none is found: as root, `apt-get install postgresql`; otherwise
# print what to install and exit 1. As root, initdb/pg_ctl run as the `postgres` system user.
set -euo pipefail

readonly MARKER=.latchkey-postgres-throwaway
readonly START_TIMEOUT=30

log_prefix=postgres-throwaway
lib=$(dirname "${BASH_SOURCE[0]}")/lib
# shellcheck source=Scripts/lib/common.sh
source "$lib/common.sh"
# shellcheck source=Scripts/lib/ports.sh
source "$lib/ports.sh"
# shellcheck source=Scripts/lib/postgres.sh
source "$lib/postgres.sh"

usage() {
    cat >&2 <<'USAGE'
usage: postgres-throwaway.sh start DIR
       postgres-throwaway.sh stop DIR
       postgres-throwaway.sh createdb DIR NAME...
USAGE
    exit 2
}

psql_bin() {
    if [ -x "$PG_BIN/psql" ]; then
        echo "$PG_BIN/psql"
    elif command -v psql >/dev/null 2>&1; then
        command -v psql
    else
        die "psql not found (looked in $PG_BIN and on PATH)"
    fi
}

dump_log() {
    local dir=$1
    if [ -f "$dir/postgres.log" ]; then
        echo "---- last lines of $dir/postgres.log ----" >&2
        tail -n 40 "$dir/postgres.log" >&2 || true
        echo "----" >&2
    fi
}

read_port() {
    local dir=$1 port
    [ -f "$dir/port" ] || die "$dir/port not found: is a cluster running in $dir?"
    port=$(cat "$dir/port")
    [[ "$port" =~ ^[0-9]+$ ]] || die "bad port in $dir/port: '$port'"
    echo "$port"
}

cmd_start() {
    [ $# -eq 1 ] || usage
    local dir=$1
    pg_ensure_bin

    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    [ -e "$dir/data" ] && die "$dir/data already exists; use a fresh directory"
    [ ${#dir} -le 80 ] || die "DIR path is too long for a unix socket path (${#dir} > 80 chars): $dir"
    touch "$dir/$MARKER"
    if is_root; then
        id -u postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user"
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"

    if ! as_pg_user "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 \
        >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        die "initdb failed in $dir/data"
    fi

    # Settings go into the cluster's own config so paths with odd characters need no shell quoting.
    local quoted_dir=${dir//\'/\'\'}
    cat >>"$dir/data/postgresql.conf" <<EOF

# --- postgres-throwaway.sh ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$quoted_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 1000
shared_buffers = 128MB
EOF

    local attempt port started=0
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_pg_user "$PG_BIN/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -w -t "$START_TIMEOUT" \
            -o "-p $port" >/dev/null 2>>"$dir/pg_ctl.log"; then
            started=1
            break
        fi
        # Lost a race for the port? Try another one; anything else is fatal.
        if grep -q -E 'could not bind|Address already in use|could not create any TCP/IP sockets' \
            "$dir/postgres.log" 2>/dev/null && [ ! -f "$dir/data/postmaster.pid" ]; then
            log "port $port was taken (attempt $attempt), retrying with another port"
            continue
        fi
        break
    done
    if [ "$started" -ne 1 ]; then
        cat "$dir/pg_ctl.log" >&2 2>/dev/null || true
        dump_log "$dir"
        as_pg_user "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
        die "could not start PostgreSQL in $dir"
    fi

    local deadline=$((SECONDS + START_TIMEOUT))
    until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            dump_log "$dir"
            as_pg_user "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 || true
            die "PostgreSQL in $dir did not become ready on 127.0.0.1:$port within ${START_TIMEOUT}s"
        fi
        sleep 0.2
    done

    echo "$port" >"$dir/port"
    echo "postgres://postgres@127.0.0.1:$port"
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    local dir=$1
    [ -n "$dir" ] || die "empty DIR"
    [ -e "$dir" ] || return 0
    [ -d "$dir" ] || die "$dir is not a directory"
    dir=$(cd "$dir" && pwd -P)
    [ "$dir" != / ] || die "refusing to touch /"

    if [ -f "$dir/data/postmaster.pid" ]; then
        local pid
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        if PG_BIN=$(pg_find_bin); then
            as_pg_user "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
        fi
        # Belt and braces: if the postmaster is somehow still there, kill it.
        if [[ "$pid" =~ ^[0-9]+$ ]] && postgres_alive "$pid"; then
            log "postmaster $pid still running after pg_ctl stop; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                postgres_alive "$pid" || break
                sleep 0.1
            done
        fi
        # The exited postmaster stays a zombie until PID 1 reaps it; some minimal init processes
        # take a second or two. Wait (bounded) so no trace is left when we return.
        [[ ! "$pid" =~ ^[0-9]+$ ]] || wait_reaped "$pid" 10
    fi

    if [ -e "$dir/$MARKER" ]; then
        rm -rf -- "$dir"
    elif ! rmdir -- "$dir" 2>/dev/null; then
        die "not removing $dir: it was not created by 'postgres-throwaway.sh start' and is not empty"
    fi
}

cmd_createdb() {
    [ $# -ge 2 ] || usage
    local dir=$1
    shift
    local port psql name
    port=$(read_port "$dir")
    pg_ensure_bin
    psql=$(psql_bin)
    for name in "$@"; do
        # :"name" makes psql quote the identifier safely.
        "$psql" -X -q -v ON_ERROR_STOP=1 -v name="$name" \
            -h 127.0.0.1 -p "$port" -U postgres -d postgres <<<'CREATE DATABASE :"name";' \
            || die "could not create database '$name'"
    done
}

main() {
    [ $# -ge 1 ] || usage
    local sub=$1
    shift
    case "$sub" in
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        createdb) cmd_createdb "$@" ;;
        -h | --help | help) usage ;;
        *) usage ;;
    esac
}

main "$@"
