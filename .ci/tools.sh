#!/usr/bin/env bash
# The programs some tests need besides Python, checked (and under CI=true installed) by `make test`:
#
#   wrk       Debian package   the HTTP benchmark's smoke test (tests/bench/test_http.py)
#   chromium  Debian package   GraphiQL in a real headless browser (tests/api/test_graphiql.py)
#   npm       Node.js          the GraphQL-over-HTTP audit (tests/api/test_graphql_http.py)
#   java, mvn JDK 17+, Maven   a throwaway Neo4j for the Neo4j tests (.ci/neo4j/)
#
# Under CI=true a missing Debian package is installed with apt-get (as root, or through sudo);
# elsewhere each missing program is named in one line with the tests that will skip.
set -euo pipefail

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)

if [[ ${#missing[@]} -gt 0 && "${CI:-}" == "true" ]]; then
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  echo "installing ${missing[*]} (Debian packages) for the tests" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  missing=()
fi
for tool in "${missing[@]}"; do
  case "$tool" in
    wrk) echo "wrk not found: the HTTP benchmark smoke test will skip (Debian: apt-get install wrk)" ;;
    chromium) echo "chromium not found: the browser test of GraphiQL will skip (Debian: apt-get install chromium)" ;;
  esac
done
command -v npm >/dev/null || echo "npm not found: the GraphQL-over-HTTP audit will skip (install Node.js)"
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "java or mvn not found: the Neo4j tests will skip (install a JDK 17+ and Maven)"
fi
