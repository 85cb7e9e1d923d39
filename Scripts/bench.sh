#!/usr/bin/env bash
# `make bench`: builds release binaries, starts a throwaway stack on 127.0.0.1, runs every benchmark
# and writes bench/results/latest.md (tables a person reads) and bench/results/latest.json (the same
# figures for tools). See bench/README.md for what is measured and how.
#
# Settings (environment):
#   BENCH_SECONDS=3          length of each timed HTTP run
#   BENCH_ROUNDS=4           rounds per variant; variants alternate within a round (A B A B)
#   BENCH_USERS=1000         users (tokens) in rotation
#   BENCH_BCRYPT_COST=12     BCRYPT_COST of the auth service under test (login storm)
#   BENCH_WRITE_CONNECTIONS=1 (the latency one write gains), BENCH_STORM_CONNECTIONS=8
#   BENCH_SCRATCH_PATH=.build-release   where the release build goes (kept apart from debug builds)
#   BENCH_OUT_DIR=bench/results         where latest.md and latest.json are written
#   BENCH_SKIP_BUILD=1       use the binaries already in BENCH_SCRATCH_PATH
#   BENCH_KEEP=1             keep the work folder (logs, raw records) even on success
#   BENCH_PHASES=verify,read,whoami,write,refresh,storm,reach   run only these (memory is always measured;
#                            the report marks the rest "not measured")
#   BENCH_HOLD=SECONDS       after seeding, keep the stack up this long (at most 3600) and print its URLs,
#                            e.g. to profile a service with `perf record -p PID`; then go on
# Every process it starts is stopped by PID at exit; all load goes to 127.0.0.1 and is bounded in time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
stack_init bench
ROOT=$root
WORK=$work

SWIFT=${SWIFT:-swift}
RUN_SECONDS=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-4}
USERS=${BENCH_USERS:-1000}
BCRYPT_COST=${BENCH_BCRYPT_COST:-12}
READ_CONNECTIONS=64
WRITE_CONNECTIONS=${BENCH_WRITE_CONNECTIONS:-1}
STORM_CONNECTIONS=${BENCH_STORM_CONNECTIONS:-8}
STORM_USERS=8
REFRESH_CONCURRENCY=16
SCRATCH=${BENCH_SCRATCH_PATH:-.build-release}
OUT_DIR=${BENCH_OUT_DIR:-bench/results}
PHASES=",${BENCH_PHASES:-verify,read,whoami,write,refresh,storm,reach},"
WRK_SCRIPT="$ROOT/Benchmarks/wrk/rotate.lua"
RAW="$WORK/raw.jsonl"
: >"$RAW"
success=0
phase() { [[ "$PHASES" == *",$1,"* ]]; }

# At exit (stack_exit): the work folder stays for a look unless the run succeeded (and BENCH_KEEP is unset).
stack_exit_hook() {
    if [ "$success" -eq 1 ] && [ -z "${BENCH_KEEP:-}" ]; then
        return 0
    fi
    stack_keep_work=1
    echo "bench: logs and raw records kept in $WORK" >&2
}

command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v curl >/dev/null 2>&1 || apt_install curl

# --- build -----------------------------------------------------------------------------------------

build_started=$SECONDS
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    log "building release binaries in $SCRATCH (a clean build takes several minutes)"
    "$SWIFT" build -c release --scratch-path "$SCRATCH" >"$WORK/build.log" 2>&1 ||
        { tail -n 40 "$WORK/build.log" >&2; die "release build failed"; }
fi
BIN=$("$SWIFT" build -c release --scratch-path "$SCRATCH" --show-bin-path)
for exe in auth notes profile latchkey-bench-server latchkey-bench; do
    [ -x "$BIN/$exe" ] || die "$BIN/$exe is missing; run without BENCH_SKIP_BUILD"
done
build_seconds=$((SECONDS - build_started))
bench_started=$SECONDS
log "build done in ${build_seconds}s"

