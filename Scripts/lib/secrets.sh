# shellcheck shell=bash
# Scripts/lib/secrets.sh: generated secrets, and the settings file (.env) that docker compose and the
# native stack both read. Uses die (see common.sh).
#
#   secret_hex BYTES     BYTES random bytes as hex (database passwords, introspection secrets)
#   secret_b64 BYTES     BYTES random bytes as base64 (AUTH_SECRET_KEY)
#   env_file_read FILE   fills the associative array cfg from FILE's KEY=VALUE lines (parsed, not
#                        sourced: `export ` and one pair of quotes around a value are allowed)
#   env_file_write FILE EXAMPLE [OLD]   writes FILE (0600) from the template EXAMPLE (.env.example) with
#                        every secret filled in: AUTH_SECRET_KEY (base64 of 32 bytes), *_PASSWORD and
#                        *_INTROSPECTION_SECRET (hex of 24 bytes). A setting the file OLD has keeps OLD's
#                        value, and OLD's settings that EXAMPLE lacks are added at the end.

secret_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
secret_b64() { head -c "$1" /dev/urandom | base64 -w0; }

env_file_read() {
    local file=$1 line key value
    declare -gA cfg=()
    [ -f "$file" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%$'\r'}
        [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
        [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] ||
            die "$file: cannot read line: $line"
        key=${BASH_REMATCH[2]}
        value=${BASH_REMATCH[3]}
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value=${BASH_REMATCH[1]}
        fi
        cfg[$key]=$value
    done <"$file"
}

env_file_write() {
    local file=$1 example=$2 old=${3:-} tmp line key
    local -A written=()
    env_file_read "$old"
    tmp=$(mktemp "$file.XXXXXX")
    chmod 600 "$tmp"
    while IFS= read -r line || [ -n "$line" ]; do
        key=${line%%=*}
        if ! [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
            printf '%s\n' "$line"
            continue
        fi
        written[$key]=1
        if [ -n "${cfg[$key]:-}" ]; then
            printf '%s=%s\n' "$key" "${cfg[$key]}"
        else
            case $key in
                AUTH_SECRET_KEY) echo "$key=$(secret_b64 32)" ;;
                *_PASSWORD | *_INTROSPECTION_SECRET) echo "$key=$(secret_hex 24)" ;;
                *) printf '%s\n' "$line" ;;
            esac
        fi
    done <"$example" >"$tmp"
    local extra=()
    for key in "${!cfg[@]}"; do
        [ -n "${written[$key]:-}" ] || extra+=("$key")
    done
    if [ ${#extra[@]} -gt 0 ]; then
        printf '\n# --- carried over from %s ---\n' "$old" >>"$tmp"
        printf '%s\n' "${extra[@]}" | sort | while IFS= read -r key; do
            printf '%s=%s\n' "$key" "${cfg[$key]}"
        done >>"$tmp"
    fi
    mv -f "$tmp" "$file"
}
