#!/usr/bin/env bash
# Tests of Examples/bookmarks: the fourth Swift service, which depends on the TokenKit library products
# as an outside package would, against the REAL auth executable. It follows docs/ADDING-A-SERVICE.md
# step by step, with the same setting names.
#
#   Scripts/test-examples-swift.sh
#
#   1. builds the example (`swift build --package-path Examples/bookmarks --build-tests`, under
#      `flock` on $LATCHKEY_BUILD_LOCK when flock exists) and runs its unit tests (swift-testing);
#   2. starts a throwaway PostgreSQL (databases auth, bookmarks, stranger), then bookmarks BEFORE auth,
#      and proves the start gate: /healthz 200, /readyz 503, a read 503 auth-unavailable;
#   3. starts auth (.build/debug/auth, bcrypt cost 4, an INTERNAL_PORT; JWT_AUDIENCE names bookmarks,
#      INTROSPECTION_CLIENTS has bookmarks' credentials) and a second instance, SERVICE_NAME=stranger,
#      that no token names; then proves over HTTP with curl: reads and writes with a real session
#      (201 + Location, 200, 204, 404, 400 validation-failed, 401 token-missing); the gateway route: nginx
#      with deploy/gateway's template plus the upstream and location blocks taken from the doc's
#      ```nginx block routes /v1/bookmarks to bookmarks and still answers 404 for /internal/; a forged token (our own
#      Ed25519 key under auth's kid), an alg-none token, a tampered one and a wrong-audience one (a real
#      token at the stranger) are 401 token-invalid; a logout is refused by bookmarks within 1 s
#      (measured); with auth stopped a write is 503 auth-unavailable with Retry-After and a read still
#      200; bookmarks restarted while auth is down answers 503 until auth is back and the feed has
#      replayed, then refuses the session revoked before its start; an account deletion removes the
#      user's bookmarks from bookmarks' own database (measured) and leaves other users' alone.
#
# Builds the example only (never the root package). About 25 s once the example is built, 8 s of it
# the HTTP checks; the first build of a fresh clone resolves and compiles the dependencies (about
# 7 minutes on 2 cores). Everything started is stopped at exit by PID (Scripts/lib/throwaway-stack.sh).
#
# Environment (all optional):
#   EXAMPLES_BIN_DIR      where the auth executable is (default .build/debug; `swift build --product auth`)
#   LATCHKEY_BUILD_LOCK   the lock file the example's build waits for (default /tmp/latchkey-build.lock)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
readonly example=Examples/bookmarks
bin_dir=${EXAMPLES_BIN_DIR:-$root/.build/debug}
build_lock=${LATCHKEY_BUILD_LOCK:-/tmp/latchkey-build.lock}
checks=0
stack_init examples-swift

