#!/usr/bin/env bash
# Latchkey: the PostgreSQL roles and databases of the three services.
#
# Creates one database per service, each owned by its own login role with its own password, so
# that no service can reach another's data:
#
#   role/database auth     password AUTH_DB_PASSWORD
#   role/database notes    password NOTES_DB_PASSWORD
#   role/database profile  password PROFILE_DB_PASSWORD
#
# Used twice:
# - docker compose: mounted into the official postgres image's /docker-entrypoint-initdb.d/, which
#   runs it once, when the data volume is still empty. The passwords come from the container's
#   environment (docker-compose.yml passes them from the git-ignored .env). Changing them in .env
#   later does not change an existing volume: run this script again inside the container
#   (docker compose exec postgres /docker-entrypoint-initdb.d/10-latchkey.sh), or `down -v` to start over.
# - the native stack (Scripts/stack-native.sh) runs it at every `make up` with PGHOST/PGPORT set.
# It is idempotent: missing roles and databases are created, every role's password is (re)set.
# POSTGRES_USER (default postgres) must be a superuser; libpq's PG* variables say where to connect.
set -euo pipefail

create_service_database() {
    local name=$1 password=$2
    if [ -z "$password" ]; then
        echo "init.sh: the password for database '$name' is empty; set it in .env" >&2
        exit 1
    fi
    # psql variables (:"name" and :'password') quote the identifier and the literal safely.
    # psql variables (:"name", :'password') quote the identifier and the literal safely; \gexec runs
    # the generated statement only when the SELECT returns a row (CREATE has no IF NOT EXISTS).
    psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" \
        --dbname "${POSTGRES_DB:-postgres}" -v name="$name" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
ALTER ROLE :"name" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L', :'name', :'name', 'UTF8')
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
    echo "init.sh: role and database '$name' ready"
}

create_service_database auth "${AUTH_DB_PASSWORD:-}"
create_service_database notes "${NOTES_DB_PASSWORD:-}"
create_service_database profile "${PROFILE_DB_PASSWORD:-}"
