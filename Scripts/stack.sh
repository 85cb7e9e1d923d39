#!/usr/bin/env bash
# The local Latchkey stack: gateway on http://localhost:8080, auth/notes/profile, PostgreSQL.
#
#   Scripts/stack.sh up       start (or bring up to date) the stack and wait until it is ready
#   Scripts/stack.sh down     stop it; the database is kept
#   Scripts/stack.sh logs     follow all logs
#   Scripts/stack.sh status   what runs, and whether it is ready
#
# `make up`, `make down`, `make logs` and `make status` call this.
#
# Where it runs (STACK_MODE=auto, the default):
# - docker: when a Docker engine answers (`docker info`), with docker-compose.yml. Secrets come
#   from the git-ignored .env; when there is none, one is written with fresh secrets (0600).
# - native: otherwise, with Scripts/stack-native.sh: local PostgreSQL 15 in .local/postgres,
#   release builds, nginx; all on 127.0.0.1, with the settings and secrets of the same .env
#   (written the same way when missing; see that script for its settings).
# STACK_MODE=native or STACK_MODE=docker forces one. `down`, `logs` and `status` act on the mode
# the last `up` used (.local/run/mode).
#
# Docker: deploy/Dockerfile needs BuildKit (RUN --mount, COPY --chmod), which the classic builder
# refuses. This script exports DOCKER_BUILDKIT=1 and COMPOSE_DOCKER_CLI_BUILD=1 (docker-compose 1.x
# then hands the build to the docker CLI, and the CLI uses BuildKit), and before building checks what
# it can: a docker CLI of version 23 or later builds only through the buildx plugin; 18.09 to 20.10
# (Debian 12's docker.io) have BuildKit built in; docker-compose 1.x must be 1.25 or later to hand the
# build over at all (1.29 is what validate-deploy checks the file with); compose v2 builds through
# buildx.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly repo
readonly MODE_FILE="$repo/.local/run/mode"
readonly COMPOSE_PROJECT=latchkey

log_prefix=stack
# shellcheck source=Scripts/lib/common.sh
source "$repo/Scripts/lib/common.sh"
# shellcheck source=Scripts/lib/secrets.sh
source "$repo/Scripts/lib/secrets.sh"

usage() {
    echo "usage: $0 up|down|logs|status" >&2
    exit 2
}

docker_engine_answers() {
    command -v docker >/dev/null 2>&1 || return 1
    timeout 15 docker info >/dev/null 2>&1
}

# Picks the mode for COMMAND: up decides afresh; the others follow the last up.
pick_mode() {
    local command=$1 mode=${STACK_MODE:-auto}
    case $mode in
        native | docker) echo "$mode"; return 0 ;;
        auto) ;;
        *) die "STACK_MODE must be auto, native or docker, not '$mode'" ;;
    esac
    if [ "$command" != up ] && [ -f "$MODE_FILE" ]; then
        mode=$(cat "$MODE_FILE")
        case $mode in native | docker) echo "$mode"; return 0 ;; esac
    fi
    if docker_engine_answers; then echo docker; else echo native; fi
}

# ---------------------------------------------------------------------------------------------
# docker compose
# ---------------------------------------------------------------------------------------------

COMPOSE=()
find_compose() {
    if docker compose version >/dev/null 2>&1; then
        COMPOSE=(docker compose)
    elif command -v docker-compose >/dev/null 2>&1; then
        COMPOSE=(docker-compose)
    else
        die "a Docker engine answers but neither 'docker compose' nor 'docker-compose' is installed.
Install Docker's compose plugin (docker-compose-plugin from Docker's apt repository; Ubuntu:
docker-compose-v2), or docker-compose 1.29 (Debian 12: apt-get install docker-compose); or run
natively with STACK_MODE=native"
    fi
    COMPOSE+=(--project-name "$COMPOSE_PROJECT" --file "$repo/docker-compose.yml" --project-directory "$repo")
}

readonly BUILDX_HELP="Install the buildx plugin: docker-buildx-plugin from Docker's apt repository (where
docker-ce comes from), docker-buildx on Ubuntu, or a release binary of github.com/docker/buildx as
~/.docker/cli-plugins/docker-buildx. Or run natively with STACK_MODE=native"

# The major (and minor) number of a version such as 20.10.24 or v0.17.1, or nothing.
version_major() { sed -n -E 's/^v?([0-9]+)\..*/\1/p' <<<"$1"; }
version_minor() { sed -n -E 's/^v?[0-9]+\.([0-9]+).*/\1/p' <<<"$1"; }

