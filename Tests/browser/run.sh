#!/usr/bin/env bash
# Browser tests of the web demo (Web/): pytest + Playwright driving Debian's chromium against the
# native stack. `make browser-test` runs this; so does .ci/run (with STACK_CONFIGURATION=debug).
#
#   1. installs what is missing: chromium (apt, as root) and playwright, pytest, pytest-timeout
#      (pip, into .local/browser-venv unless python3 already has them). `playwright install` is
#      never run: it downloads browsers of its own.
#   2. brings the native stack up (Scripts/stack.sh up, STACK_MODE=native) with a 10 s access-token
#      lifetime, so that a test can watch tokens expire; stops it again on exit, whatever happens,
#      unless it was already running before (then it is left as it was found).
#   3. runs pytest on Tests/browser; screenshots go to test-artifacts/browser/ (git-ignored), and on
#      failure the tails of the stack's logs too.
#
# Environment (all optional):
#   LATCHKEY_BASE_URL         test this gateway instead; no stack is started or stopped
#   BROWSER_ACCESS_TTL        access-token lifetime for the stack it starts (10; minimum 10)
#   BROWSER_TEST_TIMEOUT      seconds for the whole pytest run (900)
#   STACK_CONFIGURATION       release (default) or debug: see Scripts/stack-native.sh
#   PYTEST_ARGS               extra pytest arguments, split at spaces, e.g. "-k revoked -x"; for
#                             arguments with spaces call this script with them: run.sh -k "a or b"
#   CHROMIUM                  the browser binary (/usr/bin/chromium)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$(pwd -P)
readonly repo
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
readonly ARTIFACTS="$repo/test-artifacts/browser"
readonly VENV="$repo/.local/browser-venv"
readonly REQUIREMENTS="$repo/Tests/browser/requirements.txt"

log_prefix=browser-test
# shellcheck source=Scripts/lib/common.sh
source "$repo/Scripts/lib/common.sh"

ensure_chromium() {
    if [ ! -x "$CHROMIUM" ]; then
        [ "$CHROMIUM" = /usr/bin/chromium ] || die "CHROMIUM=$CHROMIUM is not an executable"
        apt_install chromium
    fi
    # Debian's wrapper script prints a harmless shell warning on some machines: only the version counts.
    say "browser: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
}

PYTHON=
ensure_python() {
    local check='import playwright, pytest, pytest_timeout'
    if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "$check" 2>/dev/null; then
        PYTHON="$VENV/bin/python"
    elif command -v python3 >/dev/null 2>&1 && python3 -c "$check" 2>/dev/null; then
        PYTHON=$(command -v python3)
    else
        venv_install "$VENV" -r "$REQUIREMENTS"
        PYTHON="$VENV/bin/python"
    fi
    say "python: $PYTHON ($("$PYTHON" -c 'import importlib.metadata as m; print("playwright", m.version("playwright"), "pytest", m.version("pytest"))'))"
}

gateway_answers() {
    http_ok "$1/.well-known/jwks.json"
}

started_stack=0
stack_down() {
    if [ "$started_stack" = 1 ]; then
        say "stopping the stack it started"
        STACK_MODE=native timeout 180 "$repo/Scripts/stack.sh" down || say "warning: stack down failed"
        started_stack=0
    fi
}

keep_logs() {
    local file
    mkdir -p "$ARTIFACTS/logs"
    for file in "$repo"/.local/logs/*.log; do
        [ -f "$file" ] && tail -n 200 "$file" >"$ARTIFACTS/logs/$(basename "$file")"
    done
    say "the stack's last log lines are in $ARTIFACTS/logs/"
}

main() {
    cd "$repo"
    command -v curl >/dev/null 2>&1 || apt_install curl
    ensure_chromium
    ensure_python
    rm -rf "$ARTIFACTS"
    mkdir -p "$ARTIFACTS"

    if [ -n "${LATCHKEY_BASE_URL:-}" ]; then
        say "testing $LATCHKEY_BASE_URL (LATCHKEY_BASE_URL; no stack started here)"
    else
        local ttl=${BROWSER_ACCESS_TTL:-10}
        # The gateway port is fixed here (a GATEWAY_PORT in .env would otherwise move it).
        export STACK_GATEWAY_PORT=${STACK_GATEWAY_PORT:-8080}
        export LATCHKEY_BASE_URL="http://localhost:$STACK_GATEWAY_PORT"
        if gateway_answers "$LATCHKEY_BASE_URL"; then
            say "a stack already answers on $LATCHKEY_BASE_URL: bringing it up to date, leaving it running afterwards"
            say "(services that keep running keep their access-token lifetime; the expiry test skips if it is long)"
        else
            started_stack=1
        fi
        trap stack_down EXIT
        trap 'exit 130' INT TERM
        say "starting the native stack (access tokens live ${ttl} s)"
        STACK_MODE=native STACK_ACCESS_TOKEN_TTL_SECONDS="$ttl" STACK_SIGNUPS_PER_CLIENT=1000 "$repo/Scripts/stack.sh" up ||
            { keep_logs; die "the stack did not come up"; }
    fi

    local rc=0 args=()
    # shellcheck disable=SC2206 # PYTEST_ARGS is a list of arguments
    args=(${PYTEST_ARGS:-} "$@")
    say "running pytest"
    (cd "$repo/Tests/browser" && timeout --kill-after=30 "${BROWSER_TEST_TIMEOUT:-900}" \
        "$PYTHON" -m pytest -v "${args[@]}") || rc=$?
    if [ "$rc" -ne 0 ]; then
        [ "$rc" -ne 124 ] || say "pytest did not finish within ${BROWSER_TEST_TIMEOUT:-900}s"
        keep_logs
    fi
    say "screenshots: $ARTIFACTS"
    return "$rc"
}

main "$@"
