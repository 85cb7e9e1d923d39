#!/usr/bin/env bash
# Tests deploy/monitoring/: the alert rules and their unit tests with promtool, then a real Prometheus
# scraping a real stack.
#
#   Scripts/test-monitoring.sh          (CI runs it after `swift build`; it builds nothing)
#
# 1. promtool check rules deploy/monitoring/alerts.yml, check config deploy/monitoring/prometheus.yml,
#    test rules deploy/monitoring/alerts.test.yml.
# 2. A throwaway PostgreSQL and the debug executables auth, notes and profile on free loopback ports
#    (Scripts/lib/throwaway-stack.sh), and Prometheus on a free loopback port with a config rendered
#    by deploy/monitoring/render-config.sh (1 s scrape and evaluation interval, the rules loaded).
# 3. Traffic through the public API (sign-up, login, refresh-token reuse, a note, a profile, logins
#    past the failure limit), then through Prometheus' HTTP API (/api/v1/query): every target up, and
#    per service a latchkey_ metric that the alert rules read, with the labels they match on; every
#    rule of alerts.yml loaded and evaluating without error (/api/v1/rules).
# 4. A failure drill: auth is stopped, writes to notes fail closed with 503, and the alerts
#    LatchkeyServiceDown (auth), LatchkeyRevocationFeedDisconnected (notes, profile) and
#    LatchkeyWritesFailingClosed (notes) become pending in Prometheus (/api/v1/alerts).
#
# Needs promtool and prometheus on PATH (Debian: apt-get install prometheus), python3, PostgreSQL's
# server binaries, and the executables in MONITORING_BIN_DIR; installs nothing and exits 1 saying what
# is missing. Every wait is bounded; every process it starts is stopped at exit, whatever happens.
#
# Settings (environment):
#   MONITORING_BIN_DIR   where auth, notes and profile are (default .build/debug)
#   PROMETHEUS, PROMTOOL the binaries (default: from PATH)
# After a failure the logs of the services and Prometheus are in test-artifacts/monitoring/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
readonly MONITORING_DIR=deploy/monitoring
readonly WAIT_SECONDS=30
bin_dir=${MONITORING_BIN_DIR:-$root/.build/debug}
artifacts=$root/test-artifacts/monitoring
checks=()
passed() {
    checks+=("$1")
    log "ok: $1"
}

# --- tools (nothing is installed) ------------------------------------------------------------------
missing=() packages=()
promtool=${PROMTOOL:-$(command -v promtool || true)}
prometheus=${PROMETHEUS:-$(command -v prometheus || true)}
if [ -z "$promtool" ] || [ ! -x "$promtool" ]; then missing+=("promtool (Debian package prometheus)") packages+=(prometheus); fi
if [ -z "$prometheus" ] || [ ! -x "$prometheus" ]; then missing+=("prometheus (Debian package prometheus)") packages+=(prometheus); fi
command -v python3 >/dev/null 2>&1 || { missing+=("python3"); packages+=(python3); }
pg_find_bin >/dev/null || { missing+=("PostgreSQL server binaries (Debian package postgresql)"); packages+=(postgresql); }
for name in auth notes profile; do
    [ -x "$bin_dir/$name" ] || missing+=("$bin_dir/$name (build it first: swift build --product $name)")
