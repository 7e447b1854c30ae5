#!/usr/bin/env bash
# The local stack on loopback, for development and CI, without Docker: real Apache Kafka 4.1
# (one KRaft node, broker and controller), PostgreSQL 15 and the four services, each a plain
# process with a pid file.
#
#   bash deploy/local/stack.sh up | down | status
#   bash deploy/local/stack.sh kafka-up | kafka-down | pg-up | pg-down | services-up | services-down
#
# All state lives under <repo>/.stack/ (git-ignored): kafka/{data,logs}, pg/{data,sock},
# pids/<part>.pid, logs/<part>.log. Data survives down/up; `make clean-stack` wipes it. As root
# in a checkout the postgres user cannot enter, pg/ is a link to a folder in /var/tmp (pg_locate).
# STACK_SERVICES=0 starts only Kafka and PostgreSQL (the integration tests use that).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO"
STACK=$REPO/.stack
PIDS=$STACK/pids
LOGS=$STACK/logs
KAFKA_DIR=$STACK/kafka
# PostgreSQL's folder (PG_DIR, PG_DATA, PG_SOCK, PG_LOG) is chosen by pg_locate, below.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=$REPO/.venv/bin/python
POM=$REPO/deploy/local/kafka/pom.xml

HOST=127.0.0.1
# Ports can be moved (SPIE_KAFKA_PORT, SPIE_KAFKA_CONTROLLER_PORT, SPIE_PG_PORT,
# SPIE_SERVICE_PORT_BASE) so that several clones can run their own stack side by side.
KAFKA_PORT=${SPIE_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${SPIE_KAFKA_CONTROLLER_PORT:-9093}
PG_PORT=${SPIE_PG_PORT:-55432}
SERVICE_PORT_BASE=${SPIE_SERVICE_PORT_BASE:-8000}
SMTP_PORT=${SPIE_SMTP_PORT:-1025}  # the development mail sink the notifier sends to
FRONT_PORT=${SPIE_FRONT_PORT:-8080}  # the front door (nginx): every page on one origin
NGINX=${NGINX:-/usr/sbin/nginx}
DB_NAME=spie
PG_URL="postgresql://postgres@$HOST:$PG_PORT/$DB_NAME"
KAFKA_READY_TIMEOUT=${KAFKA_READY_TIMEOUT:-60}
SERVICE_READY_TIMEOUT=${SERVICE_READY_TIMEOUT:-90}
STOP_TIMEOUT=${STOP_TIMEOUT:-20}
# A single node on a 2-core machine needs little; override for a load test.
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
SERVICES=(employer_intake:$((SERVICE_PORT_BASE + 1)) candidate_profile:$((SERVICE_PORT_BASE + 2))
          matcher:$((SERVICE_PORT_BASE + 3)) notifier:$((SERVICE_PORT_BASE + 4))
          actions:$((SERVICE_PORT_BASE + 5)))

say() { printf 'stack: %s\n' "$*"; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
rel() { echo "${1#"$REPO"/}"; }
log_tail() { [ -f "$1" ] && { echo "---- last lines of $(rel "$1") ----"; tail -n "${2:-25}" "$1"; echo "----"; } >&2 || true; }

# ---------------------------------------------------------------- processes and pid files
# A pid counts as ours only when it is alive (a zombie is not) and its command line is the one we
# started: after a SIGKILL or a reboot, a pid file may name nothing, or an unrelated process.
alive() {
  local st
  st=$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}
cmdline() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null || true; }
signature() {
  case $1 in
    kafka) echo "kafka.Kafka $KAFKA_DIR/server.properties" ;;
    postgres) echo "-D $PG_DATA " ;;
    mailsink) echo "-m deploy.local.mailsink --port $SMTP_PORT" ;;
    front) echo "-c $STACK/front/nginx.conf" ;;
    *) echo "-m services.$1 serve" ;;
  esac
}
pidfile() { echo "$PIDS/$1.pid"; }
read_pid() { local f; f=$(pidfile "$1"); if [ -f "$f" ]; then tr -dc '0-9' < "$f"; fi; }
is_ours() { [ -n "$2" ] && alive "$2" && [[ "$(cmdline "$2") " == *"$(signature "$1")"* ]]; }
# running | stale (the pid file names a dead or foreign process) | stopped (no pid file)
part_state() {
  local pid; pid=$(read_pid "$1")
  if [ -z "$pid" ]; then echo stopped; elif is_ours "$1" "$pid"; then echo running; else echo stale; fi
}
# True when the part runs; otherwise cleans a stale pid file so that the caller starts it anew.
check_running() {
  local name=$1 pid; pid=$(read_pid "$1")
  if [ -n "$pid" ] && is_ours "$name" "$pid"; then return 0; fi
  if [ -f "$(pidfile "$name")" ]; then
    say "$name: stale pid file (pid ${pid:-?} is gone or not ours), cleaned"
    rm -f "$(pidfile "$name")"
  fi
  return 1
}

