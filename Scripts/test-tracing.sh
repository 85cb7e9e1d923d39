#!/usr/bin/env bash
# Tests tracing (issue #16, CONTRACT.md "Request ids and tracing") with the real executables.
#
#   Scripts/test-tracing.sh          (CI runs it after `swift build`; it builds nothing)
#
# 1. A virtualenv with opentelemetry-proto (Tests/tracing/requirements.txt, pinned) in
#    .local/tracing-venv, made when missing (pip; python3-venv via apt as root).
# 2. Tests/tracing/test_receiver.py: the OTLP/HTTP receiver (Tests/tracing/otlp_receiver.py) fed by hand.
# 3. A throwaway PostgreSQL with databases auth, notes and profile, then Tests/tracing/test_tracing.py:
#    the receiver on a free loopback port and auth, notes and profile with tracing on (OTLP/HTTP,
#    protobuf, 200 ms batches), JSON logs at debug; a sign-up, a login, an admin lookup by e-mail,
#    a refresh, one write to notes and one to profile, each with a W3C traceparent. Checked: the
#    resource service's server span continues the traceparent (trace id and parent span id), auth's
#    introspection span is in the same trace under the resource service's client span, which is
#    under its server span; service.name is auth, notes, profile, or OTEL_SERVICE_NAME (a second
#    notes); OTEL_TRACES_EXPORTER=none exports nothing; X-Request-ID is on every response and the
#    write's id is the request_id of the "Request answered" lines of both services; no span and no
#    log line holds the e-mail, the password, the password hash (read from auth's database), an
#    access or refresh token, or a client secret.
#
# Needs python3, PostgreSQL's server binaries and psql, and the executables in TRACING_BIN_DIR
# (it exits 1 saying what is missing). Every wait is bounded; every process it starts is stopped at
# exit, whatever happens. After a failure the logs and spans are in test-artifacts/tracing/.
#
# Settings (environment):
#   TRACING_BIN_DIR   where auth, notes and profile are (default .build/debug)
#   TRACING_VENV      the virtualenv to use or make (default .local/tracing-venv)
#   TRACING_TIMEOUT   the bound on the services' test, in seconds (default 300)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
readonly tests="$root/Tests/tracing"
bin_dir=${TRACING_BIN_DIR:-$root/.build/debug}
venv=${TRACING_VENV:-$root/.local/tracing-venv}
timeout_seconds=${TRACING_TIMEOUT:-300}
artifacts=$root/test-artifacts/tracing

# --- what is needed (nothing is built) ------------------------------------------------------------
missing=()
for name in auth notes profile; do
    [ -x "$bin_dir/$name" ] || missing+=("$bin_dir/$name (build it first: swift build --product $name)")
done
pg_bin=$(pg_find_bin) || missing+=("PostgreSQL server binaries (Debian package postgresql)")
psql=
if [ -n "$pg_bin" ] && [ -x "$pg_bin/psql" ]; then
    psql=$pg_bin/psql
elif command -v psql >/dev/null 2>&1; then
    psql=$(command -v psql)
else
    missing+=("psql (Debian package postgresql-client)")
fi
if [ ${#missing[@]} -gt 0 ]; then
    printf 'test-tracing: error: missing:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi

stack_init tracing
# At exit (stack_exit, before the cluster and $work go): stop what the Python test left running (only
# processes that are still one of the executables), and after a failure keep the logs and spans.
stack_exit_hook() {
    local rc=$1 pid file
    if [ -f "$work/pids" ]; then
        while read -r pid; do
            [[ "$pid" =~ ^[0-9]+$ ]] || continue
            grep -qaF "$bin_dir/" "/proc/$pid/cmdline" 2>/dev/null || continue
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        done <"$work/pids"
    fi
    [ "$rc" -ne 0 ] || return 0
    mkdir -p "$artifacts"
    for file in "$work"/*.log "$work"/spans.jsonl; do
        [ ! -f "$file" ] || cp "$file" "$artifacts/"
    done
    log "logs and spans in $artifacts"
}
rm -rf "$artifacts"

# --- 1. Python with opentelemetry-proto ------------------------------------------------------------
check='import importlib.metadata as m, sys
want = dict(line.split("==") for line in open(sys.argv[1]).read().split() if "==" in line)
sys.exit(any(m.version(name) != version for name, version in want.items()))'
if ! { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" "$tests/requirements.txt" 2>/dev/null; }; then
    venv_install "$venv" -r "$tests/requirements.txt"
fi
python=$venv/bin/python
log "python: $("$python" -c 'import importlib.metadata as m, sys; print(sys.version.split()[0], "opentelemetry-proto", m.version("opentelemetry-proto"), "protobuf", m.version("protobuf"))')"

# --- 2. the receiver -------------------------------------------------------------------------------
log "the OTLP/HTTP receiver, fed by hand"
(cd "$tests" && timeout 60 "$python" -m unittest -q test_receiver) 2>"$work/receiver-test.log" ||
    { cat "$work/receiver-test.log" >&2; die "the receiver's own tests failed"; }
receiver_tests=$(sed -n -E 's/^Ran ([0-9]+) tests?.*/\1/p' "$work/receiver-test.log")

# --- 3. the services ---------------------------------------------------------------------------------
stack_postgres
log "auth, notes and profile from $bin_dir with tracing on"
rc=0
TRACING_BIN_DIR=$bin_dir TRACING_DATABASE_URL=$pg_url TRACING_PSQL=$psql TRACING_WORK=$work \
    timeout --kill-after=10 "$timeout_seconds" "$python" "$tests/test_tracing.py" >"$work/tracing-test.out" 2>"$work/tracing-test.log" || rc=$?
cat "$work/tracing-test.log" >&2
cat "$work/tracing-test.out"
[ "$rc" -ne 124 ] || die "the tracing test took longer than $timeout_seconds s"
[ "$rc" -eq 0 ] || die "the tracing test failed (above)"
service_tests=$(sed -n -E 's/^Ran ([0-9]+) tests?.*/\1/p' "$work/tracing-test.log")

printf '\ntest-tracing: %s receiver tests and %s tracing tests passed in %ss (%s)\n' "$receiver_tests" "$service_tests" \
    "$((SECONDS - started))" "$(sed -n -E 's/^spans received: ([0-9]+) in ([0-9]+) exports.*/\1 spans in \2 exports/p' "$work/tracing-test.out")"
