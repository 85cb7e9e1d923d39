#!/usr/bin/env bash
# Soak test: a bounded run of mixed reads, writes, refreshes and revocations at 64 connections
# against a stack of release binaries on 127.0.0.1 (what `make soak` runs).
#
#   Tests/soak/run.sh
#
# Builds the release executables (auth, notes, profile) when SOAK_BUILD is not 0, starts them with a
# throwaway PostgreSQL (Scripts/lib/throwaway-stack.sh), runs Tests/soak/soak.py, and stops
# everything by PID, whatever happens. The summary table is printed and written to
# test-artifacts/soak/latest.md; the exit status is non-zero on any 5xx, transport error,
# unexpected status, connection leak or memory growth after warm-up.
#
# Settings (environment):
#   SOAK_DURATION      seconds of load (default 180)
#   SOAK_CONNECTIONS   concurrent connections, one account each (default 64)
#   SOAK_WARMUP        seconds before memory must be flat (default: half the run; on this 2-core machine
#                      the allocators keep growing for one to four minutes under load before they level off)
#   SOAK_MIX           relative weights (default read=55,write=30,refresh=12,revoke=3)
#   SOAK_BIN_DIR       where the executables are (default .build/release)
#   SOAK_BUILD         0 skips `swift build -c release` (default 1)
#   SOAK_VENV          the virtualenv for the driver (default .build/soak-venv; made when missing)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=Scripts/lib/throwaway-stack.sh
source Scripts/lib/throwaway-stack.sh
duration=${SOAK_DURATION:-180}
connections=${SOAK_CONNECTIONS:-64}
warmup=${SOAK_WARMUP:-$((duration / 2))}
bin_dir=${SOAK_BIN_DIR:-$root/.build/release}
venv=${SOAK_VENV:-$root/.build/soak-venv}
artifacts=$root/test-artifacts/soak
stack_init soak

# At exit (stack_exit): the services' logs go beside the report, whatever happened.
stack_exit_hook() { stack_copy_logs "$artifacts"; }

if [ "${SOAK_BUILD:-1}" != 0 ]; then
    log "building release executables"
    for product in auth notes profile; do
        swift build -c release --product "$product" 2>&1 | grep -E "error|warning: |Compiling|Build complete" >&2 || true
    done
fi
for name in auth notes profile; do
    [ -x "$bin_dir/$name" ] || die "missing $bin_dir/$name"
done
readonly AIOHTTP_VERSION=3.13.2
if ! "$venv/bin/python" -c "import aiohttp, sys; sys.exit(aiohttp.__version__ != '$AIOHTTP_VERSION')" 2>/dev/null; then
    venv_install "$venv" "aiohttp==$AIOHTTP_VERSION"
fi
mkdir -p "$artifacts"

# BCRYPT_COST=6: the soak measures the services' plumbing (connections, pools, memory), and with
# the default cost of 12 the logins of the revocation mix would only measure bcrypt. Its 64
# connections all come from one address and may all log in at once: the sign-up limit and the
# hashing queue's bound (16 waiting) are for attackers, not for this load.
stack_start "$bin_dir" BCRYPT_COST=6 SIGNUPS_PER_CLIENT=1000000 BCRYPT_QUEUE_MAX=256
log "stack ready (release): auth :$auth_port (PID $auth_pid), notes :$notes_port (PID $notes_pid), profile :$profile_port (PID $profile_pid)"

"$venv/bin/python" Tests/soak/soak.py \
    --auth "http://127.0.0.1:$auth_port" --notes "http://127.0.0.1:$notes_port" --profile "http://127.0.0.1:$profile_port" \
    --pids "auth=$auth_pid,notes=$notes_pid,profile=$profile_pid" --postgres "$pg_url" \
    --ports "auth=$auth_port,notes=$notes_port,profile=$profile_port,postgres=$(cat "$pg_dir/port")" \
    --duration "$duration" --connections "$connections" --warmup "$warmup" --report "$artifacts/latest.md" \
    --mix "${SOAK_MIX:-read=55,write=30,refresh=12,revoke=3}"

stack_alive || exit 1
