#!/usr/bin/env bash
# Stop a Neo4j started by start.sh and delete its throwaway data dir.
#
#   bash .ci/neo4j/stop.sh              # uses BUCKSTOP_NEO4J_PID and BUCKSTOP_NEO4J_DIR
#   bash .ci/neo4j/stop.sh DIR          # PID read from DIR/launcher.pid
#   bash .ci/neo4j/stop.sh PID DIR
#
# Sends SIGTERM (clean shutdown), waits up to 60 s, then SIGKILL. Kills only a
# process that really is our launcher for that dir, and deletes only a dir that
# carries start.sh's marker file. Exits 0 when nothing is left running.
set -euo pipefail

log() { printf '[neo4j] %s\n' "$*" >&2; }

PID="" DIR=""
case $# in
  0) PID="${BUCKSTOP_NEO4J_PID:-}"; DIR="${BUCKSTOP_NEO4J_DIR:-}" ;;
  1) DIR="$1" ;;
  2) PID="$1"; DIR="$2" ;;
  *) log "usage: stop.sh [[PID] DIR]"; exit 2 ;;
esac
if [[ -z "$PID" && -n "$DIR" && -f "$DIR/launcher.pid" ]]; then
  PID="$(cat "$DIR/launcher.pid")"
fi
if [[ -z "$PID" && -z "$DIR" ]]; then
  log "nothing to stop: BUCKSTOP_NEO4J_PID / BUCKSTOP_NEO4J_DIR are not set"
  exit 0
fi

alive() { # running and not a zombie
  local state
  [[ -r "/proc/$1/stat" ]] || return 1
  state="$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)"
  [[ "$state" != Z && "$state" != X ]]
}

ours() { # the process is Launcher.java running on DIR (guards against pid reuse)
  local cmd
  cmd="$(tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *Launcher.java* && ( -z "$DIR" || "$cmd" == *"--home $DIR"* ) ]]
}

status=0
if [[ -n "$PID" ]] && alive "$PID"; then
  if ours "$PID"; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 300); do alive "$PID" || break; sleep 0.2; done
    if alive "$PID"; then
      log "pid $PID ignored SIGTERM for 60 s; sending SIGKILL"
      kill -KILL "$PID" 2>/dev/null || true
      for _ in $(seq 50); do alive "$PID" || break; sleep 0.2; done
    fi
    if alive "$PID"; then
      log "error: pid $PID is still running"; status=1
    else
      log "stopped pid $PID"
    fi
  else
    log "warning: pid $PID is not our Neo4j launcher; not killing it"
  fi
fi

if [[ -n "$DIR" && -d "$DIR" ]]; then
  if [[ -f "$DIR/.buckstop-neo4j" ]]; then
    if [[ $status -eq 0 ]]; then rm -rf -- "$DIR"; log "removed $DIR"; fi
  else
    log "warning: $DIR has no .buckstop-neo4j marker; not deleting it"
  fi
fi
exit $status
