#!/usr/bin/env bash
# Start a throwaway Neo4j (embedded Community, Bolt on 127.0.0.1) for tests.
#
#   eval "$(bash .ci/neo4j/start.sh)"     # sets NEO4J_URI, BUCKSTOP_NEO4J_PID, ...
#   ...run tests...
#   bash .ci/neo4j/stop.sh                # uses BUCKSTOP_NEO4J_PID / _DIR
#
# Only `export ...` lines go to stdout; progress and errors go to stderr.
#
# Optional environment:
#   BUCKSTOP_NEO4J_VERSION        Neo4j version (default: <neo4j.version> in pom.xml)
#   BUCKSTOP_NEO4J_JAVA_HOME      JDK to use (default: detected, see pick_jdk)
#   BUCKSTOP_NEO4J_PORT           Bolt port (default: a free one)
#   BUCKSTOP_NEO4J_PASSWORD       turn auth on with this password (default: auth off)
#   BUCKSTOP_NEO4J_USER           user for that password (default: neo4j)
#   BUCKSTOP_NEO4J_START_TIMEOUT  seconds to wait for Bolt (default: 180)
#   BUCKSTOP_NEO4J_JAVA_OPTS      JVM options (default: -Xms256m -Xmx1g)
#   BUCKSTOP_NEO4J_CACHE          where resolved classpaths are cached
#                                 (default: ${XDG_CACHE_HOME:-~/.cache}/buckstop-neo4j)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
T_START=$SECONDS

log() { printf '[neo4j] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

VERSION="${BUCKSTOP_NEO4J_VERSION:-$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$HERE/pom.xml" | head -n1)}"
[[ -n "$VERSION" ]] || die "cannot read <neo4j.version> from $HERE/pom.xml"

# Java feature versions this Neo4j version runs on, best first.
case "$VERSION" in
  5.*)                      JAVA_OK="17 21" ;;
  2025.0[1-9].*)            JAVA_OK="21" ;;
  2025.1[0-2].* | 20[2-9][0-9].*) JAVA_OK="21 25" ;;
  *) die "unsupported Neo4j version '$VERSION' (want 5.x or 2025.01+)" ;;
esac

java_major() { # JDK home -> feature version ("17"), empty if not a JDK
  local home="$1" v
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 0
  v="$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
  printf '%s' "${v#1.}"
}

