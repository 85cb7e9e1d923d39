#!/usr/bin/env bash
# Tests of Examples/: the Python resource service (Examples/python-links) against the real auth.
#
#   Scripts/test-examples.sh
#
#   1. finds a python3 with `cryptography` (.local/examples-venv, else python3 itself), else makes
#      that virtualenv from Examples/python-links/requirements.txt (pip; python3-venv via apt as root);
#   2. runs the example's unit tests (tests/test_verifier.py, tests/test_service.py: the verifier's
#      rules, and the service against a stand-in auth that stalls, goes silent, changes epoch);
#   3. starts a throwaway PostgreSQL (Scripts/postgres-throwaway.sh) and runs tests/test_against_auth.py,
#      which starts the real auth executable (10 s access tokens, an INTERNAL_PORT) and the links
#      service and proves over HTTP: reads and writes with a real session; forged, alg-none, HS256,
#      tampered, wrong-audience and expired tokens are 401; a logout is refused by the service within
#      1 s; writes fail closed (503) while auth is down; a service restarted while auth is down answers
#      503 until it has the keys and the feed's replay, then refuses the session revoked before.
#
# Everything started is stopped at exit by PID (the Python test lists its children in $work/pids).
# About 60 s, most of it waiting for a token to expire (10 s lifetime + 30 s leeway).
#
# Environment (all optional):
#   EXAMPLES_BIN_DIR   where the auth executable is (default .build/debug; build it with
#                      `swift build --product auth`)
#   EXAMPLES_VENV      the virtualenv to use or make (default .local/examples-venv)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
readonly example="$root/Examples/python-links"
bin_dir=${EXAMPLES_BIN_DIR:-$root/.build/debug}
venv=${EXAMPLES_VENV:-$root/.local/examples-venv}
stack_init examples

# At exit (stack_exit, before the cluster and $work go): stop what the Python test left running
# (only processes that are still ours: the auth executable or the service), and on failure show the logs.
stack_exit_hook() {
    local rc=$1 pid name
    if [ -f "$work/pids" ]; then
        while read -r pid; do
            [[ "$pid" =~ ^[0-9]+$ ]] || continue
            grep -qaF -e "$bin_dir/auth" -e links_service.py "/proc/$pid/cmdline" 2>/dev/null || continue
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        done <"$work/pids"
    fi
    if [ "$rc" -ne 0 ]; then
        for name in auth links stranger; do
            [ -f "$work/$name.log" ] || continue
            log "last lines of $name.log:"
            tail -n 40 "$work/$name.log" >&2
        done
    fi
}

[ -x "$bin_dir/auth" ] || die "missing $bin_dir/auth; build it first: swift build --product auth"

python=
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import cryptography' 2>/dev/null; then
    python=$venv/bin/python
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import cryptography' 2>/dev/null; then
    python=$(command -v python3)
else
    venv_install "$venv" -r "$example/requirements.txt"
    python=$venv/bin/python
fi
log "python: $python ($("$python" -c 'import sys, cryptography; print(sys.version.split()[0], "cryptography", cryptography.__version__)'))"

log "unit tests: the verifier's rules, and the service against a stand-in auth"
(cd "$example" && "$python" -m unittest tests.test_verifier tests.test_service)

log "starting PostgreSQL"
pg_url=$(Scripts/postgres-throwaway.sh start "$pg_dir")
Scripts/postgres-throwaway.sh createdb "$pg_dir" auth

log "against the real auth ($bin_dir/auth)"
(cd "$example" && LATCHKEY_AUTH_BIN="$bin_dir/auth" LATCHKEY_DATABASE_URL="$pg_url/auth" LATCHKEY_WORK="$work" \
    "$python" -m unittest -v tests.test_against_auth)
log "all example tests passed"
