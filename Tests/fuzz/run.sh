#!/usr/bin/env bash
# Fuzzes auth, notes and profile with schemathesis against docs/openapi/*.yaml: no generated
# request may get a 5xx (`--checks not_a_server_error`).
#
#   Tests/fuzz/run.sh                      (what `make fuzz` runs)
#
# Starts its own stack of the debug binaries (.build/debug, built when missing) on free loopback
# ports, with a throwaway PostgreSQL (Scripts/lib/throwaway-stack.sh), signs up and logs in a user,
# runs schemathesis per service with that user's bearer token (and, for auth's internal API, a
# resource service's Basic credentials; for the admin API, ADMIN_CLIENTS credentials), and stops
# everything by PID, whatever happens.
#
# Account deletion (DELETE /v1/accounts/me) is fuzzed with a token of an account of its own, whose
# password (128 random bits) no generated body can guess: every case is 400, 401 or 403, and the
# fuzz user of the other runs is never at risk. The admin API runs last: its kill switch
# (DELETE /internal/v1/admin/sessions) ends every session, the other runs' included.
#
# Settings (environment):
#   FUZZ_MAX_EXAMPLES   test cases per operation and phase (default 25)
#   FUZZ_MAX_TIME       seconds per schemathesis run (9 runs), a bound on top of that (default 25)
#   FUZZ_BIN_DIR        where auth, notes and profile are (default .build/debug)
#   FUZZ_VENV           the virtualenv for schemathesis (default .build/fuzz-venv; made when missing)
#   FUZZ_SEED           schemathesis --seed, to replay a run (default: random, printed)
# Reports (JUnit, and the services' logs on failure) go to test-artifacts/fuzz/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
stack_init fuzz
max_examples=${FUZZ_MAX_EXAMPLES:-25}
max_time=${FUZZ_MAX_TIME:-25}
bin_dir=${FUZZ_BIN_DIR:-$root/.build/debug}
venv=${FUZZ_VENV:-$root/.build/fuzz-venv}
seed=${FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
artifacts=$root/test-artifacts/fuzz

# At exit (stack_exit): after a failure, the services' logs to the artifacts and their last lines here.
stack_exit_hook() {
    [ "$1" -ne 0 ] || return 0
    stack_copy_logs "$artifacts"
    for name in auth notes profile; do
        [ ! -f "$work/$name.log" ] || { echo "---- last lines of $name.log ----" >&2; tail -n 30 "$work/$name.log" >&2; }
    done
}

# --- tools --------------------------------------------------------------------------------------
for name in auth notes profile; do
    if [ ! -x "$bin_dir/$name" ]; then
        log "building the service executables (missing $bin_dir/$name)"
        swift build --product auth && swift build --product notes && swift build --product profile
        break
    fi
done
readonly SCHEMATHESIS_VERSION=4.32.5
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    venv_install "$venv" "schemathesis==$SCHEMATHESIS_VERSION"
fi

# --- stack --------------------------------------------------------------------------------------
rm -rf "$artifacts"
mkdir -p "$artifacts"
admin_secret=$(secret_hex 16)
stack_start "$bin_dir" BCRYPT_COST=4 LOGIN_FAILURES_PER_EMAIL=1000000 LOGIN_FAILURES_PER_CLIENT=1000000 SIGNUPS_PER_CLIENT=1000000 \
    ADMIN_CLIENTS="fuzz-admin:$admin_secret"
log "stack ready: auth :$auth_port, notes :$notes_port, profile :$profile_port (PIDs ${stack_pids[*]})"

new_email() { echo "fuzz-$1-$(python3 -c 'import uuid; print(uuid.uuid4())')@fuzz.example"; }
email=$(new_email user)
password="fuzz-password-$(secret_hex 16)"
# The account that DELETE /v1/accounts/me is fuzzed with.
deletion_email=$(new_email deletion)
deletion_password="fuzz-password-$(secret_hex 16)"

# POSTs credentials ($2 and $3, default the fuzz user's) as JSON to auth's $1 and prints the JSON answer.
post_credentials() {
    python3 - "http://127.0.0.1:$auth_port$1" "${2:-$email}" "${3:-$password}" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=json.dumps({"email": sys.argv[2], "password": sys.argv[3]}).encode(),
                                 headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(request, timeout=10).read().decode())
PY
}
post_credentials /v1/accounts >/dev/null
post_credentials /v1/accounts "$deletion_email" "$deletion_password" >/dev/null