# --- helpers ---------------------------------------------------------------------------------------

# Resident set size and its high-water mark of a service, in MB (10^6 bytes).
rss_mb() {
    awk -v key="$2:" '$1 == key { printf "%.2f", $2 * 1024 / 1e6 }' "/proc/${stack_pid[$1]}/status"
}

# wrk_run BENCH VARIANT ROUND URL PATH CONNECTIONS SECONDS [VAR=VALUE...]: one timed run, one record.
wrk_run() {
    local bench=$1 variant=$2 round=$3 url=$4 path=$5 connections=$6 seconds=$7
    shift 7
    local threads=2
    [ "$connections" -ge 2 ] || threads=1
    env BENCH_USERS="$WORK/tokens.txt" BENCH_PATH="$path" BENCH_OUT="$RAW" \
        BENCH_NAME="$bench" BENCH_VARIANT="$variant" BENCH_ROUND="$round" "$@" \
        wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$WRK_SCRIPT" "$url" \
        >>"$WORK/wrk.log" 2>&1 || die "wrk failed ($bench $variant); see $WORK/wrk.log"
}

# A short run whose figures are dropped: warms connections, caches and the JIT of nothing.
warm_up() {
    local url=$1 path=$2 connections=$3
    shift 3
    local threads=2
    [ "$connections" -ge 2 ] || threads=1
    env BENCH_USERS="$WORK/tokens.txt" BENCH_PATH="$path" "$@" \
        wrk -t"$threads" -c"$connections" -d1s --timeout 10s -s "$WRK_SCRIPT" "$url" >>"$WORK/wrk.log" 2>&1 || true
}

# --- 1. token verification in process --------------------------------------------------------------

if phase verify; then
    log "1/6 token verification in process (one core)"
    pin=()
    command -v taskset >/dev/null 2>&1 && pin=(taskset -c 0)
    "${pin[@]}" "$BIN/latchkey-bench" verify --out "$RAW" --seconds 1 --rounds "$ROUNDS" >"$WORK/verify.log" 2>&1 ||
        { cat "$WORK/verify.log" >&2; die "verification benchmark failed"; }
fi

# --- the stack -------------------------------------------------------------------------------------

log "starting PostgreSQL and the stack"
stack_postgres
PG_URL=$pg_url
NOTES_SECRET=$(secret_hex 16)
PROFILE_SECRET=$(secret_hex 16)
BENCH_SECRET=$(secret_hex 16)
CLIENTS="notes:$NOTES_SECRET,profile:$PROFILE_SECRET,bench:$BENCH_SECRET"
AUTH_PORT=$(free_port)
SEED_PORT=$(free_port)
NOTES_PORT=$(free_port)
PROFILE_PORT=$(free_port)
SERVER_PORT=$(free_port)
AUTH="http://127.0.0.1:$AUTH_PORT"
SEED="http://127.0.0.1:$SEED_PORT"
NOTES="http://127.0.0.1:$NOTES_PORT"
PROFILE="http://127.0.0.1:$PROFILE_PORT"
SERVER="http://127.0.0.1:$SERVER_PORT"
# Tokens live an hour so that none expires during the run. The services log at info.
auth_env=(AUTH_SECRET_KEY="$(secret_b64 32)" INTROSPECTION_CLIENTS="$CLIENTS" ACCESS_TOKEN_TTL_SECONDS=3600
    SIGNUPS_PER_CLIENT=1000000 DATABASE_URL="$PG_URL/auth" LOG_LEVEL=info)

