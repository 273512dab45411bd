#!/usr/bin/env bash
# Re-fetch GraphiQL's browser files at the pinned versions with `npm pack`, and write VERSIONS.md.
#
# buckstop serves these files itself (api/graphiql.py) so that GraphiQL works with no network but
# the server's. To move to other versions, change the pins below, run this script, and run
# tests/api/test_graphiql.py (a real browser, every non-loopback request refused).
# Needs npm and tar; writes only into this folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# package@version  file in the package  ->  folder/file here
# The versions are those strawberry's own GraphiQL page loads, except the explorer plugin: 3.2.6
# declares the @graphiql/react (0.28) that graphiql 3.8.3 bundles.
FILES=(
  "react@18.2.0                umd/react.production.min.js          react/react.production.min.js"
  "react@18.2.0                LICENSE                              react/LICENSE"
  "react-dom@18.2.0            umd/react-dom.production.min.js      react-dom/react-dom.production.min.js"
  "react-dom@18.2.0            LICENSE                              react-dom/LICENSE"
  "graphiql@3.8.3              graphiql.min.js                      graphiql/graphiql.min.js"
  "graphiql@3.8.3              graphiql.min.css                     graphiql/graphiql.min.css"
  "graphiql@3.8.3              LICENSE                              graphiql/LICENSE"
  "@graphiql/plugin-explorer@3.2.6 dist/index.umd.js                plugin-explorer/index.umd.js"
  "@graphiql/plugin-explorer@3.2.6 dist/style.css                   plugin-explorer/style.css"
  # The plugin's package has no LICENSE file; it is MIT (its package.json) from the same repository as
  # graphiql, whose LICENSE it is. Its UMD build bundles graphiql-explorer (MIT), whose LICENSE is this.
  "graphiql@3.8.3              LICENSE                              plugin-explorer/LICENSE"
  "graphiql-explorer@0.9.0     LICENSE                              plugin-explorer/LICENSE.graphiql-explorer"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

declare -A unpacked=()
for line in "${FILES[@]}"; do
  read -r spec source target <<<"$line"
  if [[ -z "${unpacked[$spec]:-}" ]]; then
    dir="$work/$(echo "$spec" | tr '/@' '__')"
    mkdir -p "$dir"
    tarball="$(cd "$dir" && npm pack --silent "$spec")"
    tar -xzf "$dir/$tarball" -C "$dir"
    unpacked[$spec]="$dir/package"
  fi
  mkdir -p "$here/$(dirname "$target")"
  cp "${unpacked[$spec]}/$source" "$here/$target"
done

# No file may make the browser fetch from another host: fail on any absolute URL in a CSS url() or
# @import (GraphiQL's fonts are inlined as data: URLs). The JS names many URLs in messages and
# comments; the browser test is what proves it fetches none of them.
if grep -EHno "(url\(|@import)[[:space:]\"']*(https?:)?//" "$here"/*/*.css; then
  echo "refresh.sh: a stylesheet above loads from another host" >&2
  exit 1
fi

{
  echo "# GraphiQL's browser files, vendored"
  echo
  echo "Written by refresh.sh (\`bash api/static/graphiql/refresh.sh\`); do not edit by hand."
  echo "Each file is byte for byte the one in its npm package; each folder keeps its package's LICENSE."
  echo
  echo "| file | package | sha256 |"
  echo "| --- | --- | --- |"
  for line in "${FILES[@]}"; do
    read -r spec source target <<<"$line"
    echo "| \`$target\` | \`$spec\` \`$source\` | \`$(sha256sum "$here/$target" | cut -d' ' -f1)\` |"
  done
} >"$here/VERSIONS.md"
echo "wrote $here/VERSIONS.md"
