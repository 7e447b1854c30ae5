#!/usr/bin/env bash
# The broker's start in the Kafka image: server.properties from the KAFKA_* variables (as the
# apache/kafka image reads them), the KRaft storage formatted once, then the broker.
set -euo pipefail
conf=/opt/kafka/config/server.properties
: > "$conf"
while IFS='=' read -r name value; do
  case $name in KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_CLUSTER_ID) continue ;; esac
  key=${name#KAFKA_}; key=${key,,}; key=${key//___/-}; key=${key//__/@}; key=${key//_/.}
  printf '%s=%s\n' "${key//@/_}" "$value" >> "$conf"
done < <(env | grep '^KAFKA_' | sort)
grep -q '^log.dirs=' "$conf" || echo "log.dirs=/var/lib/kafka/data" >> "$conf"
cat > /opt/kafka/config/log4j2.properties <<'L4J'
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
L4J
cp='/opt/kafka/libs/*'
log4j=-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties
data=$(sed -n 's/^log.dirs=//p' "$conf" | cut -d, -f1)
if [ ! -f "$data/meta.properties" ]; then
  id=${KAFKA_CLUSTER_ID:-$(java -cp "$cp" kafka.tools.StorageTool random-uuid)}
  extra=()
  grep -q '^controller.quorum.voters=' "$conf" || extra=(--standalone)
  java "$log4j" -cp "$cp" kafka.tools.StorageTool format --config "$conf" \
    --cluster-id "$id" "${extra[@]}"
fi
# shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of flags
exec java $KAFKA_HEAP_OPTS ${KAFKA_OPTS:-} -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
  -Djava.awt.headless=true "$log4j" -cp "$cp" kafka.Kafka "$conf"
