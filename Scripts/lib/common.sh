# shellcheck shell=bash
# Scripts/lib/common.sh: sourced by the scripts (and by the other files of Scripts/lib/).
#
#   say, log, die MESSAGE        "PREFIX: MESSAGE" on stdout, the same on stderr, and "PREFIX: error:
#                                MESSAGE" on stderr and exit 1; PREFIX is $log_prefix, set before sourcing
#                                (a script may define its own log and die after sourcing)
#   is_root                      this script runs as root
#   apt_install PACKAGE...       installs Debian packages as root; otherwise dies with the command to run
#   venv_install VENV PIP-ARGS   makes the virtualenv VENV when missing (with Debian's python3-venv, added
#                                as root when `python3 -m venv` lacks it), then pip-installs PIP-ARGS into it
#   http_ok URL                  exit 0 when GET URL answers 2xx within 2 s (curl, else python3: a fresh
#                                Debian has no curl)
#   wait_http_ok URL SECONDS CHECK...   polls URL until http_ok (exit 0); exit 1 as soon as the command
#                                CHECK fails (the process that should answer has died), 2 after SECONDS
#   proc_alive PID [NAME...]     PID is a live process, not a zombie (and its name is one of NAME)
#   wait_reaped PID [SECONDS]    waits (5 s at most) until PID has left the process table: an orphan is
#                                reaped by PID 1, which some minimal init processes do only after a while
#   on_exit FUNCTION             runs FUNCTION at exit; INT, TERM and HUP exit 130, 143 and 129, so it runs
#   ram_dir NAME                 prints a new folder latchkey-NAME.XXXXXX in /dev/shm (else $TMPDIR or /tmp)

log_prefix=${log_prefix:-latchkey}
say() { printf '%s: %s\n' "$log_prefix" "$*"; }
log() { say "$*" >&2; }
die() {
    printf '%s: error: %s\n' "$log_prefix" "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
    is_root || die "missing $*; install with: sudo apt-get update && sudo apt-get install -y --no-install-recommends $*"
    log "installing with apt: $*"
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be missing or stale: update them only when a first try fails (whose
    # errors are expected, so only the second try's are shown).
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } ||
        die "apt-get install $* failed"
}

venv_install() {
    local venv=$1
    shift
    command -v python3 >/dev/null 2>&1 || apt_install python3
    if [ ! -x "$venv/bin/python" ]; then
        log "creating the virtualenv $venv"
        mkdir -p "$(dirname "$venv")"
        if ! python3 -m venv "$venv" >/dev/null 2>&1; then
            rm -rf -- "$venv"
            apt_install python3-venv
            python3 -m venv "$venv" || die "python3 -m venv $venv failed"
        fi
    fi
    log "installing $* into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" || die "pip install $* failed"
}

http_ok() {
    if command -v curl >/dev/null 2>&1; then
        curl --fail --silent --max-time 2 --output /dev/null "$1"
    else
        python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" >/dev/null 2>&1
    fi
}

wait_http_ok() {
    local url=$1 deadline=$((SECONDS + $2))
    shift 2
    until http_ok "$url"; do
        "$@" || return 1
        [ "$SECONDS" -lt "$deadline" ] || return 2
        sleep 0.2
    done
}

proc_alive() {
    local pid=$1 stat name
    shift
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    # Format: PID (COMM) STATE ...; COMM may contain spaces, so the state follows the last ')'.
    local state=${stat##*) }
    state=${state%% *}
    [ "$state" != Z ] && [ "$state" != X ] || return 1
    [ $# -gt 0 ] || return 0
    for name in "$@"; do
        [[ "$stat" != "$pid ($name) "* ]] || return 0
    done
    return 1
}

wait_reaped() {
    local pid=$1 tenths=$((${2:-5} * 10)) _
    for _ in $(seq 1 "$tenths"); do
        [ -e "/proc/$pid" ] || return 0
        sleep 0.1
    done
    return 0
}

on_exit() {
    # shellcheck disable=SC2064 # the function's name, expanded now on purpose
    trap "$1" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

ram_dir() {
    local parent=${TMPDIR:-/tmp}
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then parent=/dev/shm; fi
    mktemp -d "$parent/latchkey-$1.XXXXXX"
}
