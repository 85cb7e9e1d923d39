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

readonly PREFERRED_PG_VERSION=15
readonly MARKER=.latchkey-postgres-throwaway
readonly START_TIMEOUT=30

die() {
    echo "postgres-throwaway: $*" >&2
    exit 1
}

log() {
    echo "postgres-throwaway: $*" >&2
}

usage() {
    cat >&2 <<'EOF'
usage: postgres-throwaway.sh start DIR
       postgres-throwaway.sh stop DIR
       postgres-throwaway.sh createdb DIR NAME...
EOF
    exit 2
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

find_pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && { echo "$PG_BIN"; return 0; }
        return 1
    fi
    if [ -x "/usr/lib/postgresql/$PREFERRED_PG_VERSION/bin/initdb" ]; then
        echo "/usr/lib/postgresql/$PREFERRED_PG_VERSION/bin"
        return 0
    fi
    local dir
    dir=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ]; then
        dirname "$dir"
        return 0
    fi
    return 1
}

# Sets PG_BIN, installing Debian's postgresql package when missing and running as root.
ensure_pg_bin() {
    local found
    if found=$(find_pg_bin); then
        PG_BIN=$found
        return 0
    fi
    [ -z "${PG_BIN:-}" ] || die "PG_BIN=$PG_BIN does not contain initdb and pg_ctl"
    if ! is_root; then
        die "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin).
Install them, e.g.:  sudo apt-get update && sudo apt-get install -y postgresql
or point PG_BIN at a folder containing initdb, pg_ctl, pg_isready and psql."
    fi
    log "PostgreSQL server binaries missing; installing Debian package 'postgresql'"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
    found=$(find_pg_bin) || die "installed 'postgresql' but still no initdb under /usr/lib/postgresql/*/bin"
    PG_BIN=$found
}

# Runs a server-side command as the user that owns the cluster.
as_pg_user() {
    if is_root; then
        id -u postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user"
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
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

# Exit 0 when nothing listens on / holds 127.0.0.1:$1.
port_is_free() {
    local port=$1
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$port" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
    else
        # No python3: a refused connection means nobody is listening.
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 1
        fi
        return 0
    fi
}

# Prints a free TCP port on 127.0.0.1, chosen below the kernel's ephemeral range so that
# outgoing connections are unlikely to grab it between the check and the server's bind.
pick_port() {
    local port tries
    for tries in $(seq 1 100); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        if port_is_free "$port"; then
            echo "$port"
            return 0
        fi
    done
    die "could not find a free TCP port on 127.0.0.1 after $tries tries"
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
    ensure_pg_bin

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
        port=$(pick_port)
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

# Exit 0 if $1 is a live (not zombie) postgres process. The postmaster is re-parented to PID 1,
# which may be slow to reap it, so a zombie counts as stopped. Checking the name also guards
# against a stale pid file naming an unrelated process.
postgres_alive() {
    local pid=$1 stat
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # Format: PID (COMM) STATE ...; COMM may contain spaces, so split at the last ')'.
    [[ "$stat" == *"(postgres)"* || "$stat" == *"(postmaster)"* ]] || return 1
    local state=${stat##*) }
    state=${state%% *}
    [ "$state" != Z ] && [ "$state" != X ]
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
        if PG_BIN=$(find_pg_bin); then
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
        if [[ "$pid" =~ ^[0-9]+$ ]]; then
            for _ in $(seq 1 100); do
                grep -q -s -e '(postgres)' -e '(postmaster)' "/proc/$pid/stat" || break
                sleep 0.1
            done
        fi
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
    ensure_pg_bin
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
