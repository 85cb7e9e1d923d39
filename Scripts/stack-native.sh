#!/usr/bin/env bash
# The Latchkey stack without Docker: PostgreSQL 15, the three services (release builds by default), nginx
# as the gateway and, when installed, Prometheus with the alert rules of deploy/monitoring/, all on
# 127.0.0.1 and all state under .local/ (git-ignored).
#
#   Scripts/stack-native.sh up|down|logs|status        (normally through Scripts/stack.sh / make)
#   Scripts/stack-native.sh render-gateway DIR         (the gateway config only; validate-deploy)
#
#   .env                     settings and secrets, the same file (and names) docker compose reads:
#                            written once from .env.example with fresh secrets (0600); edit to override
#   .local/postgres/         the cluster (data/ survives `down`; initdb only when missing)
#   .local/run/NAME.pid      postgres, auth, notes, profile, gateway, prometheus
#   .local/logs/NAME.log     their logs (make logs)
#   .local/gateway/          the rendered nginx config and nginx's temp folders
#   .local/prometheus/       the rendered Prometheus config (deploy/monitoring/render-config.sh) and,
#                            in data/, its samples (kept by `down`)
#
# Environment (all optional; STACK_* also read from .env, the environment wins):
#   STACK_PG_PORT (5433), STACK_GATEWAY_PORT (.env's GATEWAY_PORT, else 8080), STACK_AUTH_PORT (8081),
#   STACK_NOTES_PORT (8082), STACK_PROFILE_PORT (8083), STACK_PROMETHEUS_PORT (.env's PROMETHEUS_PORT,
#   else 9090)
#   STACK_PROMETHEUS        auto (default): start Prometheus when the `prometheus` binary is installed
#                           (Debian: apt-get install prometheus; PROMETHEUS=/path picks another); 0: never.
#                           Its port taken by another program (Debian's own prometheus service listens
#                           on 9090) is a warning, and the rest of the stack runs without it.
#   STACK_SCRATCH_PATH      swift build folder (default .build): keep release artifacts apart,
#                           e.g. STACK_SCRATCH_PATH=.build-release
#   SWIFT_RELEASE_FLAGS     extra flags for `swift build -c release`
#   STACK_CONFIGURATION     release (default) or debug: debug runs the binaries `make test` already
#                           built in SCRATCH/debug (CI's browser tests), slower but no second build
#   STACK_SKIP_BUILD=1      use the binaries already built
#   STACK_ACCESS_TOKEN_TTL_SECONDS  overrides ACCESS_TOKEN_TTL_SECONDS of .env when auth starts
#                           (10 … 86400; the browser tests use 10 s to watch tokens expire). A running
#                           auth keeps its lifetime: make down first.
#   STACK_SIGNUPS_PER_CLIENT        overrides SIGNUPS_PER_CLIENT of .env the same way (browser tests)
#   STACK_READY_TIMEOUT     seconds to wait for readiness (120); STACK_STOP_TIMEOUT (20)
#   SWIFT, PG_BIN, NGINX, PROMETHEUS   the swift driver, PostgreSQL's bin folder, the nginx and
#                           prometheus binaries
#
# Of .env, the native stack uses the secrets (not POSTGRES_PASSWORD: its superuser is reached over
# the cluster's own socket) and GATEWAY_PORT, and passes the README's service settings it finds there
# to the services that read them (service_env: all but the addresses, ports, database URLs and
# introspection clients it sets itself, and INTERNAL_PORT); EDGE_SUBNET and GATEWAY_IP are compose's. An earlier
# version kept its settings in .local/stack.env: when there is no .env yet, its values are carried over.
#
# Missing tools (nginx, PostgreSQL 15, envsubst, curl) are installed with apt when running as root;
# otherwise the script prints what to install and exits 1. Prometheus is optional and never installed
# here: without it `up` says how to add it. Shared helpers: Scripts/lib/.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly repo
readonly LOCAL_DIR="$repo/.local"
readonly RUN_DIR="$LOCAL_DIR/run"
readonly LOG_DIR="$LOCAL_DIR/logs"
readonly GATEWAY_DIR="$LOCAL_DIR/gateway"
readonly PROMETHEUS_DIR="$LOCAL_DIR/prometheus"
readonly PG_DIR="$LOCAL_DIR/postgres"
readonly PG_DATA="$PG_DIR/data"
readonly STACK_ENV="$repo/.env"
readonly LEGACY_STACK_ENV="$LOCAL_DIR/stack.env"
readonly SERVICES=(auth notes profile)

log_prefix=stack
# shellcheck source=Scripts/lib/common.sh
source "$repo/Scripts/lib/common.sh"
# shellcheck source=Scripts/lib/ports.sh
source "$repo/Scripts/lib/ports.sh"
# shellcheck source=Scripts/lib/postgres.sh
source "$repo/Scripts/lib/postgres.sh"
# shellcheck source=Scripts/lib/secrets.sh
source "$repo/Scripts/lib/secrets.sh"