stack_launch auth "$BIN/auth" PORT="$AUTH_PORT" BCRYPT_COST="$BCRYPT_COST" "${auth_env[@]}"
stack_wait_ready auth "$AUTH_PORT"
# A replica with a low bcrypt cost, only to create the 1,000 users in seconds rather than minutes.
stack_launch auth-seed "$BIN/auth" PORT="$SEED_PORT" BCRYPT_COST=4 "${auth_env[@]}"
resource_env=(AUTH_URL="$AUTH" INTROSPECTION_TIMEOUT_MS=2000 LOG_LEVEL=info)
stack_launch notes "$BIN/notes" PORT="$NOTES_PORT" DATABASE_URL="$PG_URL/notes" INTROSPECTION_CLIENT_ID=notes \
    INTROSPECTION_CLIENT_SECRET="$NOTES_SECRET" "${resource_env[@]}"
stack_launch profile "$BIN/profile" PORT="$PROFILE_PORT" DATABASE_URL="$PG_URL/profile" INTROSPECTION_CLIENT_ID=profile \
    INTROSPECTION_CLIENT_SECRET="$PROFILE_SECRET" "${resource_env[@]}"
stack_wait_ready notes "$NOTES_PORT"
# The bench server shares the notes database (same schema, same rows): every variant reads the same notes.
stack_launch bench-server "$BIN/latchkey-bench-server" PORT="$SERVER_PORT" DATABASE_URL="$PG_URL/notes" SERVICE_NAME=notes \
    INTROSPECTION_CLIENT_ID=bench INTROSPECTION_CLIENT_SECRET="$BENCH_SECRET" "${resource_env[@]}"
stack_wait_ready auth-seed "$SEED_PORT"
stack_wait_ready profile "$PROFILE_PORT"
stack_wait_ready bench-server "$SERVER_PORT"
sleep 1

declare -A IDLE_RSS
for service in auth notes profile bench-server; do
    IDLE_RSS[$service]=$(rss_mb "$service" VmRSS)
done
log "idle RSS (MB): auth ${IDLE_RSS[auth]}, notes ${IDLE_RSS[notes]}, profile ${IDLE_RSS[profile]}"

log "seeding $USERS users (account, session, one note, a profile) and $STORM_USERS storm users"
"$BIN/latchkey-bench" seed --auth "$SEED" --notes "$NOTES" --profile "$PROFILE" --users "$USERS" \
    --out "$WORK/tokens.txt" --storm-auth "$AUTH" --storm-users "$STORM_USERS" --storm-out "$WORK/storm.txt" \
    >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log" >&2; die "seeding failed"; }

if [ -n "${BENCH_HOLD:-}" ]; then
    hold=$((BENCH_HOLD > 3600 ? 3600 : BENCH_HOLD))
    log "holding the stack for ${hold}s: auth $AUTH (pid ${stack_pid[auth]}), notes $NOTES (pid ${stack_pid[notes]}),"
    log "  profile $PROFILE (pid ${stack_pid[profile]}), bench server $SERVER (pid ${stack_pid[bench-server]});"
    log "  users: $WORK/tokens.txt; wrk script: $WRK_SCRIPT (BENCH_USERS=... BENCH_PATH=...)"
    sleep "$hold" &
    stack_pids+=("$!")
    wait "$!"
fi

# --- 2. safe reads ---------------------------------------------------------------------------------

if phase read; then
    log "2/6 safe reads: GET /v1/notes/{id}, $READ_CONNECTIONS connections"
    read_targets=("none|$SERVER|/none/v1/notes/{note}" "local|$SERVER|/local/v1/notes/{note}"
        "introspect|$SERVER|/introspect/v1/notes/{note}" "shipped|$NOTES|/v1/notes/{note}")
    for entry in "${read_targets[@]}"; do
        IFS='|' read -r _ url path <<<"$entry"
        warm_up "$url" "$path" "$READ_CONNECTIONS"
    done
    for round in $(seq 1 "$ROUNDS"); do
        for entry in "${read_targets[@]}"; do
            IFS='|' read -r variant url path <<<"$entry"
            wrk_run read "$variant" "$round" "$url" "$path" "$READ_CONNECTIONS" "$RUN_SECONDS"
        done
    done