# A fresh access token of the fuzz user (or of $1 with password $2): each schemathesis run gets its own
# session, so a logout it fuzzes ends only that run's.
token() {
    post_credentials /v1/sessions "${1:-$email}" "${2:-$password}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
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
admin_basic="Authorization: Basic $(printf 'fuzz-admin:%s' "$admin_secret" | base64 -w0)"
run_st notes notes "$notes_port" -H "Authorization: Bearer $(token)"
run_st profile profile "$profile_port" -H "Authorization: Bearer $(token)"
run_st auth-public auth "$auth_port" -H "Authorization: Bearer $(token)" \
    --exclude-path-regex '^/internal/' --exclude-method DELETE
# Operations picked by operationId: schemathesis ORs its --include-* filters, so "--include-path-regex X
# --include-method DELETE" would also pick every other DELETE (account deletion, the admin API's).
run_st auth-sessions-delete auth "$auth_port" -H "Authorization: Bearer $(token)" \
    --include-operation-id-regex '^(revokeAllSessions|logout|revokeSession)$'
run_st auth-account-delete auth "$auth_port" -H "Authorization: Bearer $(token "$deletion_email" "$deletion_password")" \
    --include-operation-id deleteAccount
# The revocation feed streams forever once the credentials are right: fuzz it only with a bearer token (401).
run_st auth-internal auth "$auth_port" -H "$basic" --include-path /internal/v1/introspect
run_st auth-feed-refused auth "$auth_port" -H "Authorization: Bearer $(token)" --include-path /internal/v1/revocations
# The admin API: with a resource service's credentials (every answer 401), then with an admin's, last (the
# kill switch ends every session, the fuzz user's included).
run_st auth-admin-refused auth "$auth_port" -H "$basic" --include-path-regex '^/internal/v1/admin/'
run_st auth-admin auth "$auth_port" -H "$admin_basic" --include-path-regex '^/internal/v1/admin/'

# The deletion account outlived its fuzzing (no generated body knew its password), and its own password
# deletes it: 204, then its login is 401.
deletion_check=$(python3 - "http://127.0.0.1:$auth_port" "$deletion_email" "$deletion_password" <<'PY' 2>&1
import json, sys, urllib.error, urllib.request
base, email, password = sys.argv[1:4]
def call(method, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
status, body = call("POST", "/v1/sessions", {"email": email, "password": password})
if status != 201:
    sys.exit(f"the deletion account cannot log in after the fuzzing ({status}): a generated request deleted or locked it")
token = json.loads(body)["access_token"]
status, _ = call("DELETE", "/v1/accounts/me", {"current_password": password}, token)
if status != 204:
    sys.exit(f"DELETE /v1/accounts/me with the right password answered {status}, not 204")
status, _ = call("POST", "/v1/sessions", {"email": email, "password": password})
if status != 401:
    sys.exit(f"a login of the deleted account answered {status}, not 401")
print("the deletion account survived the fuzzing; its password then deleted it (204) and its login is 401")
PY
) || { failures=$((failures + 1)); summary+=("account deletion check: FAILED"); }
log "$deletion_check"

stack_alive || failures=$((failures + 1))
log "summary (seed $seed):"
printf '  %s\n' "${summary[@]}" >&2
if [ "$failures" -ne 0 ]; then
    log "FAILED: $failures run(s) found 5xx answers or errors; see above and $artifacts"
    exit 1
fi
log "no 5xx on any generated request"