done
if [ ${#missing[@]} -gt 0 ]; then
    printf 'test-monitoring: error: missing:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    if [ ${#packages[@]} -gt 0 ]; then
        printf 'Install with: sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n' \
            "$(printf '%s\n' "${packages[@]}" | sort -u | paste -s -d ' ')" >&2
    fi
    exit 1
fi

stack_init monitoring
# At exit (stack_exit, before stack_stop): after a failure, the logs to the artifacts and their ends here.
stack_exit_hook() {
    [ "$1" -ne 0 ] || return 0
    mkdir -p "$artifacts"
    stack_copy_logs "$artifacts"
    [ ! -f "$work/prometheus.log" ] || cp "$work/prometheus.log" "$artifacts/prometheus.log"
    local name
    for name in auth notes profile prometheus; do
        [ ! -f "$work/$name.log" ] || { echo "---- last lines of $name.log ----" >&2; tail -n 20 "$work/$name.log" >&2; }
    done
    log "logs in $artifacts"
}
rm -rf "$artifacts"
log "$("$prometheus" --version 2>&1 | head -n 1)"

# --- 1. promtool --------------------------------------------------------------------------------------
"$promtool" check rules "$MONITORING_DIR/alerts.yml" >"$work/promtool.log" 2>&1 ||
    { cat "$work/promtool.log" >&2; die "promtool check rules $MONITORING_DIR/alerts.yml failed"; }
rule_count=$(grep -c -E '^[[:space:]]*- alert:' "$MONITORING_DIR/alerts.yml")
passed "promtool check rules: $rule_count alerting rules"
"$promtool" check config "$MONITORING_DIR/prometheus.yml" >"$work/promtool.log" 2>&1 ||
    { cat "$work/promtool.log" >&2; die "promtool check config $MONITORING_DIR/prometheus.yml failed"; }
passed "promtool check config: $MONITORING_DIR/prometheus.yml (compose)"
(cd "$MONITORING_DIR" && "$promtool" test rules alerts.test.yml) >"$work/promtool.log" 2>&1 ||
    { cat "$work/promtool.log" >&2; die "promtool test rules $MONITORING_DIR/alerts.test.yml failed"; }
test_groups=$(grep -c -E '^  - name:' "$MONITORING_DIR/alerts.test.yml")
passed "promtool test rules: $test_groups test groups"
# Every alert has a unit test that fires it and one where it stays quiet.
sed -n -E 's/^[[:space:]]*- alert:[[:space:]]*([A-Za-z0-9_]+).*/\1/p' "$MONITORING_DIR/alerts.yml" >"$work/alerts.txt"
python3 - "$MONITORING_DIR/alerts.test.yml" "$work/alerts.txt" <<'PY' || die "alerts.test.yml lacks a firing or a quiet case (above)"
import re, sys
text = open(sys.argv[1]).read()
missing = []
for alert in open(sys.argv[2]).read().split():
    # Each "alertname: X" is followed by its exp_alerts: "[]" (quiet) or a list (fires).
    cases = re.findall(r"alertname: " + re.escape(alert) + r"\s*\n\s*exp_alerts:(\s*\[\])?", text)
    if not any(not quiet for quiet in cases):
        missing.append(f"{alert}: no firing case")
    if not any(quiet for quiet in cases):
        missing.append(f"{alert}: no quiet case")
if missing:
    sys.exit("\n".join(missing))
PY
passed "every alert has a firing and a quiet unit test"

# --- 2. stack and Prometheus -------------------------------------------------------------------------
stack_start "$bin_dir" BCRYPT_COST=4 LOGIN_FAILURES_PER_EMAIL=3
log "stack ready: auth :$auth_port, notes :$notes_port, profile :$profile_port"
prometheus_port=$(free_port)
"$MONITORING_DIR/render-config.sh" "$work/prometheus.yml" "127.0.0.1:$auth_port" "127.0.0.1:$notes_port" \
    "127.0.0.1:$profile_port" "127.0.0.1:$prometheus_port" 1s
"$promtool" check config "$work/prometheus.yml" >"$work/promtool.log" 2>&1 ||
    { cat "$work/promtool.log" >&2; die "promtool check config rejected the rendered config"; }
passed "promtool check config: the rendered config for this stack"
mkdir -p "$work/prometheus-data"
env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$work" "$prometheus" \
    --config.file="$work/prometheus.yml" \
    --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address="127.0.0.1:$prometheus_port" \
    >"$work/prometheus.log" 2>&1 &
stack_pid[prometheus]=$!
stack_pids+=("$!")
rc=0
wait_http_ok "http://127.0.0.1:$prometheus_port/-/ready" "$WAIT_SECONDS" proc_alive "${stack_pid[prometheus]}" || rc=$?
[ "$rc" -ne 1 ] || die "prometheus exited while starting"
[ "$rc" -eq 0 ] || die "prometheus was not ready on port $prometheus_port within $WAIT_SECONDS s"
log "prometheus ready on 127.0.0.1:$prometheus_port (PID ${stack_pid[prometheus]})"

# --- 3 and 4. traffic, queries, drill ----------------------------------------------------------------------
# check.py PHASE: prints "ok: ..." lines (collected as checks) and exits non-zero on the first failure.
cat >"$work/check.py" <<'PY'
import json, sys, time, urllib.error, urllib.parse, urllib.request, uuid

phase, auth, notes, profile, prom, wait_seconds, alerts_file, state_file = sys.argv[1:9]
wait_seconds = float(wait_seconds)
# Straight to 127.0.0.1, whatever http_proxy says.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fail(message):
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def ok(message):
    print(f"ok: {message}", flush=True)


def call(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with opener.open(request, timeout=10) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, None


def expect(method, url, status, body=None, token=None):
    got, answer = call(method, url, body, token)
    if got != status:
        fail(f"{method} {url}: {got} instead of {status}: {answer}")
    return answer


def prom_get(path, **params):
    status, answer = call("GET", f"http://127.0.0.1:{prom}{path}?{urllib.parse.urlencode(params)}")
    if status != 200 or not answer or answer.get("status") != "success":
        fail(f"Prometheus {path} {params}: {status} {answer}")
    return answer["data"]


def eventually(description, probe):
    """Polls probe() (a truthy result ends the wait) for at most wait_seconds."""
    deadline = time.monotonic() + wait_seconds
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.5)
    fail(f"{description}: not within {wait_seconds:.0f} s")


def query_values(promql):
    return [float(sample["value"][1]) for sample in prom_get("/api/v1/query", query=promql)["result"]]


def expect_query(promql, what):
    values = eventually(f"{promql} ({what})", lambda: query_values(promql))
    ok(f"{promql} = {values[0]:g}  ({what})")


def base(port):
    return f"http://127.0.0.1:{port}"


if phase == "traffic":
    email = f"monitoring-{uuid.uuid4()}@monitoring.example"
    password = "monitoring password 1"
    expect("POST", base(auth) + "/v1/accounts", 201, {"email": email, "password": password})
    first = expect("POST", base(auth) + "/v1/sessions", 201, {"email": email, "password": password})
    # Two rotations, then the first token again (two steps back): theft, the session ends.
    second = expect("POST", base(auth) + "/v1/sessions/refresh", 200, {"refresh_token": first["refresh_token"]})
    expect("POST", base(auth) + "/v1/sessions/refresh", 200, {"refresh_token": second["refresh_token"]})
    expect("POST", base(auth) + "/v1/sessions/refresh", 401, {"refresh_token": first["refresh_token"]})
    session = expect("POST", base(auth) + "/v1/sessions", 201, {"email": email, "password": password})
    token = session["access_token"]
    expect("POST", base(notes) + "/v1/notes", 201, {"title": "monitoring", "body": "a write"}, token)
    expect("PUT", base(profile) + "/v1/profile", 200, {"display_name": "Monitoring", "bio": "a write"}, token)
    # Wrong passwords for another e-mail until auth answers 429 (LOGIN_FAILURES_PER_EMAIL=3).
    stranger = f"stranger-{uuid.uuid4()}@monitoring.example"
    statuses = [call("POST", base(auth) + "/v1/sessions", {"email": stranger, "password": "wrong password"})[0] for _ in range(5)]
    if 429 not in statuses:
        fail(f"no 429 after 5 failed logins: {statuses}")
    with open(state_file, "w") as handle:
        json.dump({"token": token}, handle)
    ok("traffic: sign-up, login, refresh-token reuse, a note, a profile, logins past the limit")

    # Through Prometheus: the targets, then per service the series the rules read.
    for job in ("auth", "notes", "profile"):
        expect_query(f'up{{job="{job}"}} == 1', f"{job} scraped")
    expect_query('latchkey_logins_total{job="auth", outcome="rate_limited"} >= 1', "LatchkeyLoginRateLimitStorm reads it")
    expect_query('latchkey_refreshes_total{job="auth", outcome="theft"} >= 1', "LatchkeyRefreshTokenTheftSpike reads it")
    for job, method, status in (("notes", "POST", "201"), ("profile", "PUT", "200")):
        expect_query(f'latchkey_revocation_feed_connected{{job="{job}"}} == 1', "LatchkeyRevocationFeedDisconnected reads it")
        expect_query(
            f'sum(latchkey_introspection_duration_seconds_bucket{{job="{job}", le="+Inf"}}) >= 1',
            "LatchkeyIntrospectionLatencyHigh reads it",
        )
        expect_query(
            f'sum(hb_requests{{job="{job}", http_request_method="{method}", http_response_status_code="{status}"}}) >= 1',
            "LatchkeyWritesFailingClosed reads it",
        )

    # The rules: every alert of alerts.yml loaded, and each evaluated without error.
    wanted = set(open(alerts_file).read().split())

    def rules_evaluated():
        rules = [rule for group in prom_get("/api/v1/rules")["groups"] for rule in group["rules"]]
        names = {rule["name"] for rule in rules if rule["type"] == "alerting"}
        if names != wanted:
            fail(f"alerting rules loaded: {sorted(names)}, expected {sorted(wanted)}")
        errors = [f'{rule["name"]}: {rule.get("lastError")}' for rule in rules if rule["health"] == "err"]
        if errors:
            fail(f"rules that failed to evaluate: {errors}")
        return all(rule["health"] == "ok" for rule in rules)

    eventually("every rule evaluated", rules_evaluated)
    ok(f"/api/v1/rules: all {len(wanted)} alerting rules of alerts.yml loaded, each evaluated without error")

elif phase == "drill":
    # auth is stopped: writes fail closed, and the alerts become pending (their `for` is minutes).
    token = json.load(open(state_file))["token"]
    wanted = {("LatchkeyServiceDown", "auth"), ("LatchkeyRevocationFeedDisconnected", "notes"),
              ("LatchkeyRevocationFeedDisconnected", "profile"), ("LatchkeyWritesFailingClosed", "notes")}
    statuses = []

    def drill():
        status, answer = call("POST", base(notes) + "/v1/notes", {"title": "drill", "body": "auth is down"}, token)
        statuses.append(status)
        if status != 503:
            fail(f"a write with auth stopped got {status} instead of 503: {answer}")
        active = {(alert["labels"]["alertname"], alert["labels"].get("job")) for alert in prom_get("/api/v1/alerts")["alerts"]
                  if alert["state"] in ("pending", "firing")}
        return active if wanted <= active else None

    active = eventually(f"alerts {sorted(wanted)} pending", drill)
    ok(f"drill: {len(statuses)} writes to notes answered 503 with auth stopped")
    ok("drill: pending in Prometheus: " + ", ".join(f"{name}{{job={job}}}" for name, job in sorted(active & wanted)))
else:
    fail(f"unknown phase {phase}")
PY

run_check() {
    local output line
    output=$(python3 "$work/check.py" "$1" "$auth_port" "$notes_port" "$profile_port" "$prometheus_port" \
        "$WAIT_SECONDS" "$work/alerts.txt" "$work/state.json") || {
        [ -z "$output" ] || printf '%s\n' "$output" >&2
        die "the $1 phase failed"
    }
    while IFS= read -r line; do
        [[ "$line" != "ok: "* ]] || passed "${line#ok: }"
    done <<<"$output"
}
run_check traffic

log "stopping auth (PID $auth_pid) for the failure drill"
kill -TERM "$auth_pid"
for _ in $(seq 1 100); do kill -0 "$auth_pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$auth_pid" 2>/dev/null || true
wait "$auth_pid" 2>/dev/null || true
run_check drill

printf '\ntest-monitoring: %d checks passed in %ss (Prometheus %s, promtool %s)\n' "${#checks[@]}" "$((SECONDS - started))" \
    "$("$prometheus" --version 2>&1 | sed -n -E '1s/^prometheus, version ([^ ]+).*/\1/p')" \
    "$("$promtool" --version 2>&1 | sed -n -E '1s/^promtool, version ([^ ]+).*/\1/p')"
