#!/usr/bin/env bash
# `make bench`: builds the release binaries, starts a throwaway PostgreSQL on 127.0.0.1 and hands over to
# `latchkey-bench run` (Benchmarks/Bench/Run/), which starts the services, runs every benchmark and writes
# bench/results/latest.md (tables a person reads) and latest.json (the same figures for tools). See
# bench/README.md for what is measured and how.
#
# Settings (environment), read by `latchkey-bench run` (`latchkey-bench run --help` has them as options):
#   BENCH_SECONDS=3          length of each timed HTTP run
#   BENCH_ROUNDS=4           rounds per variant; variants alternate within a round (A B A B)
#   BENCH_USERS=1000         users (tokens) in rotation
#   BENCH_BCRYPT_COST=12     BCRYPT_COST of the auth service under test (login storm)
#   BENCH_WRITE_CONNECTIONS=1 (the latency one write gains), BENCH_STORM_CONNECTIONS=8
#   BENCH_OUT_DIR=bench/results         where latest.md and latest.json are written
#   BENCH_PHASES=verify,read,whoami,write,refresh,storm,reach   run only these (memory is always measured;
#                            the report marks the rest "not measured")
#   BENCH_HOLD=SECONDS       after seeding, keep the stack up this long (at most 3600) and print its URLs,
#                            e.g. to profile a service with `perf record -p PID`; then go on
# and here:
#   BENCH_SCRATCH_PATH=.build-release   where the release build goes (kept apart from debug builds)
#   BENCH_SKIP_BUILD=1       use the binaries already in BENCH_SCRATCH_PATH
#   BENCH_KEEP=1             keep the work folder (logs, raw records) even on success
# Every process started is stopped by PID at exit; all load goes to 127.0.0.1 and is bounded in time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
stack_init bench

SWIFT=${SWIFT:-swift}
SCRATCH=${BENCH_SCRATCH_PATH:-.build-release}
success=0

# At exit (stack_exit, before stack_stop): whatever the run started and could not stop itself (it was killed)
# is stopped by the PIDs it wrote; the work folder stays for a look unless the run succeeded.
stack_exit_hook() {
    local pid name
    if [ -f "$work/pids" ]; then
        while read -r pid name; do
            if proc_alive "$pid" "$name"; then stack_pids+=("$pid"); fi
        done <"$work/pids"
    fi
    if [ "$success" -eq 1 ] && [ -z "${BENCH_KEEP:-}" ]; then
        return 0
    fi
    stack_keep_work=1
    echo "bench: logs and raw records kept in $work" >&2
}

command -v wrk >/dev/null 2>&1 || apt_install wrk

build_started=$SECONDS
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
    log "building release binaries in $SCRATCH (a clean build takes several minutes)"
    "$SWIFT" build -c release --scratch-path "$SCRATCH" >"$work/build.log" 2>&1 ||
        { tail -n 40 "$work/build.log" >&2; die "release build failed"; }
fi
bin=$("$SWIFT" build -c release --scratch-path "$SCRATCH" --show-bin-path)
[ -x "$bin/latchkey-bench" ] || die "$bin/latchkey-bench is missing; run without BENCH_SKIP_BUILD"
build_seconds=$((SECONDS - build_started))
log "build done in ${build_seconds}s"

stack_postgres

# In the background, waited for: a signal to this script then runs its trap at once, and stack_stop sends
# the run SIGTERM (it stops its services and exits) before stopping PostgreSQL.
"$bin/latchkey-bench" run --bin "$bin" --postgres-url "$pg_url" --work "$work" --swift "$SWIFT" \
    --build-seconds "$build_seconds" --setup-seconds "$((SECONDS - started))" &
stack_pids+=("$!")
wait "$!"
success=1
