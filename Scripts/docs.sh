#!/usr/bin/env bash
# DocC documentation of the three library products (TokenKit, TokenKitHummingbird, TokenKitClients)
# with swift-docc-plugin, every DocC warning treated as an error (a broken symbol link, an unknown
# parameter, an unresolved ``Symbol`` in a doc comment or an article).
#
#   Scripts/docs.sh            # or `make docs`
#
# Writes DOCS_OUTPUT/<Target>.doccarchive (default .build/docs/), ready for static hosting; preview
# one with `swift package --disable-sandbox preview-documentation --target TokenKit`. Builds the
# three targets in debug (about 15 s each once built, mostly extracting symbols).
#
# Environment (all optional):
#   SWIFT         the swift executable (default swift)
#   DOCS_OUTPUT   where the archives go (default .build/docs)
#   DOCS_TARGETS  the targets to document, space-separated (default: the three library products)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
log_prefix=docs
# shellcheck source=Scripts/lib/common.sh
source Scripts/lib/common.sh

swift=${SWIFT:-swift}
output=${DOCS_OUTPUT:-.build/docs}
read -r -a targets <<<"${DOCS_TARGETS:-TokenKit TokenKitHummingbird TokenKitClients}"

mkdir -p "$output"
output=$(cd "$output" && pwd)

for target in "${targets[@]}"; do
    started=$SECONDS
    archive="$output/$target.doccarchive"
    rm -rf "$archive"
    say "$target → $archive"
    "$swift" package --allow-writing-to-directory "$output" \
        generate-documentation --target "$target" --warnings-as-errors --output-path "$archive"
    [ -d "$archive" ] || die "$target: no archive at $archive"
    say "$target: done in $((SECONDS - started)) s"
done