# ---------------------------------------------------------------------------------------------
# Settings: .env (the file compose reads), parsed (not sourced) as KEY=VALUE lines into cfg.
# ---------------------------------------------------------------------------------------------

declare -A cfg=()
load_stack_env() { env_file_read "$STACK_ENV"; }

# setting NAME DEFAULT: the environment (STACK_* only), else .env, else DEFAULT.
setting() {
    local name=$1 default=$2
    if [[ "$name" == STACK_* ]] && [ -n "${!name:-}" ]; then
        printf '%s' "${!name}"
    elif [ -n "${cfg[$name]:-}" ]; then
        printf '%s' "${cfg[$name]}"
    else
        printf '%s' "$default"
    fi
}

port_setting() {
    local value
    value=$(setting "$1" "$2")
    if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt 1 ] || [ "$value" -gt 65535 ]; then
        die "$1 must be a TCP port, not '$value'"
    fi
    printf '%s' "$value"
}

load_ports() {
    PG_PORT=$(port_setting STACK_PG_PORT 5433)
    GATEWAY_PORT=$(port_setting STACK_GATEWAY_PORT "$(setting GATEWAY_PORT 8080)")
    AUTH_PORT=$(port_setting STACK_AUTH_PORT 8081)
    NOTES_PORT=$(port_setting STACK_NOTES_PORT 8082)
    PROFILE_PORT=$(port_setting STACK_PROFILE_PORT 8083)
    PROMETHEUS_PORT=$(port_setting STACK_PROMETHEUS_PORT "$(setting PROMETHEUS_PORT 9090)")
}

service_port() {
    case $1 in
        auth) echo "$AUTH_PORT" ;;
        notes) echo "$NOTES_PORT" ;;
        profile) echo "$PROFILE_PORT" ;;
        gateway) echo "$GATEWAY_PORT" ;;
        postgres) echo "$PG_PORT" ;;
        prometheus) echo "$PROMETHEUS_PORT" ;;
    esac
}

# Writes .env once (from .env.example, every secret fresh, or carried over from .local/stack.env). The
# secrets in it must stay: AUTH_SECRET_KEY encrypts the signing keys stored in the auth database, so a
# new one cannot read an existing database.
ensure_stack_env() {
    if [ -f "$STACK_ENV" ]; then
        chmod 600 "$STACK_ENV"
        return 0
    fi
    if [ -f "$LEGACY_STACK_ENV" ]; then
        say "writing $STACK_ENV from .env.example with the settings and secrets of $LEGACY_STACK_ENV (once)"
        env_file_write "$STACK_ENV" "$repo/.env.example" "$LEGACY_STACK_ENV"
        return 0
    fi
    if [ -e "$PG_DATA/PG_VERSION" ]; then
        die "$STACK_ENV is missing but $PG_DATA holds a database whose signing keys are encrypted with
the AUTH_SECRET_KEY from that file. Restore the file, or start over with an empty database:
  make down && rm -rf $PG_DIR"
    fi
    say "writing $STACK_ENV from .env.example with fresh secrets (once; git-ignored, keep it)"
    env_file_write "$STACK_ENV" "$repo/.env.example"
}

readonly REQUIRED_SECRETS=(AUTH_SECRET_KEY NOTES_INTROSPECTION_SECRET PROFILE_INTROSPECTION_SECRET
    AUTH_DB_PASSWORD NOTES_DB_PASSWORD PROFILE_DB_PASSWORD)

check_secrets() {
    local name
    for name in "${REQUIRED_SECRETS[@]}"; do
        [ -n "${cfg[$name]:-}" ] || die "$name is missing from $STACK_ENV (add it, or move the file away to generate a new one)"
    done
    [[ "${cfg[NOTES_INTROSPECTION_SECRET]}${cfg[PROFILE_INTROSPECTION_SECRET]}" != *[,:]* ]] ||
        die "$STACK_ENV: introspection secrets must not contain ',' or ':'"
}

# Only after check_secrets: it runs in command substitutions, where die could not stop the script.
require_secret() {
    local name=$1
    [ -n "${cfg[$name]:-}" ] || die "$name is missing from $STACK_ENV (add it, or move the file away to generate a new one)"
    printf '%s' "${cfg[$name]}"
}

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------

find_nginx() {
    if [ -n "${NGINX:-}" ]; then
        [ -x "$NGINX" ] && { echo "$NGINX"; return 0; }
        return 1
    fi
    command -v nginx 2>/dev/null && return 0
    [ -x /usr/sbin/nginx ] && { echo /usr/sbin/nginx; return 0; }
    return 1
}

