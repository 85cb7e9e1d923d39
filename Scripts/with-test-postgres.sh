#!/usr/bin/env bash
# Runs CMD with a PostgreSQL database for tests.
#
#   Scripts/with-test-postgres.sh CMD ARGS...
#
# If DATABASE_URL is already set, CMD is exec'd as is. Otherwise a throwaway cluster is started
# in a RAM-backed temp dir (see postgres-throwaway.sh and Scripts/lib/postgres.sh), the database latchkey_test is created, and
# CMD runs with:
#   DATABASE_URL=postgres://postgres@127.0.0.1:PORT/latchkey_test
#   LATCHKEY_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT   (server URL; tests may CREATE DATABASE)
#   LATCHKEY_TEST_CLUSTERS=FOLDER   (where tests make clusters of their own; any left there are stopped too)
#   PGHOST=127.0.0.1 PGPORT=PORT PGUSER=postgres PGDATABASE=latchkey_test  (for libpq tools)
# The cluster is always stopped and removed afterwards; CMD's exit status is preserved.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

if [ -n "${DATABASE_URL:-}" ]; then
    exec "$@"
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
throwaway="$script_dir/postgres-throwaway.sh"
readonly TEST_DB=latchkey_test

log_prefix=with-test-postgres
# shellcheck source=Scripts/lib/common.sh
source "$script_dir/lib/common.sh"
# shellcheck source=Scripts/lib/postgres.sh
source "$script_dir/lib/postgres.sh"

pg_dir=""
clusters_dir=""
child=""

# shellcheck disable=SC2317 # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    if [ -n "$pg_dir" ]; then
        "$throwaway" stop "$pg_dir" || log "failed to stop cluster in $pg_dir"
        # We created this directory ourselves, so it is ours to remove even if stop refused.
        [ ! -e "$pg_dir" ] || rm -rf -- "$pg_dir"
    fi
    # Clusters the tests made for themselves (LATCHKEY_TEST_CLUSTERS): tests remove their own, but a test
    # process that crashed or was killed cannot, and pg_ctl's server would outlive it.
    if [ -n "$clusters_dir" ] && [ -d "$clusters_dir" ]; then
        local cluster
        for cluster in "$clusters_dir"/*/; do
            [ -d "$cluster" ] || continue
            log "stopping a cluster a test left behind: $cluster"
            "$throwaway" stop "$cluster" >/dev/null 2>&1 || true
        done
        rm -rf -- "$clusters_dir"
    fi
    exit "$rc"
}

# shellcheck disable=SC2317 # invoked via trap
on_signal() {
    local sig=$1 code=$2
    # Pass the signal on to CMD and let it finish, then clean up (via the EXIT trap).
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
        kill "-$sig" "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    exit "$code"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

pg_dir=$(pg_tmp_dir pg)
log "starting throwaway PostgreSQL in $pg_dir"
server_url=$("$throwaway" start "$pg_dir")
port=$(cat "$pg_dir/port")
"$throwaway" createdb "$pg_dir" "$TEST_DB"
log "PostgreSQL ready at $server_url (database $TEST_DB)"

# Where tests that need a cluster of their own (e.g. to restart it) make it, so that cleanup finds them.
clusters_dir="$pg_dir.clusters"
mkdir -m 755 "$clusters_dir"
export LATCHKEY_TEST_CLUSTERS="$clusters_dir"
export LATCHKEY_TEST_POSTGRES="$server_url"
export DATABASE_URL="$server_url/$TEST_DB"
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGDATABASE="$TEST_DB"

# Run CMD in the background and wait for it so that INT/TERM sent to this script are handled
# promptly (a foreground child would delay the traps until it exits). The subshell restores
# default INT/QUIT handling that bash would otherwise ignore in background jobs, and keeps stdin.
(
    trap - INT QUIT
    exec "$@"
) <&0 &
child=$!

rc=0
while :; do
    wait "$child" && rc=0 || rc=$?
    # wait returns >128 when interrupted by a trapped signal; the trap handler exits for us,
    # so getting here means CMD itself finished (possibly killed by a signal).
    if ! kill -0 "$child" 2>/dev/null; then
        break
    fi
done
child=""
exit "$rc"