# BuildKit for deploy/Dockerfile (see the header): says which builder will run, or stops with what to
# install when the build would certainly fail. Versions it cannot read are let through.
check_buildkit() {
    local buildx client client_major compose_version compose_v1=0 minor
    export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
    buildx=$(docker buildx version 2>/dev/null | awk 'NR == 1 { print $2 }') || buildx=""
    client=$(docker version --format '{{.Client.Version}}' 2>/dev/null) || client=""
    client_major=$(version_major "$client")
    if [ "${COMPOSE[0]}" = docker-compose ]; then
        compose_version=$(docker-compose version --short 2>/dev/null) || compose_version=""
        if [ "$(version_major "$compose_version")" = 1 ]; then
            compose_v1=1
            minor=$(version_minor "$compose_version")
            if [ -n "$minor" ] && [ "$minor" -lt 25 ]; then
                die "docker-compose $compose_version builds with its own classic builder, which cannot build
deploy/Dockerfile (it needs BuildKit). Install Docker's compose plugin (docker compose) or
docker-compose 1.29, or run natively with STACK_MODE=native"
            elif [ -n "$minor" ] && [ "$minor" -lt 29 ]; then
                say "warning: docker-compose $compose_version is older than 1.29, the version docker-compose.yml is checked with"
            fi
        fi
    fi
    if [ -n "$buildx" ]; then
        say "BuildKit: docker buildx $buildx"
        minor=$(version_minor "$buildx")
        if [ "$compose_v1" = 0 ] && [ "$(version_major "$buildx")" = 0 ] && [ -n "$minor" ] && [ "$minor" -lt 17 ]; then
            say "warning: recent compose releases refuse buildx older than 0.17 ('compose build requires buildx 0.17 or later'). If yours does: $BUILDX_HELP"
        fi
    elif [ "$compose_v1" = 0 ]; then
        say "warning: no buildx plugin; compose v2 builds through it, and recent releases stop without it. If the build fails: $BUILDX_HELP"
    elif [ -n "$client_major" ] && [ "$client_major" -ge 23 ]; then
        # docker-compose 1.x runs `docker build`, which from CLI 23 on builds with BuildKit only through buildx:
        # "BuildKit is enabled but the buildx component is missing or broken".
        die "the docker CLI $client has no buildx plugin, and without it cannot build with BuildKit, which
deploy/Dockerfile needs. $BUILDX_HELP"
    elif [ -n "$client_major" ]; then
        say "BuildKit: built into the docker CLI $client (DOCKER_BUILDKIT=1)"
    fi
}

# Writes .env with fresh secrets when there is none (a copy of .env.example, filled in).
ensure_dotenv() {
    [ -f "$repo/.env" ] && return 0
    say "writing $repo/.env with fresh secrets (git-ignored; keep it, the database volume depends on it)"
    env_file_write "$repo/.env" "$repo/.env.example"
}

wait_gateway() {
    local port=$1 timeout=${STACK_READY_TIMEOUT:-600} deadline
    deadline=$((SECONDS + timeout))
    until http_ok "http://127.0.0.1:$port/.well-known/jwks.json"; do
        [ "$SECONDS" -lt "$deadline" ] || die "the gateway did not answer within ${timeout}s; see: make logs"
        sleep 2
    done
}

gateway_port() {
    local port=${GATEWAY_PORT:-}
    if [ -z "$port" ] && [ -f "$repo/.env" ]; then
        port=$(sed -n -E 's/^GATEWAY_PORT=([0-9]+)[[:space:]]*$/\1/p' "$repo/.env" | tail -n 1)
    fi
    echo "${port:-8080}"
}

docker_up() {
    find_compose
    check_buildkit
    ensure_dotenv
    mkdir -p "$(dirname "$MODE_FILE")"
    echo docker >"$MODE_FILE"
    say "docker compose: building the images and starting the stack (the first build takes a while)"
    "${COMPOSE[@]}" up --build --detach
    local port
    port=$(gateway_port)
    say "waiting for the gateway (health checks order the start: postgres, auth, notes and profile, gateway)"
    wait_gateway "$port"
    cat <<EOF

Latchkey is up (docker compose, project '$COMPOSE_PROJECT').

  web demo   http://localhost:$port   (API on the same origin; nothing else is published)
  services   auth:8081, notes:8082, profile:8083 and postgres:5432 on the compose networks only
  secrets    .env (git-ignored)
  logs       make logs   (docker compose logs -f)
  status     make status
  stop       make down   (the database volume is kept; 'docker compose down -v' deletes it)
EOF
}

docker_cmd() {
    find_compose
    export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
    case $1 in
        down) "${COMPOSE[@]}" down && rm -f "$MODE_FILE" ;;
        logs) exec "${COMPOSE[@]}" logs --follow --tail 50 ;;
        status) "${COMPOSE[@]}" ps ;;
    esac
}

main() {
    [ $# -eq 1 ] || usage
    local command=$1 mode
    case $command in up | down | logs | status) ;; *) usage ;; esac
    mode=$(pick_mode "$command")
    if [ "$mode" = native ]; then
        [ "$command" != up ] || say "no Docker engine answers (or STACK_MODE=native): running natively"
        exec "$repo/Scripts/stack-native.sh" "$command"
    fi
    case $command in
        up) docker_up ;;
        *) docker_cmd "$command" ;;
    esac
}

main "$@"
