#!/usr/bin/env bash
# Rebuild the web view's chart module from the npm packages at the pinned versions, and write VERSIONS.md.
#
# buckstop serves these files itself (api/web.py) so that the web view works with no network but the
# server's. The chart needs only ECharts' tree series, its aria labels and its two renderers (canvas for
# the page, SVG for the export), so this script bundles just those from the `echarts` package with
# esbuild (both pinned below) into one ES module that imports nothing: about a third of ECharts' full
# build, which the browser fetches and compiles on the chart's first visit. The built file is committed;
# nothing is built when buckstop is installed. The same pins give the same bytes (VERSIONS.md's sha256).
#
# To move to other versions, change the pins, run this script, and run tests/api/test_web.py (a real
# browser, every non-loopback request refused). Needs node, npm and tar; writes only into this folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

ECHARTS="echarts@6.1.0"
ESBUILD="esbuild@0.28.2"
# What the chart uses (api/static/web/chart.js): echarts.init, and these parts registered with it.
ENTRY='import { use } from "echarts/core";
import { TreeChart } from "echarts/charts";
import { AriaComponent } from "echarts/components";
import { CanvasRenderer, SVGRenderer } from "echarts/renderers";
use([TreeChart, AriaComponent, CanvasRenderer, SVGRenderer]);
export { init } from "echarts/core";'
MODULE="echarts/echarts-tree.esm.min.js"
# The licences of what the module holds: ECharts (Apache-2.0, its NOTICE and the d3 code of its tree
# layout), zrender (BSD-3-Clause) and tslib (0BSD), each from its own package as installed next to ECharts.
LICENCES=(
  "echarts  LICENSE             echarts/LICENSE"
  "echarts  NOTICE              echarts/NOTICE"
  "echarts  licenses/LICENSE-d3 echarts/LICENSE-d3"
  "zrender  LICENSE             echarts/LICENSE-zrender"
  "tslib    LICENSE.txt         echarts/LICENSE-tslib"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --ignore-scripts: esbuild's binary comes as its platform package (an optional dependency); no install script runs.
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund --ignore-scripts --save-exact "$ECHARTS" "$ESBUILD")
printf '%s\n' "$ENTRY" >"$work/entry.js"
mkdir -p "$here/echarts"
rm -f "$here/echarts/"*
(cd "$work" && ./node_modules/.bin/esbuild entry.js --bundle --format=esm --minify --legal-comments=none \
  --log-level=warning --outfile="$here/$MODULE")
for line in "${LICENCES[@]}"; do
  read -r package source target <<<"$line"
  cp "$work/node_modules/$package/$source" "$here/$target"
done

# The module must import nothing: an `import … from "…"` would make the browser fetch another file.
if grep -Eq '(^|[;}])import[^(]' "$here/$MODULE"; then
  echo "refresh.sh: $MODULE imports another module" >&2
  exit 1
fi

version_of() { node -p "require('$work/node_modules/$1/package.json').version"; }
{
  echo "# The web view's browser libraries, vendored"
  echo
  echo "Written by refresh.sh (\`bash api/static/vendor/refresh.sh\`); do not edit by hand."
  echo "The module is built by that script from the npm packages below (the tree series, aria, the canvas and"
  echo "SVG renderers of ECharts, bundled by esbuild); each licence is byte for byte its package's."
  echo
  echo "| file | from | sha256 |"
  echo "| --- | --- | --- |"
  echo "| \`$MODULE\` | \`$ECHARTS\` (\`zrender@$(version_of zrender)\`, \`tslib@$(version_of tslib)\`), built by \`$ESBUILD\` | \`$(sha256sum "$here/$MODULE" | cut -d' ' -f1)\` |"
  for line in "${LICENCES[@]}"; do
    read -r package source target <<<"$line"
    echo "| \`$target\` | \`$package@$(version_of "$package")\` \`$source\` | \`$(sha256sum "$here/$target" | cut -d' ' -f1)\` |"
  done
} >"$here/VERSIONS.md"
echo "wrote $here/VERSIONS.md"
