#!/usr/bin/env bash
# Run a command with a throwaway Neo4j (NEO4J_URI exported), stopped afterwards.
#
#   bash .ci/neo4j/run-with.sh python -m pytest
#
# NEO4J_URI already set: runs the command against that server.
# No Java or Maven here: runs the command without Neo4j (the Neo4j tests then
# skip, saying why) -- except under CI=true, where that is an error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -n "${NEO4J_URI:-}" ]]; then
  exec "$@"
fi
if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  eval "$(bash "$here/start.sh")"
  trap 'bash "$here/stop.sh" >&2 || true' EXIT
elif [[ "${CI:-}" == "true" ]]; then
  echo "run-with.sh: CI needs Java and Maven to start Neo4j for the Neo4j tests" >&2
  exit 1
else
  echo "run-with.sh: no Java or Maven here: the Neo4j tests will be skipped" >&2
fi
"$@"
