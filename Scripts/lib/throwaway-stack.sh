# shellcheck shell=bash
# Scripts/lib/throwaway-stack.sh: auth, notes and profile on free loopback ports with a throwaway
# PostgreSQL (Scripts/postgres-throwaway.sh), for the scripts that drive the real executables from
# outside (Tests/fuzz/run.sh, Tests/soak/run.sh, Scripts/bench.sh). Sourced from the repository root;
# sources common.sh, ports.sh, postgres.sh and secrets.sh, and replaces their log and die: lines
# "[NAME   12s] message" on stderr, seconds since stack_init.
#
#   root                                the repository root (where the script sourced this file)
#   stack_init NAME                     work and cluster folders in RAM (work, pg_dir), and at exit
#                                       stack_exit: stack_exit_hook RC when the script defines it, then
#                                       stack_stop; INT, TERM and HUP exit (130, 143, 129) through it
#   stack_start BIN_DIR [VAR=VALUE...]  stack_postgres, then auth (with the extra settings), notes and
#                                       profile, each ready; sets client_secret, {auth,notes,profile}_port
#                                       and {auth,notes,profile}_pid
#   stack_postgres                      the cluster with databases auth, notes and profile; sets pg_url
#   stack_launch NAME EXECUTABLE VAR=VALUE...   one process in the background with only these settings
#                                       (and PATH, HOST=127.0.0.1, LOG_LEVEL=warning, COOKIE_SECURE=false;
#                                       a later VAR wins); its PID in stack_pid[NAME], its log $work/NAME.log
#   stack_wait_ready NAME PORT          waits (30 s at most) for NAME's /readyz; dies when NAME exits
#   stack_alive                         exit 0 while every process started still runs
#   stack_copy_logs DIR                 copies the logs of auth, notes and profile to DIR
#   stack_stop                          SIGTERM every process (SIGKILL after 5 s), the cluster, the folders
#                                       ($work stays when stack_keep_work=1)
# shellcheck disable=SC2034 # the variables stack_start sets are for the caller

lib=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=Scripts/lib/common.sh
source "$lib/common.sh"
# shellcheck source=Scripts/lib/ports.sh
source "$lib/ports.sh"
# shellcheck source=Scripts/lib/postgres.sh
source "$lib/postgres.sh"
# shellcheck source=Scripts/lib/secrets.sh
source "$lib/secrets.sh"

stack_pids=()
declare -A stack_pid=()
stack_keep_work=0

root=$(pwd -P)
stack_name=stack
started=$SECONDS
log() { printf '[%s %4ss] %s\n' "$stack_name" "$((SECONDS - started))" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

stack_init() {
    stack_name=$1
    started=$SECONDS
    on_exit stack_exit
    work=$(ram_dir "$1")
    # The cluster gets a folder of its own beside it: as root it runs as `postgres`, which cannot enter $work.
    pg_dir=$(pg_tmp_dir "$1-pg")
}

stack_postgres() {
    log "starting PostgreSQL"
    pg_url=$(Scripts/postgres-throwaway.sh start "$pg_dir")
    Scripts/postgres-throwaway.sh createdb "$pg_dir" auth notes profile
}

stack_launch() {
    local name=$1 executable=$2
    shift 2
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOST=127.0.0.1 LOG_LEVEL=warning COOKIE_SECURE=false "$@" \
        "$executable" >"$work/$name.log" 2>&1 &
    stack_pid[$name]=$!
    stack_pids+=("$!")
}

stack_wait_ready() {
    local name=$1 port=$2 rc=0
    wait_http_ok "http://127.0.0.1:$port/readyz" 30 kill -0 "${stack_pid[$name]}" || rc=$?
    [ "$rc" -ne 0 ] || return 0
    tail -n 30 "$work/$name.log" >&2
    [ "$rc" -eq 1 ] && die "$name exited while starting"
    die "$name was not ready on port $port within 30 s"
}

stack_start() {
    local bin_dir=$1 name port_var
    shift
    stack_postgres
    client_secret=$(secret_hex 16)
    auth_port=$(free_port)
    notes_port=$(free_port)
    profile_port=$(free_port)
    stack_launch auth "$bin_dir/auth" PORT="$auth_port" DATABASE_URL="$pg_url/auth" AUTH_SECRET_KEY="$(secret_b64 32)" \
        INTROSPECTION_CLIENTS="notes:$client_secret,profile:$client_secret" "$@"
    stack_wait_ready auth "$auth_port"
    for name in notes profile; do
        port_var=${name}_port
        stack_launch "$name" "$bin_dir/$name" PORT="${!port_var}" DATABASE_URL="$pg_url/$name" \
            AUTH_URL="http://127.0.0.1:$auth_port" INTROSPECTION_CLIENT_ID="$name" INTROSPECTION_CLIENT_SECRET="$client_secret"
    done
    stack_wait_ready notes "$notes_port"
    stack_wait_ready profile "$profile_port"
    auth_pid=${stack_pid[auth]}
    notes_pid=${stack_pid[notes]}
    profile_pid=${stack_pid[profile]}
}

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
    local pid _
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
    [ -z "${work:-}" ] || [ "$stack_keep_work" = 1 ] || rm -rf -- "$work"
}

# shellcheck disable=SC2317 # invoked via trap
stack_exit() {
    local rc=$?
    trap - EXIT INT TERM HUP
    [ "$(type -t stack_exit_hook)" != function ] || stack_exit_hook "$rc" || true
    stack_stop
    log "finished with exit code $rc"
    exit "$rc"
}