# At exit (before the processes, the cluster and $work go): on failure, the last lines of every log.
stack_exit_hook() {
    local rc=$1 file
    [ -z "${gateway_dir:-}" ] || rm -rf -- "$gateway_dir"
    [ "$rc" -ne 0 ] || return 0
    log "failed after $checks checks passed"
    for file in "$work"/*.log; do
        [ -f "$file" ] || continue
        log "last lines of $(basename "$file"):"
        tail -n 30 "$file" >&2
    done
}

[ -x "$bin_dir/auth" ] || die "missing $bin_dir/auth; build it first: swift build --product auth"
command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
command -v openssl >/dev/null 2>&1 || apt_install openssl
command -v python3 >/dev/null 2>&1 || apt_install python3
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { apt_install nginx && nginx_bin=/usr/sbin/nginx; }
command -v envsubst >/dev/null 2>&1 || apt_install gettext-base

# ---- helpers ------------------------------------------------------------------------------------

locked() {
    if command -v flock >/dev/null 2>&1; then flock "$build_lock" "$@"; else "$@"; fi
}

pass() {
    checks=$((checks + 1))
    log "ok: $*"
}

fail() { die "$* (status $status, body: $(head -c 400 "$work/body" 2>/dev/null))"; }

# call PORT METHOD PATH [TOKEN] [JSON]: sets $status; the body in $work/body, the headers in $work/headers.
call() {
    local port=$1 method=$2 path=$3 token=${4:-} data=${5:-}
    local args=(--silent --max-time 10 --request "$method" --output "$work/body" --dump-header "$work/headers" --write-out '%{http_code}')
    [ -z "$token" ] || args+=(--header "Authorization: Bearer $token")
    [ -z "$data" ] || args+=(--header 'Content-Type: application/json' --data-binary "$data")
    : >"$work/body"
    : >"$work/headers"
    status=$(curl "${args[@]}" "http://127.0.0.1:$port$path") || status=000
}

# header NAME: the value of the last answer's header NAME.
header() { grep -i "^$1:" "$work/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }

# json PATH: a field of the last answer's JSON body (PATH like items.0.id).
json() {
    python3 - "$work/body" "$1" <<'PY'
import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    value = value[int(key)] if key.isdigit() else value[key]
print(value)
PY
}

# expect STATUS WHAT
expect() { [ "$status" = "$1" ] || fail "$2: expected $1"; }

# expect_problem STATUS NAME WHAT: an application/problem+json answer of type urn:latchkey:problem:NAME.
expect_problem() {
    expect "$1" "$3"
    [[ "$(header Content-Type)" == application/problem+json* ]] || fail "$3: not application/problem+json"
    [ "$(json type)" = "urn:latchkey:problem:$2" ] || fail "$3: expected problem $2"
    [ "$(json status)" = "$1" ] || fail "$3: the body's status is not $1"
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
b64url_decode() {
    local text=${1//-/+}
    text=${text//_//}
    while [ $((${#text} % 4)) -ne 0 ]; do text+="="; done
    printf '%s' "$text" | base64 -d
}

now_ms() { date +%s%3N; }

# sign_up_and_log_in EMAIL: sets $user_id and $token.
sign_up_and_log_in() {
    call "$auth_port" POST /v1/accounts "" "{\"email\":\"$1\",\"password\":\"$password\"}"
    expect 201 "sign-up of $1"
    user_id=$(json id)
    log_in "$1"
}

# log_in EMAIL: sets $token (a new session).
log_in() {
    call "$auth_port" POST /v1/sessions "" "{\"email\":\"$1\",\"password\":\"$password\"}"
    expect 201 "login of $1"
    token=$(json access_token)
}

# Processes: start_auth NAME, start_bookmarks NAME PORT SERVICE_NAME, stop NAME.
start_auth() {
    # Step 2 of docs/ADDING-A-SERVICE.md: auth names bookmarks in every token's aud, and knows its credentials.
    stack_launch "$1" "$bin_dir/auth" PORT="$auth_port" INTERNAL_PORT="$internal_port" DATABASE_URL="$pg_url/auth" \
        AUTH_SECRET_KEY="$auth_secret_key" JWT_ISSUER=latchkey JWT_AUDIENCE=notes,profile,bookmarks \
        INTROSPECTION_CLIENTS="bookmarks:$bookmarks_secret" BCRYPT_COST=4 SIGNUPS_PER_CLIENT=1000
}

start_bookmarks() {
    # Step 1: the service's own settings; AUTH_URL is auth's internal port (JWKS, introspection, feed).
    stack_launch "$1" "$bookmarks_bin" PORT="$2" DATABASE_URL="$pg_url/$3" AUTH_URL="http://127.0.0.1:$internal_port" \
        SERVICE_NAME="$3" JWT_ISSUER=latchkey INTROSPECTION_CLIENT_ID=bookmarks INTROSPECTION_CLIENT_SECRET="$bookmarks_secret" \
        LOG_LEVEL=info
}

stop() {
    local pid=${stack_pid[$1]} kept=() other _
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Forget the PID, so that the cleanup at exit never signals a process that reused it.
    for other in "${stack_pids[@]}"; do [ "$other" = "$pid" ] || kept+=("$other"); done
    stack_pids=("${kept[@]}")
}

# start_gateway: nginx on $gateway_port, from deploy/gateway (not changed: copies are rendered in
# $gateway_dir) plus the upstream and location blocks of the ```nginx block of docs/ADDING-A-SERVICE.md.
start_gateway() {
    gateway_dir=$(ram_dir examples-swift-gateway)
    mkdir -p "$gateway_dir/gateway/tmp" "$gateway_dir/run" "$gateway_dir/logs"
    # nginx's worker (nobody, when the master is root) must reach its temp folder.
    chmod 755 "$gateway_dir" "$gateway_dir/gateway" "$gateway_dir/gateway/tmp"
    sed 's/^daemon on;$/daemon off;/' deploy/gateway/nginx.conf >"$gateway_dir/gateway/nginx.conf"
    python3 - deploy/gateway/default.conf.template docs/ADDING-A-SERVICE.md >"$gateway_dir/template" <<'PY'
import re, sys
template, doc = open(sys.argv[1]).read(), open(sys.argv[2]).read()
blocks = re.findall(r"^```nginx\n(.*?)^```$", doc, re.S | re.M)
assert len(blocks) == 1, "docs/ADDING-A-SERVICE.md: expected one ```nginx block"
upstream = re.search(r"^upstream latchkey_bookmarks \{\n.*?^\}\n", blocks[0], re.S | re.M).group(0)
location = re.search(r"^    location \^~ /v1/bookmarks \{\n.*?^    \}\n", blocks[0], re.S | re.M).group(0)
for anchor, block in (("server {\n", upstream + "\n"), ("    location ^~ /internal/ {\n", location + "\n")):
    assert template.count("\n" + anchor) == 1, f"default.conf.template: expected one {anchor!r}"
    template = template.replace("\n" + anchor, "\n" + block + anchor)
sys.stdout.write(template)
PY
    # As Scripts/stack-native.sh renders it: the named variables only, and loopback instead of 8080.
    # shellcheck disable=SC2016 # envsubst's list of names, not an expansion
    AUTH_UPSTREAM="127.0.0.1:$auth_port" NOTES_UPSTREAM=127.0.0.1:9 PROFILE_UPSTREAM=127.0.0.1:9 \
        BOOKMARKS_UPSTREAM="127.0.0.1:$bookmarks_port" WEB_ROOT="$root/Web" \
        envsubst '${AUTH_UPSTREAM} ${NOTES_UPSTREAM} ${PROFILE_UPSTREAM} ${BOOKMARKS_UPSTREAM} ${WEB_ROOT}' <"$gateway_dir/template" |
        sed -E "s/^([[:space:]]*)listen 8080;[[:space:]]*$/\1listen 127.0.0.1:$gateway_port;/" >"$gateway_dir/gateway/default.conf"
    local args=(-p "$gateway_dir/" -c "$gateway_dir/gateway/nginx.conf" -e "$gateway_dir/logs/error.log")
    "$nginx_bin" -t -q "${args[@]}" || die "nginx refused the gateway config with the doc's blocks"
    "$nginx_bin" "${args[@]}" >"$work/gateway.log" 2>&1 &
    stack_pid[gateway]=$!
    stack_pids+=("$!")
    wait_http_ok "http://127.0.0.1:$gateway_port/.well-known/jwks.json" 10 kill -0 "${stack_pid[gateway]}" || die "the gateway did not start"
}

bookmark_count() {
    "$PG_BIN/psql" "$pg_url/bookmarks" --no-psqlrc --tuples-only --no-align --quiet \
        --command "SELECT count(*) FROM bookmarks WHERE owner_id = '$1'"
}

# ---- 1. build and unit tests ------------------------------------------------------------------

build_started=$SECONDS
log "building $example (and its tests)"
locked swift build --package-path "$example" --build-tests
log "built in $((SECONDS - build_started)) s; unit tests:"
locked swift test --package-path "$example" --skip-build
bookmarks_bin=$root/$example/.build/debug/bookmarks
[ -x "$bookmarks_bin" ] || die "the build made no $bookmarks_bin"

# ---- 2. bookmarks before auth: the start gate -------------------------------------------------

pg_ensure_bin
log "starting PostgreSQL"
pg_url=$(Scripts/postgres-throwaway.sh start "$pg_dir")
Scripts/postgres-throwaway.sh createdb "$pg_dir" auth bookmarks stranger
auth_port=$(free_port)
internal_port=$(free_port)
bookmarks_port=$(free_port)
stranger_port=$(free_port)
gateway_port=$(free_port)
auth_secret_key=$(secret_b64 32)
bookmarks_secret=$(secret_hex 24)
password="correct horse battery"

start_bookmarks bookmarks "$bookmarks_port" bookmarks
wait_http_ok "http://127.0.0.1:$bookmarks_port/healthz" 30 kill -0 "${stack_pid[bookmarks]}" || die "bookmarks did not start"
call "$bookmarks_port" GET /readyz
expect 503 "/readyz before auth is up"
call "$bookmarks_port" GET /v1/bookmarks "not.a.token"
expect_problem 503 auth-unavailable "a read before the keys and the feed's replay"
[ -n "$(header Retry-After)" ] || fail "the start gate's 503 has no Retry-After"
pass "start gate: /healthz 200, /readyz 503, a read 503 auth-unavailable with Retry-After while auth is not up"

# ---- 3. auth, and a real session ----------------------------------------------------------------

start_auth auth
stack_wait_ready auth "$auth_port"
auth_up=$(now_ms)
stack_wait_ready bookmarks "$bookmarks_port"
log "bookmarks ready $(($(now_ms) - auth_up)) ms after auth (JWKS loaded, feed replayed)"
start_bookmarks stranger "$stranger_port" stranger
stack_wait_ready stranger "$stranger_port"

alice_email="alice-$(secret_hex 6)@example.com"
sign_up_and_log_in "$alice_email"
alice=$user_id
alice_token=$token

call "$bookmarks_port" GET /v1/bookmarks
expect_problem 401 token-missing "a read without a token"
[ "$(header WWW-Authenticate)" = 'Bearer realm="latchkey"' ] || fail "401 without the Bearer challenge"
pass "no token: 401 token-missing with WWW-Authenticate"

call "$bookmarks_port" POST /v1/bookmarks "$alice_token" '{"url":"https://swift.org","title":"Swift"}'
expect 201 "a write with a real session"
first_id=$(json id)
[ "$(header Location)" = "/v1/bookmarks/$first_id" ] || fail "201 without its Location"
call "$bookmarks_port" GET /v1/bookmarks "$alice_token"
expect 200 "a read with a real session"
[[ "$(json items.0.id) $(json items.0.url)" == "$first_id https://swift.org" ]] || fail "the read does not list the bookmark"
pass "a real session: POST 201 with Location, GET 200 lists it"

call "$bookmarks_port" POST /v1/bookmarks "$alice_token" '{"url":"ftp://example.com"}'
expect_problem 400 validation-failed "an ftp URL"
[ "$(json errors.0.field)" = url ] || fail "the validation problem does not name url"
call "$bookmarks_port" POST /v1/bookmarks "$alice_token" '{"url":"https://example.com/second"}'
expect 201 "a second write"
second_id=$(json id)
call "$bookmarks_port" DELETE "/v1/bookmarks/$second_id" "$alice_token"
expect 204 "a delete"
call "$bookmarks_port" DELETE "/v1/bookmarks/$second_id" "$alice_token"
expect_problem 404 not-found "a second delete"
pass "validation 400 naming the field, DELETE 204 then 404"

# ---- the gateway route (section 6) ----------------------------------------------------------------

start_gateway
call "$gateway_port" GET /v1/bookmarks "$alice_token"
expect 200 "a read through the gateway"
[ "$(json items.0.id)" = "$first_id" ] || fail "the gateway's read does not list the bookmark"
call "$gateway_port" POST /v1/bookmarks "$alice_token" '{"url":"https://example.com/through-the-gateway"}'
expect 201 "a write through the gateway"
call "$gateway_port" DELETE "/v1/bookmarks/$(json id)" "$alice_token"
expect 204 "a delete through the gateway"
call "$gateway_port" GET /internal/v1/revocations
expect_problem 404 not-found "/internal/ through the gateway"
pass "gateway with the doc's location block: /v1/bookmarks reaches bookmarks (GET 200, POST 201, DELETE 204), /internal/ 404"

# ---- 4. tokens that must be refused ---------------------------------------------------------------

IFS=. read -r token_header token_payload token_signature <<<"$alice_token"
kid=$(b64url_decode "$token_header" | python3 -c 'import json, sys; print(json.load(sys.stdin)["kid"])')

openssl genpkey -algorithm ed25519 -out "$work/forger.pem" 2>/dev/null
forged_header=$(printf '{"alg":"EdDSA","typ":"at+jwt","kid":"%s"}' "$kid" | b64url)
printf '%s' "$forged_header.$token_payload" >"$work/signing-input"
forged_signature=$(openssl pkeyutl -sign -inkey "$work/forger.pem" -rawin -in "$work/signing-input" | b64url)
call "$bookmarks_port" GET /v1/bookmarks "$forged_header.$token_payload.$forged_signature"
expect_problem 401 token-invalid "a token signed by another Ed25519 key under auth's kid"
[[ "$(header WWW-Authenticate)" == *'error="invalid_token"'* ]] || fail "the forged token's 401 has no invalid_token challenge"

none_header=$(printf '{"alg":"none","typ":"at+jwt","kid":"%s"}' "$kid" | b64url)
call "$bookmarks_port" GET /v1/bookmarks "$none_header.$token_payload."
expect_problem 401 token-invalid "alg none"

tampered_payload=$(b64url_decode "$token_payload" | sed -E 's/"sub":"[^"]+"/"sub":"00000000-0000-4000-8000-000000000000"/' | b64url)
call "$bookmarks_port" GET /v1/bookmarks "$token_header.$tampered_payload.$token_signature"
expect_problem 401 token-invalid "a tampered sub"

call "$stranger_port" GET /v1/bookmarks "$alice_token"
expect_problem 401 token-invalid "a real token at a service its aud does not name"
pass "forged, alg none, tampered and wrong-audience tokens: 401 token-invalid"

# ---- 5. logout: refused within a second, no call to auth per read ---------------------------------

log_in "$alice_email"
second_session=$token
call "$bookmarks_port" GET /v1/bookmarks "$second_session"
expect 200 "a read with a second session"
call "$auth_port" DELETE /v1/sessions/current "$second_session"
expect 204 "logout"
logged_out=$(now_ms)
while :; do
    call "$bookmarks_port" GET /v1/bookmarks "$second_session"
    [ "$status" = 200 ] || break
    [ $(($(now_ms) - logged_out)) -lt 3000 ] || break
    sleep 0.02
done
refused_after=$(($(now_ms) - logged_out))
expect_problem 401 session-ended "a read after logout"
[ "$refused_after" -le 1000 ] || fail "the logged-out session was refused only after $refused_after ms"
call "$bookmarks_port" GET /v1/bookmarks "$alice_token"
expect 200 "the other session after the logout"
pass "logout: bookmarks refuses the session (401 session-ended) $refused_after ms after auth answered; the other session still reads"

# ---- 6. auth stopped: writes fail closed, reads go on ---------------------------------------------

stop auth
started_write=$(now_ms)
call "$bookmarks_port" POST /v1/bookmarks "$alice_token" '{"url":"https://example.com/while-auth-is-down"}'
write_took=$(($(now_ms) - started_write))
expect_problem 503 auth-unavailable "a write while auth is down"
[ -n "$(header Retry-After)" ] || fail "the 503 has no Retry-After"
call "$bookmarks_port" GET /v1/bookmarks "$alice_token"
expect 200 "a read while auth is down"
pass "auth stopped: a write is 503 auth-unavailable with Retry-After ($write_took ms), a read still 200"

# ---- 7. restarted while auth is down: 503 until the replay, then the revoked session stays refused --

stop bookmarks
start_bookmarks bookmarks-restarted "$bookmarks_port" bookmarks
wait_http_ok "http://127.0.0.1:$bookmarks_port/healthz" 30 kill -0 "${stack_pid[bookmarks-restarted]}" || die "bookmarks did not restart"
call "$bookmarks_port" GET /v1/bookmarks "$second_session"
expect_problem 503 auth-unavailable "a read after a restart, before the feed's replay"
start_auth auth-restarted
stack_wait_ready auth-restarted "$auth_port"
stack_wait_ready bookmarks-restarted "$bookmarks_port"
call "$bookmarks_port" GET /v1/bookmarks "$second_session"
expect_problem 401 session-ended "the session revoked before the restart"
call "$bookmarks_port" POST /v1/bookmarks "$alice_token" '{"url":"https://example.com/after-the-restart"}'
expect 201 "a write once auth is back"
pass "restarted while auth was down: 503 until the replay, then the session logged out earlier is 401"

# ---- 8. account deletion: the user's bookmarks leave bookmarks' database ---------------------------

bob_email="bob-$(secret_hex 6)@example.com"
sign_up_and_log_in "$bob_email"
bob=$user_id
bob_token=$token
for url in https://example.com/one https://example.com/two; do
    call "$bookmarks_port" POST /v1/bookmarks "$bob_token" "{\"url\":\"$url\"}"
    expect 201 "bob's write"
done
[ "$(bookmark_count "$bob")" = 2 ] || die "bob's two bookmarks are not in the database"
alice_before=$(bookmark_count "$alice")
call "$auth_port" DELETE /v1/accounts/me "$bob_token" "{\"current_password\":\"$password\"}"
expect 204 "account deletion"
deleted=$(now_ms)
until [ "$(bookmark_count "$bob")" = 0 ]; do
    [ $(($(now_ms) - deleted)) -lt 10000 ] || die "bob's bookmarks were still in bookmarks' database 10 s after the deletion"
    sleep 0.05
done
erased_after=$(($(now_ms) - deleted))
[ "$(bookmark_count "$alice")" = "$alice_before" ] || die "alice's bookmarks changed with bob's deletion"
call "$bookmarks_port" GET /v1/bookmarks "$bob_token"
expect_problem 401 session-ended "the deleted account's token"
pass "account deletion: bob's bookmarks gone from bookmarks' database after $erased_after ms, alice's kept, bob's token 401"

log "every check passed"
echo "examples-swift: $checks passed, 0 failed"