fi

if phase whoami; then
    log "2/6 the authentication layer alone: GET /v1/whoami"
    for variant in none local introspect nocache; do
        warm_up "$SERVER" "/$variant/v1/whoami" "$READ_CONNECTIONS"
    done
    for round in $(seq 1 "$ROUNDS"); do
        for variant in none local introspect nocache; do
            wrk_run whoami "$variant" "$round" "$SERVER" "/$variant/v1/whoami" "$READ_CONNECTIONS" "$RUN_SECONDS"
        done
    done
fi

if phase read; then
    log "2/6 GET /v1/profile on the shipped profile service"
    warm_up "$PROFILE" /v1/profile "$READ_CONNECTIONS"
    wrk_run profile shipped 1 "$PROFILE" /v1/profile "$READ_CONNECTIONS" "$RUN_SECONDS"
fi

# --- 5. memory after the reads (the peak is read at the very end, after the writes and the storm) -----

declare -A AFTER_READ_RSS
for service in auth notes profile bench-server; do
    AFTER_READ_RSS[$service]=$(rss_mb "$service" VmRSS)
done

# --- 3. dangerous writes ---------------------------------------------------------------------------

if phase write; then
    log "3/6 dangerous writes: POST /v1/notes, $WRITE_CONNECTIONS connections"
    write_body='{"title":"Benchmark note","body":"Written by make bench."}'
    for variant in nocheck local; do
        warm_up "$SERVER" "/$variant/v1/notes" "$WRITE_CONNECTIONS" BENCH_METHOD=POST BENCH_BODY="$write_body"
    done
    # What a session check costs at the least: auth's introspection endpoint on its own (one HTTP round trip
    # plus auth's session lookup in its database), and a bare HTTP round trip to auth.
    basic=$(printf 'bench:%s' "$BENCH_SECRET" | base64 | tr -d '\n')
    warm_up "$AUTH" /internal/v1/introspect 1 BENCH_MODE=introspect BENCH_BASIC="$basic"
    for round in $(seq 1 "$ROUNDS"); do
        for variant in nocheck local; do
            wrk_run write "$variant" "$round" "$SERVER" "/$variant/v1/notes" "$WRITE_CONNECTIONS" "$RUN_SECONDS" \
                BENCH_METHOD=POST BENCH_BODY="$write_body"
        done
        wrk_run write introspection "$round" "$AUTH" /internal/v1/introspect "$WRITE_CONNECTIONS" "$RUN_SECONDS" \
            BENCH_MODE=introspect BENCH_BASIC="$basic"
        wrk_run write healthz "$round" "$AUTH" /healthz "$WRITE_CONNECTIONS" "$RUN_SECONDS"
    done
fi

# --- 4. refresh and login --------------------------------------------------------------------------

if phase refresh; then
    log "4/6 refresh rotations, $REFRESH_CONCURRENCY clients"
    "$BIN/latchkey-bench" refresh --auth "$AUTH" --tokens "$WORK/tokens.txt" --out "$RAW" --seconds "$RUN_SECONDS" \
        --rounds "$ROUNDS" --concurrency "$REFRESH_CONCURRENCY" >"$WORK/refresh.log" 2>&1 ||
        { cat "$WORK/refresh.log" >&2; die "refresh benchmark failed"; }
fi

