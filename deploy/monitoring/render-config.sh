#!/usr/bin/env bash
# Writes a Prometheus config for services outside compose, from deploy/monitoring/prometheus.yml (the
# compose one, so both keep the same jobs and rules): the targets become the given host:port
# addresses, the rule file its absolute path; optionally every interval becomes INTERVAL.
#
#   deploy/monitoring/render-config.sh OUT AUTH NOTES PROFILE PROMETHEUS [INTERVAL]
#     e.g. render-config.sh .local/prometheus/prometheus.yml 127.0.0.1:8081 127.0.0.1:8082 \
#          127.0.0.1:8083 127.0.0.1:9090
#
# Used by Scripts/stack-native.sh and Scripts/test-monitoring.sh; check the result with
# `promtool check config OUT`. Exits 1 when prometheus.yml no longer has the lines it rewrites.
set -euo pipefail

if [ $# -lt 5 ] || [ $# -gt 6 ]; then
    echo "usage: $0 OUT AUTH NOTES PROFILE PROMETHEUS [INTERVAL]" >&2
    exit 2
fi
out=$1 auth=$2 notes=$3 profile=$4 prometheus=$5 interval=${6:-}
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
source_file=$dir/prometheus.yml

address_pattern='^[A-Za-z0-9.:_-]+$'
for address in "$auth" "$notes" "$profile" "$prometheus"; do
    [[ "$address" =~ $address_pattern ]] || { echo "$0: not a host:port: '$address'" >&2; exit 2; }
done
if [ -n "$interval" ] && ! [[ "$interval" =~ ^[1-9][0-9]*(ms|s|m)$ ]]; then
    echo "$0: not a Prometheus duration: '$interval'" >&2
    exit 2
fi

# Each rewritten line must appear exactly once in prometheus.yml.
expect_once() {
    local count
    count=$(grep -c -x -F -- "$1" "$source_file" || true)
    [ "$count" = 1 ] || { echo "$0: expected the line '$1' once in $source_file, found it $count times" >&2; exit 1; }
}
expect_once '      - targets: ["auth:8081"]'
expect_once '      - targets: ["notes:8082"]'
expect_once '      - targets: ["profile:8083"]'
expect_once '      - targets: ["127.0.0.1:9090"]'
expect_once '  - alerts.yml'
expect_once '  scrape_interval: 15s'
expect_once '  scrape_timeout: 5s'
expect_once '  evaluation_interval: 15s'

rules=$dir/alerts.yml
# The rule file's path goes into a YAML double-quoted string.
if [[ "$rules" == *[\"\\]* ]]; then
    printf '%s: the path %s must not contain a double quote or a backslash\n' "$0" "$rules" >&2
    exit 1
fi
# The sed replacements below may hold '&', '|' or '\' only through these paths.
escape() { printf '%s' "$1" | sed -e 's/[&|\\]/\\&/g'; }

sed_args=(
    -e "s|^      - targets: \[\"auth:8081\"\]\$|      - targets: [\"$auth\"]|"
    -e "s|^      - targets: \[\"notes:8082\"\]\$|      - targets: [\"$notes\"]|"
    -e "s|^      - targets: \[\"profile:8083\"\]\$|      - targets: [\"$profile\"]|"
    -e "s|^      - targets: \[\"127.0.0.1:9090\"\]\$|      - targets: [\"$prometheus\"]|"
    -e "s|^  - alerts.yml\$|  - \"$(escape "$rules")\"|"
)
if [ -n "$interval" ]; then
    sed_args+=(
        -e "s|^  scrape_interval: 15s\$|  scrape_interval: $interval|"
        -e "s|^  scrape_timeout: 5s\$|  scrape_timeout: $interval|"
        -e "s|^  evaluation_interval: 15s\$|  evaluation_interval: $interval|"
    )
fi
{
    echo "# Written by deploy/monitoring/render-config.sh from $source_file; changes are lost."
    sed "${sed_args[@]}" "$source_file"
} >"$out.tmp"
mv -f "$out.tmp" "$out"
