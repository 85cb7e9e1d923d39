# shellcheck shell=bash
# Scripts/lib/postgres.sh: PostgreSQL's server binaries and the user that runs them. Uses common.sh.
#
#   pg_find_bin          prints PG_BIN when set (and it holds initdb and pg_ctl), else
#                        /usr/lib/postgresql/15/bin, else the newest /usr/lib/postgresql/*/bin
#   pg_ensure_bin        sets PG_BIN; without binaries: as root, apt-get install postgresql; otherwise
#                        dies saying what to install
#   as_pg_user CMD...    CMD as the `postgres` system user when root (initdb refuses root), else as is
#   postgres_alive PID   PID is a live (not zombie) postgres process (a stale pid file may name another)
#   pg_tmp_dir NAME      prints a new folder for a throwaway cluster (ram_dir NAME), owned by the
#                        cluster's user, mode 0700

readonly PREFERRED_PG_VERSION=15

pg_find_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && { echo "$PG_BIN"; return 0; }
        return 1
    fi
    if [ -x "/usr/lib/postgresql/$PREFERRED_PG_VERSION/bin/initdb" ]; then
        echo "/usr/lib/postgresql/$PREFERRED_PG_VERSION/bin"
        return 0
    fi
    local initdb
    initdb=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
    [ -n "$initdb" ] || return 1
    dirname "$initdb"
}

pg_ensure_bin() {
    local found
    if found=$(pg_find_bin); then
        PG_BIN=$found
        return 0
    fi
    [ -z "${PG_BIN:-}" ] || die "PG_BIN=$PG_BIN does not contain initdb and pg_ctl"
    is_root || die "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin).
Install them, e.g.:  sudo apt-get update && sudo apt-get install -y postgresql
or point PG_BIN at a folder containing initdb, pg_ctl, pg_isready and psql."
    apt_install postgresql
    PG_BIN=$(pg_find_bin) || die "installed 'postgresql' but still no initdb under /usr/lib/postgresql/*/bin"
}

as_pg_user() {
    if is_root; then
        id -u postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user (install the postgresql package)"
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

postgres_alive() {
    proc_alive "$1" postgres postmaster
}

pg_tmp_dir() {
    local dir
    dir=$(ram_dir "$1")
    if is_root && id -u postgres >/dev/null 2>&1; then
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    echo "$dir"
}
