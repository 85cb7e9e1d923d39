#!/usr/bin/env bash
# Fuzzes auth, notes and profile with schemathesis against docs/openapi/*.yaml: no generated
# request may get a 5xx (`--checks not_a_server_error`).
#
#   Tests/fuzz/run.sh                      (what `make fuzz` runs)
#
# Starts its own stack of the debug binaries (.build/debug, built when missing) on free loopback
# ports, with a throwaway PostgreSQL (Scripts/postgres-throwaway.sh), signs up and logs in a user,
# runs schemathesis per service with that user's bearer token (and, for auth's internal API, a
# resource service's Basic credentials), and stops everything by PID, whatever happens.
#
# Settings (environment):
#   FUZZ_MAX_EXAMPLES   test cases per operation and phase (default 25)
#   FUZZ_MAX_TIME       seconds per schemathesis run (6 runs), a bound on top of that (default 25)
#   FUZZ_BIN_DIR        where auth, notes and profile are (default .build/debug)
#   FUZZ_VENV           the virtualenv for schemathesis (default .build/fuzz-venv; made when missing)
#   FUZZ_SEED           schemathesis --seed, to replay a run (default: random, printed)
# Reports (JUnit, and the services' logs on failure) go to test-artifacts/fuzz/.
set -euo pipefail