# Starts a long-lived process detached from this shell: its own session (a Ctrl-C on
# `make stack-up` must not reach it), no stdin, output appended to its log, and fd 9 (the lock
# of this script) closed, or the next `up` would wait on it forever.
launch() {
  local name=$1 log=$2; shift 2
  printf '\n==== %s started by stack.sh at %s ====\n' "$name" "$(date -Is)" >> "$log"
  setsid "$@" </dev/null >>"$log" 2>&1 9>&- &
  echo $! > "$(pidfile "$name")"
}

# SIGTERM, up to STOP_TIMEOUT seconds for a clean exit, then SIGKILL. Only what a pid file names.
stop_part() {
  local name=$1 pid i; pid=$(read_pid "$name")
  if [ -z "$pid" ]; then say "$name: not running"; return 0; fi
  if ! is_ours "$name" "$pid"; then
    say "$name: stale pid file (pid $pid), removed"
    rm -f "$(pidfile "$name")"; return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do alive "$pid" || break; sleep 0.2; done
  if alive "$pid"; then
    say "$name: still there after ${STOP_TIMEOUT} s, SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do alive "$pid" || break; sleep 0.2; done
  fi
  rm -f "$(pidfile "$name")"
  say "$name: stopped (pid $pid)"
}

# ---------------------------------------------------------------- ports
port_busy() {
  if command -v ss >/dev/null; then [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
  else (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; fi
}
port_owner() {
  local o; o=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -1 || true)
  echo "${o:-owner unknown}"
}
# Before a start: a port held by something that is not ours is an error. A process we just found
# dead may hold its port for a moment, hence the short grace.
require_free_ports() {
  local part=$1 p i; shift
  for p in "$@"; do
    for ((i = 0; i < 25; i++)); do port_busy "$p" || continue 2; sleep 0.2; done
    die "port $HOST:$p is taken by a process that is not this stack's $part ($(port_owner "$p")). Stop it, then run up again."
  done
}

# ---------------------------------------------------------------- Kafka
# The broker's jars come from Maven Central through deploy/local/kafka/pom.xml; the classpath is
# resolved again only when the pom changed or a jar left ~/.m2.
kafka_classpath() {
  local cpf=$KAFKA_DIR/classpath.txt jars j
  if [ -s "$cpf" ] && [ "$cpf" -nt "$POM" ]; then
    IFS=: read -ra jars < "$cpf" || true
    for j in "${jars[@]}"; do [ -f "$j" ] || { jars=(); break; }; done
    [ ${#jars[@]} -gt 0 ] && return 0
  fi
  say "kafka: resolving the broker jars with Maven (cached in ~/.m2 after the first time)"
  local t0; t0=$(now)
  if ! mvn -q -B -f "$POM" dependency:build-classpath -Dmdep.outputFile="$cpf.tmp" \
      > "$LOGS/mvn.log" 2>&1; then
    log_tail "$LOGS/mvn.log" 30
    die "Maven could not resolve the Kafka jars (full output in $(rel "$LOGS/mvn.log"))"
  fi
  mv "$cpf.tmp" "$cpf"
  say "kafka: jars resolved in $(since "$t0") s"
}

kafka_write_config() {
  # Regenerated at each start, so a change here applies on the next up (the data stays).
  cat > "$KAFKA_DIR/server.properties" <<EOF
# Generated by deploy/local/stack.sh: edits here are overwritten.
process.roles=broker,controller
node.id=1
# Kafka 4 dynamic quorum (KIP-853): bootstrap servers instead of controller.quorum.voters,
# storage formatted with --standalone.
controller.quorum.bootstrap.servers=$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
# One node: every replication factor and ISR minimum is 1.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer internal partitions than the default 50: the first consumer group starts faster.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
num.partitions=1
# Topics exist only as declared in shared/topics.py (created by "python -m shared.topics ensure").
auto.create.topics.enable=false
# Tests and restarts should not wait 3 s for a group to form.
group.initial.rebalance.delay.ms=0
# After a crash (SIGKILL) the restarted broker cannot register again until the controller has
# expired its previous session: 9 s by default, 4 s here (loopback, one node, short GC pauses).
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
EOF
  # Kafka 4 logs through SLF4J to log4j2: everything to stdout, which launch() appends to
  # .stack/logs/kafka.log. The noisiest loggers stay at WARN.
  cat > "$KAFKA_DIR/log4j2.properties" <<'EOF'
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
EOF
}

kafka_java_opts() {
  # shellcheck disable=SC2206  # KAFKA_HEAP_OPTS is a list of flags
  JAVA_OPTS=($KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    "-Xlog:gc*:file=$KAFKA_DIR/logs/gc.log:time,tags:filecount=3,filesize=10M"
    "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties"
    "-Dkafka.logs.dir=$KAFKA_DIR/logs")
}

# The storage is formatted once, with a cluster id kept in .stack/kafka/cluster.id.
kafka_format() {
  local cp=$1 id
  [ -f "$KAFKA_DIR/data/meta.properties" ] && return 0
  if [ -s "$KAFKA_DIR/cluster.id" ]; then
    id=$(cat "$KAFKA_DIR/cluster.id")
  else
    id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid)
    echo "$id" > "$KAFKA_DIR/cluster.id"
  fi
  say "kafka: formatting the KRaft storage (cluster id $id)"
  if ! java "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties" -cp "$cp" \
      kafka.tools.StorageTool format --config "$KAFKA_DIR/server.properties" \
      --cluster-id "$id" --standalone >> "$LOGS/kafka.log" 2>&1; then
    log_tail "$LOGS/kafka.log"
    die "formatting the Kafka storage failed (see $(rel "$LOGS/kafka.log"))"
  fi
}

# Launches the broker without waiting: PostgreSQL starts while the JVM boots.
kafka_start() {
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  if check_running kafka; then say "kafka: already running (pid $(read_pid kafka))"; return 0; fi
  require_free_ports kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"
  kafka_classpath
  local cp; cp=$(cat "$KAFKA_DIR/classpath.txt")
  kafka_write_config
  kafka_format "$cp"
  kafka_java_opts
  launch kafka "$LOGS/kafka.log" java "${JAVA_OPTS[@]}" -cp "$cp" kafka.Kafka \
    "$KAFKA_DIR/server.properties"
  say "kafka: started (pid $(read_pid kafka)), waiting for the broker"
}

# Ready = the broker answers a metadata request naming a controller and itself. Probed with
# aiokafka (the client the services use); a bare TCP probe only when the venv is missing.
kafka_wait() {
  local pid t0 rc=0; pid=$(read_pid kafka); t0=$(now)
  if [ -x "$PY" ]; then
    "$PY" - "$HOST:$KAFKA_PORT" "$pid" "$KAFKA_READY_TIMEOUT" <<'EOF' || rc=$?
import asyncio, logging, sys, time
from aiokafka.admin import AIOKafkaAdminClient

logging.disable(logging.CRITICAL)  # connection refusals while the JVM boots are expected
bootstrap, pid, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

def alive() -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

def listening(port: int) -> bool:
    """Probe only a listening port: connecting to a closed port inside the ephemeral range may
    self-connect (local port == remote port) and then keep the broker from binding it."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[1].rsplit(":", 1)[1] == f"{port:04X}" and f[3] == "0A":
                return True
    return False

async def ready() -> bool:
    if not listening(int(bootstrap.rsplit(":", 1)[1])):
        return False
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return cluster["controller_id"] not in (None, -1) and bool(cluster["brokers"])
    except Exception:
        return False
    finally:
        await admin.close()

deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    if not alive():
        sys.exit(2)
    if asyncio.run(ready()):
        sys.exit(0)
    time.sleep(0.3)
sys.exit(1)
EOF
  else
    rc=1
    for ((i = 0; i < KAFKA_READY_TIMEOUT * 4; i++)); do
      alive "$pid" || { rc=2; break; }
      if (exec 3<>"/dev/tcp/$HOST/$KAFKA_PORT") 2>/dev/null; then rc=0; break; fi
      sleep 0.25
    done
  fi
  case $rc in
    0) say "kafka: ready on $HOST:$KAFKA_PORT ($(since "$t0") s)" ;;
    2) rm -f "$(pidfile kafka)"
       # A port inside the ephemeral range (ip_local_port_range, 32768-60999 by default) can be
       # taken for a moment by a client's own outgoing socket (a TCP self-connect while the
       # broker is down): start again a few times before giving up.
       if [ "${KAFKA_BIND_RETRIES:-3}" -gt 0 ] && tail -n 300 "$LOGS/kafka.log" | grep -q 'Address already in use'; then
         KAFKA_BIND_RETRIES=$((${KAFKA_BIND_RETRIES:-3} - 1))
         say "kafka: port taken for a moment (a client's ephemeral port?), starting again"
         # A self-connected socket leaves a TIME-WAIT on PORT->PORT for a minute, and it blocks
         # the bind (the client socket had no SO_REUSEADDR): wait for it to go.
         local i
         for ((i = 0; i < 75; i++)); do
           [ -z "$(ss -Htan state time-wait "( sport = :$KAFKA_PORT and dport = :$KAFKA_PORT )" 2>/dev/null)" ] && break
           sleep 1
         done
         kafka_start; kafka_wait; return
       fi
       log_tail "$LOGS/kafka.log" 40
       die "the Kafka broker exited while starting (see $(rel "$LOGS/kafka.log"))" ;;
    *) log_tail "$LOGS/kafka.log" 40
       die "Kafka did not answer on $HOST:$KAFKA_PORT within ${KAFKA_READY_TIMEOUT} s (see $(rel "$LOGS/kafka.log"))" ;;
  esac
}

kafka_down() { stop_part kafka; }

# ---------------------------------------------------------------- PostgreSQL
# initdb and pg_ctl refuse root: as root they run as the postgres user, who then owns .stack/pg.
# From /: the postgres user may not be able to enter the current folder (the checkout).
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# As root, the server runs as the postgres user, who must walk down to its data, socket and log.
# A checkout below a folder closed to others (mktemp -d, /root: mode 0700) cannot give it that:
# then they live in /var/tmp/spie-pg-<port>-<hash of the checkout path> (root's, open to
# traversal) and .stack/pg is a symlink to it, by which the next run, `status` and
# `make clean-stack` find them. Anyone else runs the server as themself, in .stack/pg.
# `pg_locate create` (before a start) makes the link when needed; plain `pg_locate` only looks.
PG_OUTSIDE=""
pg_locate() {
  local link=$STACK/pg
  if [ "${1:-}" = create ] && [ ! -L "$link" ] && [ "$(id -u)" = 0 ] \
      && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$REPO" 2>/dev/null; then
    [ -e "$link/data/PG_VERSION" ] \
      && die "the postgres user cannot enter $REPO, and $(rel "$link") holds a cluster: move it to a folder it can reach and link it as $(rel "$link"), or open the closed folder (chmod o+x)"
    # At most the empty folders of an earlier start that failed here.
    if [ -d "$link" ]; then
      rmdir "$link/sock" 2>/dev/null || true
      rmdir "$link" 2>/dev/null || die "$(rel "$link") is not empty: move what it holds, then run up again"
    fi
    ln -s "/var/tmp/spie-pg-$PG_PORT-$(printf '%s' "$REPO" | sha256sum | cut -c1-12)" "$link"
    say "postgres: the postgres user cannot enter $REPO: data in $(readlink "$link") ($(rel "$link") links there)"
  fi
  PG_DIR=$link PG_LOG=$LOGS/postgres.log PG_OUTSIDE=""
  if [ -L "$link" ]; then
    # pg_ctl opens the log as the postgres user: beside the data, linked from .stack/logs.
    PG_OUTSIDE=$(readlink "$link") PG_DIR=$(readlink "$link") PG_LOG=$(readlink "$link")/postgres.log
  fi
  PG_DATA=$PG_DIR/data PG_SOCK=$PG_DIR/sock
}
pg_locate

pg_prepare() {
  [ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 is missing ($PGBIN); run deploy/local/prereqs.sh"
  if [ -n "$PG_OUTSIDE" ] && { [ -L "$PG_DIR" ] || { [ -e "$PG_DIR" ] \
      && ! [[ "$(stat -c %U "$PG_DIR")" =~ ^(root|postgres)$ ]]; }; }; then
    # /var/tmp is everyone's: never follow a link or use a folder someone else put there.
    die "$PG_DIR is a link or belongs to $(stat -c %U "$PG_DIR"), not to root or postgres: remove it"
  fi
  mkdir -p "$PG_DIR" "$PG_SOCK"
  touch "$PG_LOG"
  if [ -n "$PG_OUTSIDE" ]; then ln -sfn "$PG_LOG" "$LOGS/postgres.log"; fi
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "user postgres is missing (the postgresql-15 package creates it)"
    # The postgres user must be able to walk down to its folder: every parent needs o+x.
    local d=$PG_DIR
    while [ "$d" != / ]; do
      runuser -u postgres -- test -x "$d" 2>/dev/null \
        || die "the postgres user cannot enter $d (PostgreSQL's data lives below it): chmod o+x $d"
      d=$(dirname "$d")
    done
    chown postgres:postgres "$PG_DIR" "$PG_SOCK" "$PG_LOG"
  fi
}

pg_ctl_() { as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" "$@"; }
# The postmaster's own lock file names its pid.
pg_lock_pid() { if [ -f "$PG_DATA/postmaster.pid" ]; then head -1 "$PG_DATA/postmaster.pid" | tr -dc '0-9'; fi; }

pg_up() {
  local t0; t0=$(now)
  pg_locate create
  if check_running postgres; then
    say "postgres: already running (pid $(read_pid postgres))"
  elif is_ours postgres "$(pg_lock_pid)"; then
    # Our data directory has a live postmaster but no pid file: adopt it.
    pg_lock_pid > "$(pidfile postgres)"
    say "postgres: already running (pid $(read_pid postgres)), pid file restored"
  else
    # The lock files of a crashed postmaster name a dead pid, or a zombie not reaped yet that
    # PostgreSQL would take for a live server and refuse to start: no server of ours runs, so
    # they are stale (the socket folder is ours alone).
    if [ -f "$PG_DATA/postmaster.pid" ]; then
      say "postgres: removing the stale lock files of a crashed server (pid $(pg_lock_pid))"
      rm -f "$PG_DATA/postmaster.pid"
    fi
    rm -f "$PG_SOCK/.s.PGSQL.$PG_PORT" "$PG_SOCK/.s.PGSQL.$PG_PORT.lock"
    pg_prepare
    require_free_ports postgres "$PG_PORT"
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
      say "postgres: initdb $(rel "$PG_DATA")"
      as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >> "$PG_LOG" 2>&1 || { log_tail "$PG_LOG"; die "initdb failed"; }
    fi
    # Unix sockets are limited to ~107 bytes of path: a deep clone uses TCP only.
    local sock=$PG_SOCK
    [ ${#sock} -gt 90 ] && sock=""
    if ! pg_ctl_ -l "$PG_LOG" -w -t 60 \
        -o "-p $PG_PORT -k '$sock' -c listen_addresses=$HOST" start >/dev/null 9>&-; then
      log_tail "$PG_LOG"
      die "PostgreSQL did not start (see $(rel "$LOGS/postgres.log"))"
    fi
    pg_lock_pid > "$(pidfile postgres)"
    say "postgres: started (pid $(read_pid postgres))"
  fi
  local i
  for ((i = 0; i < 120; i++)); do
    "$PGBIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" && break
    sleep 0.25
  done
  "$PGBIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" \
    || { log_tail "$PG_LOG"; die "PostgreSQL does not answer on $HOST:$PG_PORT"; }
  local psql=("$PGBIN/psql" -X -q -h "$HOST" -p "$PG_PORT" -U postgres -d postgres -tA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
    "$PGBIN/createdb" -h "$HOST" -p "$PG_PORT" -U postgres "$DB_NAME"
    say "postgres: database $DB_NAME created"
  fi
  say "postgres: ready on $HOST:$PG_PORT ($(since "$t0") s)"
}

pg_down() {
  local pid; pid=$(read_pid postgres)
  # Only a postmaster of our own data directory is stopped (pg_ctl finds it from there).
  if is_ours postgres "$(pg_lock_pid)"; then
    pid=$(pg_lock_pid)
    pg_ctl_ -m fast -w -t "$STOP_TIMEOUT" stop >/dev/null \
      || { say "postgres: fast stop timed out, immediate stop"; pg_ctl_ -m immediate -w stop >/dev/null; }
    say "postgres: stopped (pid $pid)"
  elif [ -n "$pid" ]; then
    say "postgres: stale pid file (pid $pid), removed"
  else
    say "postgres: not running"
  fi
  rm -f "$(pidfile postgres)"
}

# ---------------------------------------------------------------- topics and services
topics_ensure() {
  [ -x "$PY" ] && [ -f shared/topics.py ] || { say "topics: no .venv or shared/topics.py, skipped"; return 0; }
  local out
  if out=$(SPIE_KAFKA_BOOTSTRAP="$HOST:$KAFKA_PORT" "$PY" -m shared.topics ensure 2>&1); then
    if grep -qv ' exists$' <<< "$out"; then echo "$out"; fi
    say "topics: declared topics present"
  elif grep -q ensure shared/topics.py; then
    echo "$out" >&2
    die "python -m shared.topics ensure failed"
  else
    say "topics: shared.topics has no 'ensure' yet, skipped"
  fi
}

# The owner (postgres) migrates every schema and brings each service's role to its own schema
# only; the services then connect as those roles and can neither read another service's tables
# nor change a table's shape. Idempotent and quick: it runs before every services-up.
db_setup() {
  local out
  if ! out=$("$PY" -m shared.db setup --database-url "$PG_URL" 2>&1); then
    echo "$out" | tail -n 20 >&2
    die "python -m shared.db setup failed"
  fi
  say "postgres: schemas migrated, one role per service (spie_intake, spie_profiles, spie_matcher, spie_notifier, spie_actions)"
}
# Each service's own login role (trust authentication on the local cluster).
service_dsn() {
  local role
  case $1 in
    employer_intake) role=spie_intake ;;
    candidate_profile) role=spie_profiles ;;
    *) role=spie_$1 ;;
  esac
  echo "postgresql://$role@$HOST:$PG_PORT/$DB_NAME"
}

services_up() {
  if [ "${STACK_SERVICES:-1}" = 0 ]; then say "services: skipped (STACK_SERVICES=0)"; return 0; fi
  local spec name port watch=()
  [ -x "$PY" ] || die ".venv is missing: run make setup"
  db_setup
  mailsink_up
  for spec in "${SERVICES[@]}"; do
    name=${spec%%:*}; port=${spec#*:}
    if [ ! -f "services/$name/__main__.py" ]; then
      say "$name: no services/$name/__main__.py yet, skipped"; continue
    fi
    [ -x "$PY" ] || die ".venv is missing: run make setup"
    watch+=("$spec")
    if check_running "$name"; then continue; fi
    require_free_ports "$name" "$port"
    launch "$name" "$LOGS/$name.log" env SPIE_HTTP_PORT="$port" \
      SPIE_KAFKA_BOOTSTRAP="${SPIE_KAFKA_BOOTSTRAP:-$HOST:$KAFKA_PORT}" \
      SPIE_DATABASE_URL="$(service_dsn "$name")" \
      SPIE_SMTP_HOST="${SPIE_SMTP_HOST:-$HOST}" SPIE_SMTP_PORT="$SMTP_PORT" \
      SPIE_SMTP_TLS="${SPIE_SMTP_TLS:-none}" \
      SPIE_PUBLIC_URL="${SPIE_PUBLIC_URL:-http://$HOST:$FRONT_PORT}" \
      "$PY" -m "services.$name" serve
    say "$name: started (pid $(read_pid "$name"))"
  done
  # They boot side by side; then each one, new or already running, must answer /healthz. Every
  # failure is reported before giving up, and a service that failed keeps no pid file.
  local pid i state failed=()
  for spec in "${watch[@]}"; do
    name=${spec%%:*}; port=${spec#*:}; pid=$(read_pid "$name"); state=timeout
    for ((i = 0; i < SERVICE_READY_TIMEOUT * 4; i++)); do
      alive "$pid" || { state=exited; break; }
      if curl -fsS -m 2 "http://$HOST:$port/healthz" >/dev/null 2>&1; then state=ready; break; fi
      sleep 0.25
    done
    case $state in
      ready) say "$name: ready on http://$HOST:$port (pid $pid)"; continue ;;
      exited) log_tail "$LOGS/$name.log"
        printf 'stack: error: %s exited while starting\n' "$name" >&2 ;;
      timeout) log_tail "$LOGS/$name.log"
        printf 'stack: error: %s did not answer http://%s:%s/healthz within %s s; stopping it\n' \
          "$name" "$HOST" "$port" "$SERVICE_READY_TIMEOUT" >&2
        STOP_TIMEOUT=5 stop_part "$name" >/dev/null ;;
    esac
    rm -f "$(pidfile "$name")"
    failed+=("$name")
  done
  [ ${#failed[@]} -eq 0 ] || die "services not ready: ${failed[*]} (logs in $(rel "$LOGS")/<name>.log)"
  front_up
}

port_of() { local s; for s in "${SERVICES[@]}"; do [ "${s%%:*}" = "$1" ] && echo "${s#*:}"; done; }

# The front door: nginx from Debian on $HOST:$FRONT_PORT, routing pages by path
# (deploy/local/front.conf.template). Its temporary files live under /tmp, which nginx's
# unprivileged workers can reach from any checkout path.
front_up() {
  check_running front && return 0
  [ -x "$NGINX" ] || die "nginx is missing: sudo apt-get install nginx (deploy/local/prereqs.sh)"
  require_free_ports front "$FRONT_PORT"
  local state=$STACK/front tmp=/tmp/spie-front-$FRONT_PORT user=""
  mkdir -p "$state" "$tmp"
  chmod 755 "$tmp"
  [ "$(id -u)" = 0 ] && user="user nobody nogroup;"
  sed -e "s#@STATE@#$state#g" -e "s#@LOGS@#$LOGS#g" -e "s#@TMP@#$tmp#g" -e "s#@USER@#$user#" \
      -e "s#@FRONT_PORT@#$FRONT_PORT#g" -e "s#@INTAKE_PORT@#$(port_of employer_intake)#g" \
      -e "s#@PROFILES_PORT@#$(port_of candidate_profile)#g" \
      -e "s#@NOTIFIER_PORT@#$(port_of notifier)#g" -e "s#@ACTIONS_PORT@#$(port_of actions)#g" \
      "$REPO/deploy/local/front.conf.template" > "$state/nginx.conf"
  "$NGINX" -t -q -c "$state/nginx.conf" -p "$state/" -e "$LOGS/front-error.log" \
    || die "the front door's configuration is refused (see above)"
  launch front "$LOGS/front.log" "$NGINX" -c "$state/nginx.conf" -p "$state/" -e "$LOGS/front-error.log"
  local i
  for ((i = 0; i < 40; i++)); do port_busy "$FRONT_PORT" && break; sleep 0.25; done
  port_busy "$FRONT_PORT" || { log_tail "$LOGS/front-error.log"; die "the front door did not start"; }
  say "front door: http://$HOST:$FRONT_PORT (nginx, pid $(read_pid front))"
}

services_down() {
  local i spec
  if [ -f "$(pidfile front)" ]; then stop_part front; fi
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    spec=${SERVICES[i]}
    if [ -f "$(pidfile "${spec%%:*}")" ]; then stop_part "${spec%%:*}"; fi
  done
  if [ -f "$(pidfile mailsink)" ]; then stop_part mailsink; fi
}
# A development SMTP server keeping each alert as .stack/mail/*.eml (the notifier's default).
mailsink_up() {
  [ -x "$PY" ] || return 0
  check_running mailsink && return 0
  require_free_ports mailsink "$SMTP_PORT"
  launch mailsink "$LOGS/mailsink.log" "$PY" -m deploy.local.mailsink --port "$SMTP_PORT" \
    --dir "$STACK/mail"
  local i
  for ((i = 0; i < 40; i++)); do port_busy "$SMTP_PORT" && break; sleep 0.25; done
  port_busy "$SMTP_PORT" || { log_tail "$LOGS/mailsink.log"; die "mailsink did not start"; }
  say "mailsink: started on $HOST:$SMTP_PORT, messages in $(rel "$STACK")/mail/"
}

# ---------------------------------------------------------------- commands
# One stack.sh at a time changes the stack (a test and a developer may call up together).
lock() {
  mkdir -p "$PIDS" "$LOGS" "$KAFKA_DIR"
  exec 9>"$STACK/.lock"
  flock -w 300 9 || die "another stack.sh still holds $(rel "$STACK/.lock")"
}

# Ports that must be free once a part is down.
ports_of() {
  case $1 in
    kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;;
    postgres) echo "$PG_PORT" ;;
    mailsink) echo "$SMTP_PORT" ;;
    front) echo "$FRONT_PORT" ;;
    *) local s; for s in "${SERVICES[@]}"; do [ "${s%%:*}" = "$1" ] && echo "${s#*:}"; done ;;
  esac
}
check_ports_free() {
  local busy=() p i
  for p in "$@"; do
    for ((i = 0; i < 25; i++)); do port_busy "$p" || continue 2; sleep 0.2; done
    busy+=("$p ($(port_owner "$p"))")
  done
  [ ${#busy[@]} -eq 0 ] || die "still listening after down: ${busy[*]}"
}

summary() {
  echo
  printf '  %-18s %s\n' Kafka "$HOST:$KAFKA_PORT (KRaft controller $HOST:$KAFKA_CONTROLLER_PORT)"
  printf '  %-18s %s\n' PostgreSQL "$PG_URL"
  local spec name
  for spec in "${SERVICES[@]}"; do
    name=${spec%%:*}
    if [ "$(part_state "$name")" = running ]; then
      printf '  %-18s %s\n' "$name" "http://$HOST:${spec#*:}"
    fi
  done
  if [ "$(part_state front)" = running ]; then
    printf '  %-18s %s\n' "front door" "http://$HOST:$FRONT_PORT/espace"
  fi
  if [ "$(part_state mailsink)" = running ]; then
    printf '  %-18s %s\n' "mail sink" "smtp://$HOST:$SMTP_PORT -> $(rel "$STACK")/mail/"
  fi
  printf '  %-18s %s\n' logs "$(rel "$LOGS")/" stop "bash deploy/local/stack.sh down"
}

cmd_up() {
  local t0; t0=$(now)
  bash "$REPO/deploy/local/prereqs.sh"
  lock
  kafka_start
  pg_up
  kafka_wait
  topics_ensure
  services_up
  summary
  say "up in $(since "$t0") s"
}

cmd_down() {
  lock
  local parts=() spec
  for spec in "${SERVICES[@]}"; do [ -f "$(pidfile "${spec%%:*}")" ] && parts+=("${spec%%:*}"); done
  [ -f "$(pidfile mailsink)" ] && parts+=(mailsink)
  [ -f "$(pidfile front)" ] && parts+=(front)
  [ -f "$(pidfile kafka)" ] && parts+=(kafka)
  { [ -f "$(pidfile postgres)" ] || [ -f "$PG_DATA/postmaster.pid" ]; } && parts+=(postgres)
  services_down
  kafka_down
  pg_down
  local ports=() p
  for p in "${parts[@]}"; do read -ra more <<< "$(ports_of "$p")"; ports+=("${more[@]}"); done
  check_ports_free "${ports[@]}"
  say "down (data kept under $(rel "$STACK")/)"
}

cmd_status() {
  printf '%-18s %-8s %-45s %-8s %s\n' PART PID ADDRESS STATE LOG
  local spec name state
  row() { printf '%-18s %-8s %-45s %-8s %s\n' "$1" "$(read_pid "$1")" "$2" "$3" "$(rel "$LOGS/$1.log")"; }
  row kafka "$HOST:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT)" "$(part_state kafka)"
  row postgres "$PG_URL" "$(part_state postgres)"
  row mailsink "smtp://$HOST:$SMTP_PORT" "$(part_state mailsink)"
  row front "http://$HOST:$FRONT_PORT" "$(part_state front)"
  for spec in "${SERVICES[@]}"; do
    name=${spec%%:*}; state=$(part_state "$name")
    [ "$state" = stopped ] && [ ! -f "services/$name/__main__.py" ] && state=absent
    row "$name" "http://$HOST:${spec#*:}" "$state"
  done
  if [ -n "$PG_OUTSIDE" ]; then
    echo "postgres data: $PG_OUTSIDE (the postgres user cannot enter $REPO; $(rel "$STACK/pg") links there)"
  fi
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  kafka-up) bash "$REPO/deploy/local/prereqs.sh"; lock; kafka_start; kafka_wait ;;
  kafka-down) lock; kafka_down; check_ports_free "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" ;;
  pg-up) bash "$REPO/deploy/local/prereqs.sh"; lock; pg_up ;;
  pg-down) lock; pg_down; check_ports_free "$PG_PORT" ;;
  services-up) lock; services_up ;;
  services-down) lock; services_down ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