# Sets PG_BIN and NGINX_BIN; installs what is missing with apt as root, else explains and exits 1.
ensure_tools() {
    local missing=()
    pg_find_bin >/dev/null || missing+=("postgresql")
    find_nginx >/dev/null || missing+=("nginx")
    command -v envsubst >/dev/null 2>&1 || missing+=("gettext-base")
    command -v curl >/dev/null 2>&1 || missing+=("curl")
    if [ ${#missing[@]} -gt 0 ]; then
        is_root || die "missing: ${missing[*]}. Install them with:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}
(or point PG_BIN / NGINX at existing binaries), then run make up again."
        apt_install "${missing[@]}"
    fi
    PG_BIN=$(pg_find_bin) || die "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or PG_BIN"
    NGINX_BIN=$(find_nginx) || die "nginx not found (set NGINX=/path/to/nginx)"
    command -v envsubst >/dev/null 2>&1 || die "envsubst not found (Debian package gettext-base)"
    command -v setsid >/dev/null 2>&1 || die "setsid not found (Debian package util-linux)"
    if is_root; then
        id -u postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user (install the postgresql package)"
    fi
}

# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------

expected_comm() {
    case $1 in
        gateway) echo nginx ;;
        postgres) echo postgres ;;
        *) echo "$1" ;;
    esac
}

# live_pid NAME: prints the PID from .local/run/NAME.pid if that process is still ours.
live_pid() {
    local name=$1 pid
    [ -f "$RUN_DIR/$name.pid" ] || return 1
    pid=$(head -n 1 "$RUN_DIR/$name.pid" 2>/dev/null || true)
    proc_alive "$pid" "$(expected_comm "$name")" || return 1
    if [ "$name" = gateway ] || [ "$name" = prometheus ]; then
        # Its command line must name our config, not some other nginx or Prometheus (Debian runs
        # its own prometheus service).
        local cmdline config="$GATEWAY_DIR/nginx.conf"
        [ "$name" = gateway ] || config="$PROMETHEUS_DIR/prometheus.yml"
        cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
        [[ "$cmdline" == *"$config"* ]] || return 1
    fi
    echo "$pid"
}

# stop_pid NAME PID SIGNAL: SIGNAL, then SIGKILL after STACK_STOP_TIMEOUT seconds.
stop_pid() {
    local name=$1 pid=$2 signal=$3 comm timeout deadline
    comm=$(expected_comm "$name")
    timeout=${STACK_STOP_TIMEOUT:-20}
    kill "-$signal" "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while proc_alive "$pid" "$comm"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "$name (pid $pid) still running ${timeout}s after SIG$signal; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
    wait_reaped "$pid"
}