if phase storm; then
    log "4/6 login storm at BCRYPT_COST=$BCRYPT_COST: reads idle vs during the storm"
    # Light and steady: each connection pauses 4 ms before each request (about 1,000 reads/s on notes and
    # 500 on auth at most), so that idle means idle; unthrottled, these reads alone saturate both cores
    # and their p99 measures the scheduler's queue rather than the storm.
    light_reads() {
        local phase=$1 round=$2
        wrk_run storm "notes-$phase" "$round" "$NOTES" "/v1/notes/{note}" 4 "$RUN_SECONDS" BENCH_DELAY_MS=4 &
        local notes_wrk=$!
        wrk_run storm "auth-$phase" "$round" "$AUTH" "/.well-known/jwks.json" 2 "$RUN_SECONDS" BENCH_DELAY_MS=4
        wait "$notes_wrk"
    }
    for round in $(seq 1 "$ROUNDS"); do
        light_reads idle "$round"
        env BENCH_USERS="$WORK/storm.txt" BENCH_PATH=/v1/sessions BENCH_MODE=login BENCH_PASSWORD=bench-password-1234 \
            BENCH_OUT="$RAW" BENCH_NAME=storm BENCH_VARIANT=logins BENCH_ROUND="$round" \
            wrk -t2 -c"$STORM_CONNECTIONS" -d"$((RUN_SECONDS + 2))s" --timeout 20s -s "$WRK_SCRIPT" "$AUTH" \
            >>"$WORK/wrk.log" 2>&1 &
        storm_wrk=$!
        sleep 1
        light_reads storm "$round"
        wait "$storm_wrk" || die "the login storm failed; see $WORK/wrk.log"
        # Logins that wrk left queued in auth still hash after it stops: let them drain, so that the next
        # round's idle phase is idle.
        sleep 3
    done
fi

# --- 6. revocation reach ---------------------------------------------------------------------------

if phase reach; then
    log "6/6 revocation reach"
    "$BIN/latchkey-bench" reach --auth "$AUTH" --login-auth "$SEED" --notes "$NOTES" --tokens "$WORK/tokens.txt" \
        --out "$RAW" --samples 40 >"$WORK/reach.log" 2>&1 || { cat "$WORK/reach.log" >&2; die "reach benchmark failed"; }
fi

# --- 5. memory: the high-water mark of the whole run ------------------------------------------------

for service in auth notes profile bench-server; do
    printf '{"bench":"memory","variant":"%s","round":1,"values":{"idle_mb":%s,"after_read_mb":%s,"peak_mb":%s}}\n' \
        "$service" "${IDLE_RSS[$service]}" "${AFTER_READ_RSS[$service]}" "$(rss_mb "$service" VmHWM)" >>"$RAW"
done

# --- report ----------------------------------------------------------------------------------------

bench_seconds=$((SECONDS - bench_started))
total_seconds=$((SECONDS - started))
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
dirty=false
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || dirty=true
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
swift_version=$("$SWIFT" --version 2>/dev/null | head -n 1 | sed 's/"/\\"/g')
wrk_version=$({ wrk -v 2>&1 || true; } | head -n 1 | awk '{ print $1, $2 }')
cat >"$WORK/meta.json" <<EOF
{
  "commit": "$commit",
  "dirty": $dirty,
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "cores": $(nproc),
  "cpu": "$cpu",
  "swift": "$swift_version",
  "load": "$wrk_version (2 threads) with Benchmarks/wrk/rotate.lua; latchkey-bench (AsyncHTTPClient) for refresh and reach",
  "build_seconds": $build_seconds,
  "bench_seconds": $bench_seconds,
  "total_seconds": $total_seconds,
  "rounds": $ROUNDS,
  "run_seconds": $RUN_SECONDS,
  "users": $USERS,
  "read_connections": $READ_CONNECTIONS,
  "write_connections": $WRITE_CONNECTIONS,
  "storm_connections": $STORM_CONNECTIONS,
  "refresh_concurrency": $REFRESH_CONCURRENCY,
  "bcrypt_cost": $BCRYPT_COST
}
EOF
mkdir -p "$OUT_DIR"
"$BIN/latchkey-bench" report --raw "$RAW" --meta "$WORK/meta.json" --markdown "$OUT_DIR/latest.md" --json "$OUT_DIR/latest.json"
success=1
log "done in ${total_seconds}s: $OUT_DIR/latest.md and $OUT_DIR/latest.json"
