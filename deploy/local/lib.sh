# shellcheck shell=bash
# deploy/local/lib.sh — shared functions for deploy/local/{up,down,status}.
# Sourced, never executed. Callers set `set -euo pipefail` themselves.

# ---------------------------------------------------------------- layout ----
DEJA_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEJA_LOCAL_HOME="${DEJA_LOCAL_HOME:-$HOME/.deja-local}"
BIN_DIR="$DEJA_LOCAL_HOME/bin"
LOG_DIR="$DEJA_LOCAL_HOME/logs"
DATA_DIR="$DEJA_LOCAL_HOME/data"
BUILD_DIR="$DEJA_LOCAL_HOME/build"
WAIT_TIMEOUT="${DEJA_WAIT_TIMEOUT:-120}"   # seconds, per "wait until healthy" step

ALL_SERVICES=(postgres kafka jaeger)

# PostgreSQL 15 (Debian packages), our own cluster.
PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_HOST=127.0.0.1
PG_PORT=5432
PG_SOCKET_DIR=/var/run/postgresql
PG_DATA="$DATA_DIR/postgres"
PG_LOG="$LOG_DIR/postgres.log"
PG_USER=deja
PG_PASSWORD=deja
PG_DATABASES=(deja deja_test deja_bench)
PGVECTOR_MIN=0.8
PGVECTOR_SUITE=trixie
PGVECTOR_SOURCES_FILE=/etc/apt/sources.list.d/deja-local-trixie-src.sources
PGVECTOR_CONTROL="/usr/share/postgresql/$PG_MAJOR/extension/vector.control"