readonly SCHEMATHESIS_VERSION=4.32.5

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
max_examples=${FUZZ_MAX_EXAMPLES:-25}
max_time=${FUZZ_MAX_TIME:-25}
bin_dir=${FUZZ_BIN_DIR:-$root/.build/debug}
venv=${FUZZ_VENV:-$root/.build/fuzz-venv}
seed=${FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
artifacts=$root/test-artifacts/fuzz
started=$SECONDS

log() { printf '[fuzz %4ss] %s\n' "$((SECONDS - started))" "$*" >&2; }

# --- tools --------------------------------------------------------------------------------------
for name in auth notes profile; do
    if [ ! -x "$bin_dir/$name" ]; then
        log "building the service executables (missing $bin_dir/$name)"
        swift build --product auth && swift build --product notes && swift build --product profile
        break
    fi
done
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    log "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
    if ! python3 -m venv "$venv" && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        # Debian's python3 needs python3-venv for `python3 -m venv`.
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv >&2
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# --- stack --------------------------------------------------------------------------------------
rm -rf "$artifacts"
mkdir -p "$artifacts"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then shm=/dev/shm; else shm=${TMPDIR:-/tmp}; fi
work=$(mktemp -d "$shm/latchkey-fuzz.XXXXXX")
# The cluster gets a folder of its own beside it: as root it runs as `postgres`, which cannot enter $work.
pg_dir=$(mktemp -d "$shm/latchkey-fuzz-pg.XXXXXX")
pids=()

# shellcheck disable=SC2317 # invoked via trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$rc" -ne 0 ]; then
        for name in auth notes profile; do
            [ -f "$work/$name.log" ] && cp "$work/$name.log" "$artifacts/$name.log"
            [ -f "$work/$name.log" ] && { echo "---- last lines of $name.log ----" >&2; tail -n 30 "$work/$name.log" >&2; }
        done
    fi
    Scripts/postgres-throwaway.sh stop "$pg_dir" >/dev/null 2>&1 || true
    [ ! -e "$pg_dir" ] || rm -rf -- "$pg_dir"
    rm -rf -- "$work"
    log "finished with exit code $rc"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Exit 0 when GET url answers 2xx (python3 rather than curl, which a fresh Debian lacks).
http_ok() {
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" >/dev/null 2>&1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

log "starting PostgreSQL"
pg_url=$(Scripts/postgres-throwaway.sh start "$pg_dir")
Scripts/postgres-throwaway.sh createdb "$pg_dir" auth notes profile

secret_key=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
client_secret=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
auth_port=$(free_port)
notes_port=$(free_port)
profile_port=$(free_port)

launch() {
    local name=$1
    shift
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOST=127.0.0.1 LOG_LEVEL=warning COOKIE_SECURE=false "$@" \
        "$bin_dir/$name" >"$work/$name.log" 2>&1 &
    pids+=("$!")
}

launch auth PORT="$auth_port" DATABASE_URL="$pg_url/auth" AUTH_SECRET_KEY="$secret_key" BCRYPT_COST=4 \
    INTROSPECTION_CLIENTS="notes:$client_secret,profile:$client_secret" \
    LOGIN_FAILURES_PER_EMAIL=1000000 LOGIN_FAILURES_PER_CLIENT=1000000
wait_ready() {
    local name=$1 port=$2
    for _ in $(seq 1 300); do
        if http_ok "http://127.0.0.1:$port/readyz"; then return 0; fi
        sleep 0.1
    done
    log "$name did not become ready on port $port"
    return 1
}
wait_ready auth "$auth_port"
for name in notes profile; do
    port_var=${name}_port
    launch "$name" PORT="${!port_var}" DATABASE_URL="$pg_url/$name" AUTH_URL="http://127.0.0.1:$auth_port" \
        INTROSPECTION_CLIENT_ID="$name" INTROSPECTION_CLIENT_SECRET="$client_secret"
done
wait_ready notes "$notes_port"
wait_ready profile "$profile_port"
log "stack ready: auth :$auth_port, notes :$notes_port, profile :$profile_port (PIDs ${pids[*]})"

email="fuzz-$(python3 -c 'import uuid; print(uuid.uuid4())')@fuzz.example"
password="fuzz-password-$RANDOM$RANDOM"

# POSTs the fuzz user's credentials as JSON to auth's $1 and prints the JSON answer.
post_credentials() {
    python3 - "http://127.0.0.1:$auth_port$1" "$email" "$password" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=json.dumps({"email": sys.argv[2], "password": sys.argv[3]}).encode(),
                                 headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(request, timeout=10).read().decode())
PY
}
post_credentials /v1/accounts >/dev/null

# A fresh access token (each schemathesis run gets its own session, so a logout it fuzzes ends only that run's).
token() {
    post_credentials /v1/sessions | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# --- fuzz ---------------------------------------------------------------------------------------
failures=0
summary=()
run_st() {
    local label=$1 schema=$2 port=$3
    shift 3
    log "schemathesis: $label (max $max_examples examples per operation, at most ${max_time}s, seed $seed)"
    local output=$artifacts/$label.txt rc=0
    "$venv/bin/st" run "docs/openapi/$schema.yaml" --url "http://127.0.0.1:$port" \
        --checks not_a_server_error --max-examples "$max_examples" --max-time "$max_time" --seed "$seed" \
        --request-timeout 15 --workers 1 --suppress-health-check all --no-color --generation-database none \
        --report junit --report-junit-path "$artifacts/$label.junit.xml" "$@" >"$output" 2>&1 || rc=$?
    grep -E "test cases|passed|failed|error" "$output" | tail -n 6 >&2 || true
    local cases
    cases=$(grep -Eo '[0-9]+ generated' "$output" | tail -n 1 | grep -Eo '[0-9]+' || echo "?")
    summary+=("$label: $cases test cases, exit $rc")
    if [ "$rc" -ne 0 ]; then
        failures=$((failures + 1))
        echo "---- schemathesis output for $label ----" >&2
        tail -n 80 "$output" >&2
    fi
}

basic="Authorization: Basic $(printf 'notes:%s' "$client_secret" | base64 -w0)"
run_st notes notes "$notes_port" -H "Authorization: Bearer $(token)"
run_st profile profile "$profile_port" -H "Authorization: Bearer $(token)"
run_st auth-public auth "$auth_port" -H "Authorization: Bearer $(token)" \
    --exclude-path-regex '^/internal/' --exclude-method DELETE
run_st auth-sessions-delete auth "$auth_port" -H "Authorization: Bearer $(token)" \
    --include-path-regex '^/v1/sessions' --include-method DELETE
# The revocation feed streams forever once the credentials are right: fuzz it only with a bearer token (401).
run_st auth-internal auth "$auth_port" -H "$basic" --include-path /internal/v1/introspect
run_st auth-feed-refused auth "$auth_port" -H "Authorization: Bearer $(token)" --include-path /internal/v1/revocations

for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { log "a service (PID $pid) died during the fuzzing"; failures=$((failures + 1)); }
done
log "summary (seed $seed):"
printf '  %s\n' "${summary[@]}" >&2
if [ "$failures" -ne 0 ]; then
    log "FAILED: $failures run(s) found 5xx answers or errors; see above and $artifacts"
    exit 1
fi
log "no 5xx on any generated request"
