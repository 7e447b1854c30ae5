#!/usr/bin/env bash
# kafka-broker-api-versions.sh, as in the apache/kafka image (docker-compose.yml's health check).
exec java -XX:TieredStopAtLevel=1 -Xshare:auto -Xmx64m -cp '/opt/kafka/libs/*' \
  -Dlog4j2.level=error org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