# Apache Kafka (jars from Maven Central), single node KRaft.
KAFKA_POM="$DEJA_LOCAL_DIR/kafka/pom.xml"
KAFKA_VERSION="${DEJA_KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM" | head -n1)}"
KAFKA_LIBS="$DEJA_LOCAL_HOME/kafka/$KAFKA_VERSION/libs"
KAFKA_HOST=127.0.0.1
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_DATA="$DATA_DIR/kafka"
KAFKA_LOG_DIRS="$KAFKA_DATA/logs"
KAFKA_PID_FILE="$KAFKA_DATA/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_HEAP_OPTS="${DEJA_KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"

# Jaeger v2 all-in-one, built from the Go module.
JAEGER_VERSION="${DEJA_JAEGER_VERSION:-v1.76.0}"
JAEGER_MODULE=github.com/jaegertracing/jaeger
JAEGER_BIN="$BIN_DIR/jaeger"
JAEGER_SRC="$DEJA_LOCAL_HOME/src-jaeger"
JAEGER_DATA="$DATA_DIR/jaeger"
JAEGER_PID_FILE="$JAEGER_DATA/jaeger.pid"
JAEGER_LOG="$LOG_DIR/jaeger.log"
JAEGER_BUILD_LOG="$LOG_DIR/jaeger-build.log"
JAEGER_QUERY_PORT=16686
JAEGER_PORTS=(4317 4318 16686 16685 13133)

APT_LOG="$LOG_DIR/apt.log"

# /usr/local/go is where Go lives on this kind of machine; make sure non-login
# shells find it too.
[[ -d /usr/local/go/bin && ":$PATH:" != *":/usr/local/go/bin:"* ]] && PATH="$PATH:/usr/local/go/bin"

# ------------------------------------------------------- steps & errors ----
SCRIPT_NAME="deploy/local/$(basename "$0")"
CURRENT_STEP=""
CURRENT_LOG=""
FAIL_REASON=""

say() { printf '%s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# step NAME [LOGFILE] — announce a step; if the script exits non-zero before
# the next step, the EXIT trap names it and prints the tail of LOGFILE.
step() {
  CURRENT_STEP="$1"
  CURRENT_LOG="${2:-}"
  FAIL_REASON=""
  say "==> $1"
}

# fail REASON — abort the current step.
fail() {
  FAIL_REASON="$*"
  exit 1
}

_on_exit() {
  local rc=$?
  if ((rc != 0)); then
    if [[ -n "$CURRENT_STEP" ]]; then
      printf "%s: step '%s' failed%s\n" "$SCRIPT_NAME" "$CURRENT_STEP" \
        "${CURRENT_LOG:+ — see $CURRENT_LOG}" >&2
    else
      printf '%s: failed (exit %s)\n' "$SCRIPT_NAME" "$rc" >&2
    fi
    [[ -n "$FAIL_REASON" ]] && printf '    reason: %s\n' "$FAIL_REASON" >&2
    if [[ -n "$CURRENT_LOG" && -s "$CURRENT_LOG" ]]; then
      printf -- '---- last 40 lines of %s ----\n' "$CURRENT_LOG" >&2
      tail -n 40 "$CURRENT_LOG" >&2 || true
      printf -- '---- end of %s ----\n' "$CURRENT_LOG" >&2
    fi
  fi
}
trap _on_exit EXIT

# run_logged LOGFILE CMD... — run CMD with all output appended to LOGFILE.
run_logged() {
  local logfile="$1"
  shift
  printf '\n=== %s: %s\n' "$(date '+%F %T')" "$*" >>"$logfile"
  "$@" >>"$logfile" 2>&1 9>&-
}

# wait_until TIMEOUT DESCRIPTION CMD... — poll CMD every second.
# A pid given via WAIT_PID makes the wait fail fast when that process dies.
wait_until() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    if [[ -n "${WAIT_PID:-}" ]] && ! kill -0 "$WAIT_PID" 2>/dev/null; then
      fail "process $WAIT_PID exited while waiting for $what"
    fi
    ((SECONDS >= deadline)) && fail "timed out after ${timeout}s waiting for $what"
    sleep 1
  done
}

# take_lock — serialize up/down against each other.
take_lock() {
  mkdir -p "$DEJA_LOCAL_HOME"
  exec 9>"$DEJA_LOCAL_HOME/.lock"
  if ! flock -n 9; then
    say "==> waiting for another deploy/local/up|down to finish (lock $DEJA_LOCAL_HOME/.lock)"
    flock -w 1800 9 || fail "could not get $DEJA_LOCAL_HOME/.lock"
  fi
}

# parse_services ARGS... — sets SERVICES to the requested subset, in the
# canonical order (postgres, kafka, jaeger); all when no argument.
parse_services() {
  SERVICES=()
  local s a ok
  for a in "$@"; do
    case "$a" in -h | --help) return 2 ;; esac
    ok=0
    for s in "${ALL_SERVICES[@]}"; do [[ "$a" == "$s" ]] && ok=1; done
    [[ "$a" == pgvector ]] && ok=1
    ((ok)) || { say "$SCRIPT_NAME: unknown service '$a' (known: ${ALL_SERVICES[*]})" >&2; return 1; }
  done
  for s in "${ALL_SERVICES[@]}"; do
    if (($# == 0)); then
      SERVICES+=("$s")
      continue
    fi
    for a in "$@"; do
      [[ "$a" == pgvector ]] && a=postgres
      if [[ "$a" == "$s" ]]; then
        SERVICES+=("$s")
        break
      fi
    done
  done
}

# ---------------------------------------------------- process helpers ----
# pid_matches PID PATTERN — PID alive and its command line contains PATTERN.
pid_matches() {
  local pid="$1" pattern="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern"
}

read_pid() { [[ -s "$1" ]] && head -n1 "$1" | tr -dc '0-9' || true; }

# port_open HOST PORT — something accepts TCP connections there.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# port_owner PORT — "pid=123 (cmd)" of the listener on PORT, if any.
port_owner() {
  local port="$1" line pid
  command -v ss >/dev/null || { echo "unknown process"; return 0; }
  line="$(ss -ltnpH "sport = :$port" 2>/dev/null | head -n1)"
  [[ -z "$line" ]] && return 0
  pid="$(grep -o 'pid=[0-9]*' <<<"$line" | head -n1 | cut -d= -f2)"
  if [[ -n "$pid" ]]; then
    printf 'pid %s (%s)' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-150)"
  else
    printf '%s' "$line"
  fi
}

# port_in_use PORT — anything listening on PORT (any address).
port_in_use() {
  if command -v ss >/dev/null; then
    [[ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]
  else
    port_open 127.0.0.1 "$1"
  fi
}

# stop_pid PID NAME TIMEOUT — SIGTERM, wait, then SIGKILL.
stop_pid() {
  local pid="$1" name="$2" timeout="${3:-30}" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  say "    $name (pid $pid) did not stop within ${timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  return 1
}

# rotate_log FILE — keep the previous run's log as FILE.1.
rotate_log() {
  [[ -s "$1" ]] && mv -f "$1" "$1.1"
  : >"$1"
}

# write_if_changed FILE — stdin to FILE; returns 0 if FILE changed.
write_if_changed() {
  local f="$1" tmp
  tmp="$(mktemp "$f.XXXXXX")"
  cat >"$tmp"
  if [[ -f "$f" ]] && cmp -s "$tmp" "$f"; then
    rm -f "$tmp"
    return 1
  fi
  mv -f "$tmp" "$f"
  return 0
}

version_ge() { # version_ge A B — A >= B
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# -------------------------------------------------------------- apt ----
APT_UPDATED=0

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_pkgs STEP_PREFIX PKG... — install the missing ones (apt-get update
# first, once per run, only when something is missing).
ensure_pkgs() {
  local prefix="$1"
  shift
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  [[ $EUID -eq 0 ]] || fail "packages missing (${missing[*]}) and not running as root"
  step "$prefix: install Debian packages: ${missing[*]}" "$APT_LOG"
  if ((APT_UPDATED == 0)); then
    run_logged "$APT_LOG" apt-get update
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive run_logged "$APT_LOG" \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# ------------------------------------------------------------ java ----
# find_java — sets JAVA to a java >= 17 (DEJA_JAVA, $JAVA_HOME, PATH order).
find_java() {
  local c v major
  JAVA=""
  for c in "${DEJA_JAVA:-}" "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)"; do
    [[ -n "$c" && -x "$c" ]] || continue
    v="$("$c" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
    major="${v%%.*}"
    [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$v")"
    if [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)); then
      JAVA="$c"
      return 0
    fi
  done
  return 1
}

# kafka_tool CLASS ARGS... — run a Kafka CLI class from our jars (quiet logging).
kafka_tool() {
  "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.level=ERROR -cp "$KAFKA_LIBS/*" "$@" 9>&-
}

# kafka_api_versions_probe — send a raw ApiVersions v0 request to the broker
# and check for a well-formed, error-free answer (cheap: no JVM).
kafka_api_versions_probe() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/'"$KAFKA_HOST/$KAFKA_PORT"' || exit 1
    # size=14 | api_key=18 | api_version=0 | correlation_id=7 | client_id="deja"
    printf "\x00\x00\x00\x0e\x00\x12\x00\x00\x00\x00\x00\x07\x00\x04deja" >&3
    resp="$(head -c 10 <&3 | od -An -tx1 | tr -d " \n")"
    # bytes 4..9: correlation_id=7, error_code=0
    [[ "${resp:8:12}" == "000000070000" ]]
  ' 2>/dev/null
}

# -------------------------------------------------------- postgres ----
pg_pid() {
  local pid
  pid="$(read_pid "$PG_DATA/postmaster.pid")"
  pid_matches "$pid" postgres && echo "$pid"
  return 0
}

pg_running() { [[ -n "$(pg_pid)" ]]; }

pg_ready() { "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -t 2; }

# as_postgres CMD... — run CMD as the postgres OS user (from /, fd 9 closed).
as_postgres() {
  (cd / && exec runuser -u postgres -- "$@" 9>&-)
}

# psql_super DB ARGS... — psql as the postgres superuser over the unix socket.
psql_super() {
  local db="$1"
  shift
  as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$PG_SOCKET_DIR" -p "$PG_PORT" -d "$db" "$@"
}

# psql_app DB ARGS... — psql as the app user over TCP with the password.
psql_app() {
  local db="$1"
  shift
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    "postgres://$PG_USER@$PG_HOST:$PG_PORT/$db" "$@"
}

pgvector_installed_version() {
  [[ -f "$PGVECTOR_CONTROL" ]] || return 0
  sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$PGVECTOR_CONTROL" | head -n1
}

# ----------------------------------------------------------- kafka ----
kafka_pid() {
  local pid
  pid="$(read_pid "$KAFKA_PID_FILE")"
  pid_matches "$pid" kafka.Kafka && echo "$pid"
  return 0
}

kafka_running() { [[ -n "$(kafka_pid)" ]]; }

# ---------------------------------------------------------- jaeger ----
jaeger_pid() {
  local pid
  pid="$(read_pid "$JAEGER_PID_FILE")"
  pid_matches "$pid" "$JAEGER_BIN" && echo "$pid"
  return 0
}

jaeger_running() { [[ -n "$(jaeger_pid)" ]]; }

jaeger_api_ok() {
  curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$JAEGER_QUERY_PORT/api/services"
}

# ---------------------------------------------------------- status ----
# status_line SERVICE — prints one line; returns 0 when up.
status_line() {
  local svc="$1" pid state extra=""
  case "$svc" in
    postgres)
      pid="$(pg_pid)"
      if [[ -n "$pid" ]] && pg_ready; then
        state=up
        extra="pgvector $(psql_app deja -Atc "SELECT extversion FROM pg_extension WHERE extname='vector'" 2>/dev/null || echo '?')"
      else
        state=down
      fi
      printf '%-9s %-5s pid=%-8s %s:%s %s\n' postgres "$state" "${pid:--}" "$PG_HOST" "$PG_PORT" "$extra"
      ;;
    kafka)
      pid="$(kafka_pid)"
      if [[ -n "$pid" ]] && kafka_api_versions_probe; then state=up; else state=down; fi
      printf '%-9s %-5s pid=%-8s %s:%s %s\n' kafka "$state" "${pid:--}" "$KAFKA_HOST" "$KAFKA_PORT" \
        "(controller :$KAFKA_CONTROLLER_PORT, kafka $KAFKA_VERSION)"
      ;;
    jaeger)
      pid="$(jaeger_pid)"
      if [[ -n "$pid" ]] && jaeger_api_ok; then state=up; else state=down; fi
      printf '%-9s %-5s pid=%-8s %s:%s %s\n' jaeger "$state" "${pid:--}" 127.0.0.1 "$JAEGER_QUERY_PORT" \
        "(OTLP grpc :4317, http :4318)"
      ;;
  esac
  [[ "$state" == up ]]
}