pick_jdk() { # prints a JDK home whose version is in JAVA_OK
  local cand=() h seen=" " m ok
  if [[ -n "${BUCKSTOP_NEO4J_JAVA_HOME:-}" ]]; then
    m="$(java_major "$BUCKSTOP_NEO4J_JAVA_HOME")"
    [[ " $JAVA_OK " == *" ${m:-none} "* ]] && { printf '%s' "$BUCKSTOP_NEO4J_JAVA_HOME"; return 0; }
    die "BUCKSTOP_NEO4J_JAVA_HOME=$BUCKSTOP_NEO4J_JAVA_HOME is Java ${m:-?(no JDK there)}; Neo4j $VERSION needs Java ${JAVA_OK// / or } (a JDK: the launcher compiles Launcher.java)"
  fi
  [[ -n "${JAVA_HOME:-}" ]] && cand+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    h="$(readlink -f "$(command -v java)")"; cand+=("${h%/bin/java}")
  fi
  for h in /usr/lib/jvm/* /opt/java/* /usr/local/lib/jvm/*; do [[ -d "$h" ]] && cand+=("$h"); done
  for ok in $JAVA_OK; do            # prefer the first acceptable feature version
    for h in "${cand[@]}"; do
      h="$(readlink -f "$h")"
      [[ "$seen" == *" $h:$ok "* ]] && continue
      seen+="$h:$ok "
      [[ "$(java_major "$h")" == "$ok" ]] && { printf '%s' "$h"; return 0; }
    done
  done
  local hint="install a JDK ${JAVA_OK// / or }"
  [[ "$VERSION" == 5.* ]] && hint="on Debian: apt-get install -y openjdk-17-jdk-headless"
  die "no JDK for Neo4j $VERSION: it needs Java ${JAVA_OK// / or } with javac (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*, /opt/java/*); $hint, or set BUCKSTOP_NEO4J_JAVA_HOME"
}

JDK="$(pick_jdk)"
JAVA="$JDK/bin/java"
log "Neo4j $VERSION on Java $(java_major "$JDK") ($JDK)"

# --- classpath: resolved once by Maven, cached per pom.xml + version ---------
CACHE="${BUCKSTOP_NEO4J_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/buckstop-neo4j}"
mkdir -p "$CACHE"
KEY="$( { cat "$HERE/pom.xml"; echo "$VERSION"; } | sha256sum | cut -c1-16)"
CP_FILE="$CACHE/classpath-$VERSION-$KEY.txt"

classpath_ok() { # every jar of the cached classpath still exists (~/.m2 may be wiped)
  local f jars
  [[ -s "$CP_FILE" ]] || return 1
  IFS=: read -r -a jars < "$CP_FILE"
  for f in "${jars[@]}"; do [[ -f "$f" ]] || return 1; done
}

if ! classpath_ok; then
  command -v mvn >/dev/null 2>&1 || die "mvn not found (Debian: apt-get install -y maven)"
  log "resolving Neo4j $VERSION jars with Maven (first run downloads ~125 MB into ~/.m2)..."
  t=$SECONDS
  tmp="$CP_FILE.tmp.$$"
  # Maven's output is shown only if it fails (-q still prints colour codes).
  if ! JAVA_HOME="$JDK" mvn -B -q -f "$HERE/pom.xml" -Dneo4j.version="$VERSION" \
        dependency:build-classpath -Dmdep.outputFile="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2; rm -f "$tmp" "$tmp.log"
    die "Maven could not resolve org.neo4j:neo4j:$VERSION (see above)"
  fi
  rm -f "$tmp.log"; mv "$tmp" "$CP_FILE"
  classpath_ok || die "Maven wrote a classpath with missing jars: $CP_FILE"
  log "classpath resolved in $((SECONDS - t)) s ($(tr ':' '\n' < "$CP_FILE" | wc -l) jars)"
fi
CLASSPATH_STR="$(cat "$CP_FILE")"

# --- port, data dir, launch ---------------------------------------------------
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# shellcheck disable=SC2206  # word splitting of the options is intended
JAVA_OPTS=(${BUCKSTOP_NEO4J_JAVA_OPTS:--Xms256m -Xmx1g})
JAVA_OPTS+=(
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.disable.jmx=true
  --enable-native-access=ALL-UNNAMED
)
# Java 23+ warns on sun.misc.Unsafe use by Netty/JCTools; allow it quietly.
if (( $(java_major "$JDK") >= 23 )); then JAVA_OPTS+=(--sun-misc-unsafe-memory-access=allow); fi

TIMEOUT="${BUCKSTOP_NEO4J_START_TIMEOUT:-180}"
DATA="" PID=""
cleanup_failed() { # on any failure before "ready": stop the JVM, keep the logs
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
}
trap 'cleanup_failed' EXIT
trap 'exit 130' INT TERM

show_logs() {
  log "---- last lines of $DATA/launcher.log ----"
  tail -n 40 "$DATA/launcher.log" >&2 || true
  if [[ -f "$DATA/logs/debug.log" ]]; then
    log "---- last ERROR/WARN lines of $DATA/logs/debug.log ----"
    grep -E ' (ERROR|WARN) ' "$DATA/logs/debug.log" | tail -n 15 >&2 || true
  fi
  log "(data dir kept for inspection: $DATA)"
}

attempt=0
while :; do
  attempt=$((attempt + 1))
  PORT="${BUCKSTOP_NEO4J_PORT:-$(free_port)}"
  DATA="$(mktemp -d "${TMPDIR:-/tmp}/buckstop-neo4j.XXXXXX")"
  : > "$DATA/.buckstop-neo4j"   # marker: stop.sh deletes only folders that have it
  log "starting on 127.0.0.1:$PORT, data in $DATA"
  t=$SECONDS
  # Own subshell: ignore SIGHUP (a closing terminal must not kill the server),
  # run inside the data dir, and never hold our stdout (callers use "$(...)").
  ( trap '' HUP; cd "$DATA"; exec "$JAVA" "${JAVA_OPTS[@]}" -cp "$CLASSPATH_STR" \
      "$HERE/Launcher.java" --port "$PORT" --home "$DATA" ) \
      </dev/null >"$DATA/launcher.log" 2>&1 &
  PID=$!
  echo "$PID" > "$DATA/launcher.pid"

  ready=""
  while (( SECONDS - t < TIMEOUT )); do
    if grep -q '^BUCKSTOP_NEO4J_READY ' "$DATA/launcher.log" 2>/dev/null && port_open "$PORT"; then
      ready=1; break
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.25
  done
  [[ -n "$ready" ]] && break

  if ! kill -0 "$PID" 2>/dev/null; then
    if [[ -z "${BUCKSTOP_NEO4J_PORT:-}" && $attempt -lt 3 ]] \
        && grep -qi 'already in use' "$DATA/launcher.log"; then
      log "port $PORT was taken meanwhile; retrying with another"
      rm -rf "$DATA"; PID=""; continue
    fi
    rc=0; wait "$PID" 2>/dev/null || rc=$?
    show_logs
    die "Neo4j exited before it was ready (exit status $rc)"
  fi
  show_logs
  die "Neo4j was not ready within ${TIMEOUT} s (BUCKSTOP_NEO4J_START_TIMEOUT)"
done
trap - EXIT INT TERM

log "$(grep -m1 '^BUCKSTOP_NEO4J_READY ' "$DATA/launcher.log" | cut -d' ' -f2-)"
log "ready in $((SECONDS - t)) s (total $((SECONDS - T_START)) s); stop with: bash $HERE/stop.sh"

printf 'export NEO4J_URI=%q\n' "bolt://127.0.0.1:$PORT"
if [[ -n "${BUCKSTOP_NEO4J_PASSWORD:-}" ]]; then
  printf 'export NEO4J_USER=%q\n' "${BUCKSTOP_NEO4J_USER:-neo4j}"
  printf 'export NEO4J_PASSWORD=%q\n' "$BUCKSTOP_NEO4J_PASSWORD"
fi
printf 'export BUCKSTOP_NEO4J_PID=%q\n' "$PID"
printf 'export BUCKSTOP_NEO4J_DIR=%q\n' "$DATA"
