#!/usr/bin/env bash
# Re-fetch the web view's browser libraries at the pinned versions with `npm pack`, and write VERSIONS.md.
#
# buckstop serves these files itself (api/web.py) so that the web view works with no network but the
# server's. To move to other versions, change the pins below, run this script, and run
# tests/api/test_web.py (a real browser, every non-loopback request refused).
# Needs npm and tar; writes only into this folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# package@version  file in the package  ->  folder/file here
# The ES-module build (one file, every chart and both renderers), named .js so any server types it as script.
FILES=(
  "echarts@6.1.0               dist/echarts.esm.min.js              echarts/echarts.esm.min.js"
  "echarts@6.1.0               LICENSE                              echarts/LICENSE"
  "echarts@6.1.0               NOTICE                               echarts/NOTICE"
  "echarts@6.1.0               licenses/LICENSE-d3                  echarts/LICENSE-d3"
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

# The module must import nothing: an `import … from "…"` would make the browser fetch another file.
if grep -Eq '(^|[;}])import[^(]' "$here/echarts/echarts.esm.min.js"; then
  echo "refresh.sh: echarts.esm.min.js imports another module" >&2
  exit 1
fi

{
  echo "# The web view's browser libraries, vendored"
  echo
  echo "Written by refresh.sh (\`bash api/static/vendor/refresh.sh\`); do not edit by hand."
  echo "Each file is byte for byte the one in its npm package; each folder keeps its package's licences."
  echo
  echo "| file | package | sha256 |"
  echo "| --- | --- | --- |"
  for line in "${FILES[@]}"; do
    read -r spec source target <<<"$line"
    echo "| \`$target\` | \`$spec\` \`$source\` | \`$(sha256sum "$here/$target" | cut -d' ' -f1)\` |"
  done
} >"$here/VERSIONS.md"
echo "wrote $here/VERSIONS.md"