log_tail() {
    local file="$LOG_DIR/$1.log"
    [ -f "$file" ] || return 0
    echo "---- last lines of $file ----" >&2
    tail -n 25 "$file" >&2 || true
    echo "----" >&2
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: a persistent cluster in .local/postgres (not a throwaway one: fsync stays on).
# ---------------------------------------------------------------------------------------------

postgres_pid() {
    local pid
    [ -f "$PG_DATA/postmaster.pid" ] || return 1
    pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
    postgres_alive "$pid" || return 1
    echo "$pid"
}

init_cluster() {
    if [ -e "$PG_DATA/PG_VERSION" ]; then
        return 0
    fi
    if [ -e "$PG_DATA" ] && [ -n "$(ls -A "$PG_DATA" 2>/dev/null)" ]; then
        die "$PG_DATA exists but holds no cluster (no PG_VERSION): move it away, then make up again"
    fi
    say "postgres: creating the cluster in $PG_DATA (initdb, once)"
    mkdir -p "$PG_DIR"
    if is_root; then
        chown postgres: "$PG_DIR"
    fi
    chmod 700 "$PG_DIR"
    # Local socket: trust, but the socket lives in $PG_DIR (mode 0700), so only the cluster's owner
    # (and root) can reach it. TCP on 127.0.0.1: passwords (SCRAM) for the service roles.
    if ! as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$LOG_DIR/initdb.log" 2>&1; then
        cat "$LOG_DIR/initdb.log" >&2
        die "initdb failed in $PG_DATA"
    fi
    cat >>"$PG_DATA/postgresql.conf" <<'EOF'

# --- Latchkey native stack: rewritten by Scripts/stack-native.sh at every start ---
include_if_exists = 'latchkey-stack.conf'
EOF
}

start_postgres() {
    local pid
    init_cluster
    # Written at every start, so STACK_PG_PORT or a moved checkout take effect.
    local quoted_dir=${PG_DIR//\'/\'\'}
    as_pg_user tee "$PG_DATA/latchkey-stack.conf" >/dev/null <<EOF
# Written by Scripts/stack-native.sh; changes are lost at the next make up.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$quoted_dir'
max_connections = 100
EOF
    if pid=$(postgres_pid); then
        say "postgres: already running (pid $pid)"
    else
        if port_in_use "$PG_PORT"; then
            die "port $PG_PORT (PostgreSQL) is taken by another program; set STACK_PG_PORT"
        fi
        touch "$LOG_DIR/postgres.log"
        if is_root; then
            chown postgres: "$LOG_DIR/postgres.log"
        fi
        say "postgres: starting on 127.0.0.1:$PG_PORT"
        if ! as_pg_user "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$LOG_DIR/postgres.log" -w -t 60 >/dev/null; then
            log_tail postgres
            die "PostgreSQL did not start"
        fi
        pid=$(postgres_pid) || die "PostgreSQL started but its postmaster.pid names no live process"
    fi
    echo "$pid" >"$RUN_DIR/postgres.pid"

    local deadline=$((SECONDS + 30))
    until "$PG_BIN/pg_isready" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -t 2; do
        [ "$SECONDS" -lt "$deadline" ] || { log_tail postgres; die "PostgreSQL is not accepting connections"; }
        sleep 0.3
    done

    # Roles and databases (idempotent; passwords follow .env). Same script as in compose.
    env PATH="$PG_BIN:$PATH" PGHOST="$PG_DIR" PGPORT="$PG_PORT" POSTGRES_USER=postgres POSTGRES_DB=postgres \
        AUTH_DB_PASSWORD="$(require_secret AUTH_DB_PASSWORD)" \
        NOTES_DB_PASSWORD="$(require_secret NOTES_DB_PASSWORD)" \
        PROFILE_DB_PASSWORD="$(require_secret PROFILE_DB_PASSWORD)" \
        "$repo/deploy/postgres/init.sh" | sed 's/^/stack: postgres: /'
}

stop_postgres() {
    local pid
    if pid=$(postgres_pid); then
        say "postgres: stopping (pid $pid)"
        as_pg_user "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t "${STACK_STOP_TIMEOUT:-20}" >/dev/null 2>&1 || true
        if postgres_alive "$pid"; then
            log "postgres (pid $pid) still running after pg_ctl stop; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait_reaped "$pid"
    fi
    rm -f "$RUN_DIR/postgres.pid"
}

# ---------------------------------------------------------------------------------------------
# The three services
# ---------------------------------------------------------------------------------------------

SWIFT_CMD=()
CONFIGURATION=release
swift_cmd() {
    local scratch=${STACK_SCRATCH_PATH:-.build}
    CONFIGURATION=${STACK_CONFIGURATION:-release}
    case $CONFIGURATION in
        release)
            # shellcheck disable=SC2206 # SWIFT_RELEASE_FLAGS is a list of flags
            SWIFT_CMD=("${SWIFT:-swift}" build -c release --scratch-path "$scratch" ${SWIFT_RELEASE_FLAGS:-})
            ;;
        # Plain `swift build`: `make test` (swift build --build-tests) has built all of it already.
        debug) SWIFT_CMD=("${SWIFT:-swift}" build --scratch-path "$scratch") ;;
        *) die "STACK_CONFIGURATION must be release or debug, not '$CONFIGURATION'" ;;
    esac
}

