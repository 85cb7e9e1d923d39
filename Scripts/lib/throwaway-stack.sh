#!/usr/bin/env bash
# Sourced, not run: a throwaway stack of auth, notes and profile on free loopback ports with a throwaway
# PostgreSQL (Scripts/postgres-throwaway.sh), for the scripts that drive the real executables from outside
# (Tests/fuzz/run.sh, Tests/soak/run.sh). The caller defines log() and runs from the repository root.
#
#   source Scripts/throwaway-stack.sh
#   stack_init NAME                     work and cluster folders in /dev/shm (or $TMPDIR)
#   trap cleanup EXIT                   the caller's cleanup calls stack_stop (and stack_copy_logs)
#   stack_start BIN_DIR [VAR=VALUE...]  PostgreSQL, then auth (with the extra settings), notes and profile,
#                                       each ready; sets pg_url, client_secret, {auth,notes,profile}_port
#                                       and {auth,notes,profile}_pid
#   stack_stop                          SIGTERM every process (SIGKILL after 5 s), the cluster, the folders
#   venv_install VENV REQUIREMENT       a virtualenv with one pinned package (the script's Python driver)
#
# Every service logs to $work/NAME.log; stack_copy_logs DIR copies them out (e.g. when a run failed).
# shellcheck disable=SC2034 # the variables stack_start sets are for the caller

stack_pids=()

stack_init() {
    local name=$1 shm
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then shm=/dev/shm; else shm=${TMPDIR:-/tmp}; fi
    work=$(mktemp -d "$shm/latchkey-$name.XXXXXX")
    # The cluster gets a folder of its own beside it: as root it runs as `postgres`, which cannot enter $work.
    pg_dir=$(mktemp -d "$shm/latchkey-$name-pg.XXXXXX")
}

# venv_install VENV REQUIREMENT: makes the virtualenv (with Debian's python3-venv when root has to add it)
# and pip-installs the pinned requirement into it; for the Python driver a script needs.
venv_install() {
    local venv=$1 requirement=$2
    log "installing $requirement into $venv"
    if ! python3 -m venv "$venv" && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        # Debian's python3 needs python3-venv for `python3 -m venv`.
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv >&2
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement"
}

# Exit 0 when GET url answers 2xx (python3 rather than curl, which a fresh Debian lacks).
http_ok() {
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" >/dev/null 2>&1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# stack_launch BIN_DIR NAME VAR=VALUE...: one service in the background, with only the given environment.
stack_launch() {
    local bin_dir=$1 name=$2
    shift 2
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOST=127.0.0.1 LOG_LEVEL=warning COOKIE_SECURE=false "$@" \
        "$bin_dir/$name" >"$work/$name.log" 2>&1 &
    stack_pids+=("$!")
}

stack_wait_ready() {
    local name=$1 port=$2
    for _ in $(seq 1 300); do
        http_ok "http://127.0.0.1:$port/readyz" && return 0
        sleep 0.1
    done
    log "$name did not become ready on port $port"
    tail -n 20 "$work/$name.log" >&2
    return 1
}

stack_start() {
    local bin_dir=$1
    shift
    log "starting PostgreSQL"
    pg_url=$(Scripts/postgres-throwaway.sh start "$pg_dir")
    Scripts/postgres-throwaway.sh createdb "$pg_dir" auth notes profile
    local secret_key
    secret_key=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
    client_secret=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    auth_port=$(free_port)
    notes_port=$(free_port)
    profile_port=$(free_port)
    stack_launch "$bin_dir" auth PORT="$auth_port" DATABASE_URL="$pg_url/auth" AUTH_SECRET_KEY="$secret_key" \
        INTROSPECTION_CLIENTS="notes:$client_secret,profile:$client_secret" "$@"
    auth_pid=${stack_pids[-1]}
    stack_wait_ready auth "$auth_port"
    local name port_var
    for name in notes profile; do
        port_var=${name}_port
        stack_launch "$bin_dir" "$name" PORT="${!port_var}" DATABASE_URL="$pg_url/$name" \
            AUTH_URL="http://127.0.0.1:$auth_port" INTROSPECTION_CLIENT_ID="$name" INTROSPECTION_CLIENT_SECRET="$client_secret"
    done
    notes_pid=${stack_pids[-2]}
    profile_pid=${stack_pids[-1]}
    stack_wait_ready notes "$notes_port"
    stack_wait_ready profile "$profile_port"
}

# Exit 0 while every service of the stack still runs; logs the first that does not.
stack_alive() {
    local pid
    for pid in "${stack_pids[@]}"; do
        kill -0 "$pid" 2>/dev/null || { log "a service (PID $pid) died"; return 1; }
    done
}

stack_copy_logs() {
    local destination=$1 name
    for name in auth notes profile; do
        [ ! -f "$work/$name.log" ] || cp "$work/$name.log" "$destination/$name.log"
    done
}

stack_stop() {
    local pid
    for pid in "${stack_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${stack_pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -n "${pg_dir:-}" ]; then
        Scripts/postgres-throwaway.sh stop "$pg_dir" >/dev/null 2>&1 || true
        [ ! -e "$pg_dir" ] || rm -rf -- "$pg_dir"
    fi
    [ -z "${work:-}" ] || rm -rf -- "$work"
}