build_services() {
    swift_cmd
    if [ "${STACK_SKIP_BUILD:-0}" = 1 ]; then
        say "STACK_SKIP_BUILD=1: using the binaries already built"
    else
        say "building ($CONFIGURATION): ${SWIFT_CMD[*]}"
        local scratch=${STACK_SCRATCH_PATH:-.build}
        [[ "$scratch" = /* ]] || scratch="$repo/$scratch"
        [ -x "$scratch/$CONFIGURATION/auth" ] || say "  (the first $CONFIGURATION build takes several minutes)"
        (cd "$repo" && "${SWIFT_CMD[@]}") || die "swift build failed"
    fi
    BIN_DIR=$(cd "$repo" && "${SWIFT_CMD[@]}" --show-bin-path) || die "swift build --show-bin-path failed"
    # Prefer the stable SCRATCH/release (or /debug) path, a symlink to the triple folder, in process listings.
    local scratch=${STACK_SCRATCH_PATH:-.build} alias
    [[ "$scratch" = /* ]] || scratch="$repo/$scratch"
    alias="$scratch/$CONFIGURATION"
    if [ -d "$alias" ] && [ "$alias/auth" -ef "$BIN_DIR/auth" ]; then
        BIN_DIR=$alias
    fi
    local name
    for name in "${SERVICES[@]}"; do
        [ -x "$BIN_DIR/$name" ] || die "$BIN_DIR/$name not found: build first (or drop STACK_SKIP_BUILD)"
    done
}

# service_env NAME: the service's whole environment, one NAME=VALUE a line. Services start with an
# empty environment plus these, so nothing leaks in from the caller's shell (a DATABASE_URL meant
# for tests, say), and no service sees another's secrets.
service_env() {
    local name=$1 key
    local pass=(LOG_LEVEL LOG_FORMAT JWT_ISSUER COOKIE_SECURE)
    echo "PATH=/usr/local/bin:/usr/bin:/bin"
    echo "HOME=${HOME:-/}"
    echo "LANG=C.UTF-8"
    echo "HOST=127.0.0.1"
    echo "PORT=$(service_port "$name")"
    case $name in
        auth)
            echo "DATABASE_URL=postgres://auth:$(require_secret AUTH_DB_PASSWORD)@127.0.0.1:$PG_PORT/auth"
            echo "AUTH_SECRET_KEY=$(require_secret AUTH_SECRET_KEY)"
            echo "INTROSPECTION_CLIENTS=notes:$(require_secret NOTES_INTROSPECTION_SECRET),profile:$(require_secret PROFILE_INTROSPECTION_SECRET)"
            echo "TRUSTED_PROXIES=$(setting TRUSTED_PROXIES 127.0.0.1/32)"
            pass+=(JWT_AUDIENCE ACCESS_TOKEN_TTL_SECONDS REFRESH_IDLE_TTL_SECONDS REFRESH_ABSOLUTE_TTL_SECONDS
                REFRESH_REUSE_GRACE_SECONDS SELF_REISSUE_WINDOW_SECONDS SIGNING_KEY_ROTATION_SECONDS BCRYPT_COST
                LOGIN_FAILURES_PER_EMAIL LOGIN_FAILURES_PER_CLIENT LOGIN_FAILURE_WINDOW_SECONDS
                SIGNUPS_PER_CLIENT SIGNUP_WINDOW_SECONDS BCRYPT_QUEUE_MAX)
            ;;
        notes | profile)
            local upper=${name^^}
            echo "DATABASE_URL=postgres://$name:$(require_secret "${upper}_DB_PASSWORD")@127.0.0.1:$PG_PORT/$name"
            echo "SERVICE_NAME=$name"
            echo "AUTH_URL=http://127.0.0.1:$AUTH_PORT"
            echo "INTROSPECTION_CLIENT_ID=$name"
            echo "INTROSPECTION_CLIENT_SECRET=$(require_secret "${upper}_INTROSPECTION_SECRET")"
            pass+=(INTROSPECTION_TIMEOUT_MS)
            ;;
    esac
    local value
    for key in "${pass[@]}"; do
        value=${cfg[$key]:-}
        # STACK_ACCESS_TOKEN_TTL_SECONDS and STACK_SIGNUPS_PER_CLIENT in the environment win over
        # .env (browser tests: a short token lifetime, and sign-ups from one address each run).
        case $key in
            ACCESS_TOKEN_TTL_SECONDS | SIGNUPS_PER_CLIENT) value=$(setting "STACK_$key" "$value") ;;
        esac
        [ -z "$value" ] || echo "$key=$value"
    done
}

start_service() {
    local name=$1 port pid bin
    port=$(service_port "$name")
    bin="$BIN_DIR/$name"
    if pid=$(live_pid "$name"); then
        if [ "/proc/$pid/exe" -ef "$bin" ]; then
            say "$name: already running (pid $pid), binary unchanged"
            return 0
        fi
        say "$name: binary rebuilt since it started; restarting (pid $pid)"
        stop_pid "$name" "$pid" TERM
    fi
    rm -f "$RUN_DIR/$name.pid"
    if port_in_use "$port"; then
        die "port $port ($name) is taken by another program; stop it or set STACK_${name^^}_PORT"
    fi
    local envs=()
    mapfile -t envs < <(service_env "$name")
    say "$name: starting on 127.0.0.1:$port"
    printf '\n==== %s: starting %s ====\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$bin" >>"$LOG_DIR/$name.log"
    # setsid: its own session, so a Ctrl-C in the terminal that ran `make up` does not reach it.
    (cd "$repo" && exec setsid env -i "${envs[@]}" "$bin") </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
    pid=$!
    echo "$pid" >"$RUN_DIR/$name.pid"
    sleep 0.3
    if ! proc_alive "$pid" "$name"; then
        log_tail "$name"
        rm -f "$RUN_DIR/$name.pid"
        die "$name exited right after starting"
    fi
}

stop_service() {
    local name=$1 pid
    if pid=$(live_pid "$name"); then
        say "$name: stopping (pid $pid)"
        stop_pid "$name" "$pid" TERM
    fi
    rm -f "$RUN_DIR/$name.pid"
}

# wait_ready NAME URL: polls URL until it answers 2xx; fails when the process dies or time is up.
wait_ready() {
    local name=$1 url=$2 timeout=${STACK_READY_TIMEOUT:-120} rc=0
    wait_http_ok "$url" "$timeout" live_pid "$name" >/dev/null || rc=$?
    if [ "$rc" -eq 0 ]; then
        say "$name: ready ($url)"
        return 0
    fi
    log_tail "$name"
    [ "$rc" -ne 1 ] || die "$name stopped while starting (log: $LOG_DIR/$name.log)"
    die "$name not ready after ${timeout}s ($url); it keeps running: see $LOG_DIR/$name.log, make down stops it"
}

# ---------------------------------------------------------------------------------------------
# Gateway: nginx with deploy/gateway, rendered into .local/gateway/
# ---------------------------------------------------------------------------------------------

# render_gateway DIR: DIR/nginx.conf and DIR/default.conf for the current ports.
render_gateway() {
    local dir=$1 listen_count
    cp "$repo/deploy/gateway/nginx.conf" "$dir/nginx.conf"
    AUTH_UPSTREAM="127.0.0.1:$AUTH_PORT" NOTES_UPSTREAM="127.0.0.1:$NOTES_PORT" \
        PROFILE_UPSTREAM="127.0.0.1:$PROFILE_PORT" WEB_ROOT="$repo/Web" \
        envsubst "\${AUTH_UPSTREAM} \${NOTES_UPSTREAM} \${PROFILE_UPSTREAM} \${WEB_ROOT}" \
        <"$repo/deploy/gateway/default.conf.template" >"$dir/default.conf.tmp"
    # The template listens on 8080 on every interface (right inside a container); here: loopback.
    listen_count=$(grep -c -E '^[[:space:]]*listen 8080;[[:space:]]*$' "$dir/default.conf.tmp" || true)
    [ "$listen_count" = 1 ] || die "deploy/gateway/default.conf.template: expected one 'listen 8080;' line, found $listen_count"
    sed -E "s/^([[:space:]]*)listen 8080;[[:space:]]*$/\1listen 127.0.0.1:$GATEWAY_PORT;/" \
        "$dir/default.conf.tmp" >"$dir/default.conf"
    rm -f "$dir/default.conf.tmp"
}

nginx_args() {
    printf '%s\0' -p "$LOCAL_DIR/" -c "$GATEWAY_DIR/nginx.conf" -e "$LOG_DIR/gateway.log"
}

start_gateway() {
    local pid staging args=()
    mkdir -p "$GATEWAY_DIR/tmp"
    chmod 755 "$GATEWAY_DIR" "$GATEWAY_DIR/tmp"
    staging=$(mktemp -d "$LOCAL_DIR/.gateway.XXXXXX")
    render_gateway "$staging"
    mapfile -d '' -t args < <(nginx_args)
    if pid=$(live_pid gateway); then
        if cmp -s "$staging/nginx.conf" "$GATEWAY_DIR/nginx.conf" && cmp -s "$staging/default.conf" "$GATEWAY_DIR/default.conf"; then
            rm -rf "$staging"
            say "gateway: already running (pid $pid), config unchanged"
            return 0
        fi
        cp "$staging/nginx.conf" "$staging/default.conf" "$GATEWAY_DIR/"
        rm -rf "$staging"
        "$NGINX_BIN" -t -q "${args[@]}" 2>>"$LOG_DIR/gateway.log" || { log_tail gateway; die "gateway: new config rejected by nginx -t"; }
        say "gateway: config changed; reloading (pid $pid)"
        kill -HUP "$pid"
        return 0
    fi
    cp "$staging/nginx.conf" "$staging/default.conf" "$GATEWAY_DIR/"
    rm -rf "$staging"
    rm -f "$RUN_DIR/gateway.pid"
    if port_in_use "$GATEWAY_PORT"; then
        die "port $GATEWAY_PORT (gateway) is taken by another program; stop it or set STACK_GATEWAY_PORT"
    fi
    [ -f "$repo/Web/index.html" ] || log "gateway: $repo/Web/index.html does not exist yet; / answers 404 until it does"
    say "gateway: starting nginx on 127.0.0.1:$GATEWAY_PORT"
    # daemon on: nginx forks and writes its master's PID to .local/run/gateway.pid itself. Its
    # stderr (and so the access log, see the template) is the gateway log.
    printf '\n==== %s: starting nginx ====\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" >>"$LOG_DIR/gateway.log"
    (cd "$LOCAL_DIR" && exec setsid "$NGINX_BIN" "${args[@]}") </dev/null >>"$LOG_DIR/gateway.log" 2>&1 ||
        { log_tail gateway; die "nginx did not start"; }
    local _
    for _ in $(seq 1 50); do
        live_pid gateway >/dev/null && return 0
        sleep 0.1
    done
    log_tail gateway
    die "nginx started but $RUN_DIR/gateway.pid names no live nginx"
}

stop_gateway() {
    local pid
    if pid=$(live_pid gateway); then
        say "gateway: stopping (pid $pid)"
        stop_pid gateway "$pid" TERM
    fi
    rm -f "$RUN_DIR/gateway.pid"
}

# ---------------------------------------------------------------------------------------------
# Prometheus (optional): deploy/monitoring's config with 127.0.0.1 targets, the alert rules loaded
# ---------------------------------------------------------------------------------------------

# Prints the prometheus binary: $PROMETHEUS when set, else from PATH. Fails when STACK_PROMETHEUS=0.
find_prometheus() {
    case ${STACK_PROMETHEUS:-auto} in
        0) return 1 ;;
        auto) ;;
        *) die "STACK_PROMETHEUS must be auto or 0, not '$STACK_PROMETHEUS'" ;;
    esac
    if [ -n "${PROMETHEUS:-}" ]; then
        [ -x "$PROMETHEUS" ] && { echo "$PROMETHEUS"; return 0; }
        return 1
    fi
    command -v prometheus 2>/dev/null && return 0
    return 1
}

start_prometheus() {
    local bin pid staging
    if ! bin=$(find_prometheus); then
        if [ "${STACK_PROMETHEUS:-auto}" = 0 ]; then
            say "prometheus: skipped (STACK_PROMETHEUS=0)"
        else
            say "prometheus: not installed, so no metrics are collected and no alerts evaluated. To add it:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends prometheus
then make up again (Debian also starts its own prometheus service on port 9090: stop it with
systemctl disable --now prometheus, or set STACK_PROMETHEUS_PORT)"
        fi
        return 0
    fi
    mkdir -p "$PROMETHEUS_DIR/data"
    staging=$(mktemp "$PROMETHEUS_DIR/.prometheus.yml.XXXXXX")
    "$repo/deploy/monitoring/render-config.sh" "$staging" "127.0.0.1:$AUTH_PORT" "127.0.0.1:$NOTES_PORT" \
        "127.0.0.1:$PROFILE_PORT" "127.0.0.1:$PROMETHEUS_PORT" || { rm -f "$staging"; die "prometheus: rendering its config failed"; }
    if pid=$(live_pid prometheus); then
        mv -f "$staging" "$PROMETHEUS_DIR/prometheus.yml"
        # SIGHUP re-reads the config and the rule files; a config it rejects leaves the old one running.
        say "prometheus: already running (pid $pid); reloading its config and rules"
        kill -HUP "$pid"
        return 0
    fi
    mv -f "$staging" "$PROMETHEUS_DIR/prometheus.yml"
    rm -f "$RUN_DIR/prometheus.pid"
    if port_in_use "$PROMETHEUS_PORT"; then
        log "prometheus: warning: port $PROMETHEUS_PORT is taken by another program (Debian's own prometheus service?); not starting it. Stop that one (systemctl disable --now prometheus) or set STACK_PROMETHEUS_PORT"
        return 0
    fi
    say "prometheus: starting on 127.0.0.1:$PROMETHEUS_PORT ($bin)"
    printf '\n==== %s: starting %s ====\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$bin" >>"$LOG_DIR/prometheus.log"
    (cd "$PROMETHEUS_DIR" && exec setsid "$bin" --config.file="$PROMETHEUS_DIR/prometheus.yml" \
        --storage.tsdb.path="$PROMETHEUS_DIR/data" --storage.tsdb.retention.time=15d \
        --web.listen-address="127.0.0.1:$PROMETHEUS_PORT") </dev/null >>"$LOG_DIR/prometheus.log" 2>&1 &
    pid=$!
    echo "$pid" >"$RUN_DIR/prometheus.pid"
    sleep 0.3
    if ! live_pid prometheus >/dev/null; then
        log_tail prometheus
        rm -f "$RUN_DIR/prometheus.pid"
        die "prometheus exited right after starting (log: $LOG_DIR/prometheus.log)"
    fi
    wait_ready prometheus "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
}

stop_prometheus() {
    local pid
    if pid=$(live_pid prometheus); then
        say "prometheus: stopping (pid $pid)"
        stop_pid prometheus "$pid" TERM
    fi
    rm -f "$RUN_DIR/prometheus.pid"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

prepare_dirs() {
    mkdir -p "$LOCAL_DIR" "$RUN_DIR" "$LOG_DIR" "$GATEWAY_DIR/tmp"
    # Traversable by nginx's worker ("nobody" when run as root) and the postgres user; the
    # secrets file and the cluster have their own, strict modes.
    chmod 755 "$LOCAL_DIR" "$RUN_DIR" "$LOG_DIR"
}

cmd_up() {
    ensure_tools
    prepare_dirs
    ensure_stack_env
    load_stack_env
    check_secrets
    load_ports
    echo native >"$RUN_DIR/mode"
    build_services
    start_postgres
    start_service auth
    wait_ready auth "http://127.0.0.1:$AUTH_PORT/readyz"
    start_service notes
    start_service profile
    wait_ready notes "http://127.0.0.1:$NOTES_PORT/readyz"
    wait_ready profile "http://127.0.0.1:$PROFILE_PORT/readyz"
    start_gateway
    wait_ready gateway "http://127.0.0.1:$GATEWAY_PORT/.well-known/jwks.json"
    start_prometheus
    local monitoring="not running (make up says why)"
    if live_pid prometheus >/dev/null; then
        monitoring="http://127.0.0.1:$PROMETHEUS_PORT   (alerts: /alerts, targets: /targets; deploy/README.md#monitoring)"
    fi
    cat <<EOF

Latchkey is up (native stack, $CONFIGURATION build from $BIN_DIR).

  web demo   http://localhost:$GATEWAY_PORT        (API on the same origin: /v1/..., /.well-known/jwks.json)
  auth       http://127.0.0.1:$AUTH_PORT         (each service: /healthz, /readyz, /metrics)
  notes      http://127.0.0.1:$NOTES_PORT
  profile    http://127.0.0.1:$PROFILE_PORT
  postgres   127.0.0.1:$PG_PORT, databases auth, notes, profile (data in .local/postgres, kept by make down)
  prometheus $monitoring
  settings   .env (secrets, shared with docker compose; edit to override, then make down && make up)
  logs       .local/logs/{postgres,auth,notes,profile,gateway,prometheus}.log   (make logs follows them)
  status     make status
  stop       make down
EOF
}

cmd_down() {
    load_stack_env
    load_ports
    # The gateway, Prometheus and the resource services first (together), then auth, then the database.
    stop_gateway &
    stop_prometheus &
    stop_service notes &
    stop_service profile &
    wait
    stop_service auth
    if [ -e "$PG_DATA/postmaster.pid" ]; then
        PG_BIN=$(pg_find_bin) || die "PostgreSQL is running but no pg_ctl was found (set PG_BIN)"
        stop_postgres
    fi
    rm -f "$RUN_DIR/postgres.pid" "$RUN_DIR/mode"
    say "stopped; data kept in .local/postgres (remove .local/ to start from scratch)"
}

cmd_logs() {
    shopt -s nullglob
    local files=("$LOG_DIR"/*.log)
    [ ${#files[@]} -gt 0 ] || die "no logs yet in $LOG_DIR (make up first)"
    exec tail -n 20 -F "${files[@]}"
}

cmd_status() {
    load_stack_env
    load_ports
    local name pid url state
    printf '%-10s %-8s %-8s %s\n' NAME STATE PID URL
    if pid=$(postgres_pid); then state=running; else state=stopped pid=-; fi
    printf '%-10s %-8s %-8s %s\n' postgres "$state" "$pid" "127.0.0.1:$PG_PORT"
    for name in "${SERVICES[@]}" gateway prometheus; do
        if [ "$name" = gateway ]; then
            url="http://localhost:$GATEWAY_PORT"
        else
            url="http://127.0.0.1:$(service_port "$name")"
        fi
        if pid=$(live_pid "$name"); then
            state=running
            local probe="$url/readyz"
            [ "$name" != gateway ] || probe="$url/.well-known/jwks.json"
            [ "$name" != prometheus ] || probe="$url/-/ready"
            http_ok "$probe" && state=ready
        elif [ "$name" = prometheus ] && ! find_prometheus >/dev/null; then
            state=absent pid=- url="(apt-get install prometheus, then make up)"
        else
            state=stopped pid=-
        fi
        printf '%-10s %-8s %-8s %s\n' "$name" "$state" "$pid" "$url"
    done
    echo "logs: $LOG_DIR"
}

usage() {
    echo "usage: $0 up|down|logs|status" >&2
    echo "       $0 render-gateway DIR    (write DIR/nginx.conf and DIR/default.conf; used by validate-deploy)" >&2
    exit 2
}

main() {
    [ $# -ge 1 ] || usage
    case $1 in
        up | down | logs | status) [ $# -eq 1 ] || usage ;;
        render-gateway) [ $# -eq 2 ] || usage ;;
        *) usage ;;
    esac
    case $1 in
        up) cmd_up ;;
        down) cmd_down ;;
        logs) cmd_logs ;;
        status) cmd_status ;;
        render-gateway)
            load_stack_env
            load_ports
            mkdir -p "$2"
            render_gateway "$2"
            ;;
    esac
}

main "$@"
