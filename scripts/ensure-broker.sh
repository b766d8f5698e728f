#!/usr/bin/env bash
# Make sure a RabbitMQ answers at AMQP_URI (default amqp://guest:guest@127.0.0.1:5672/), with the
# management plugin that the tests use to make a fresh vhost per test.
#   1. one already answers: use it;
#   2. rabbitmq-server is installed: start it;
#   3. root with apt: install Debian's rabbitmq-server (apt leaves it stopped), then start it;
#   4. a Docker engine runs: start rabbitmq:3-management in a container;
#   5. otherwise say in one line what to install.
set -euo pipefail
# With BROKER_STARTED_FILE set, a broker this script starts is noted there (`rabbitmq-server` or
# `docker`), so whoever asked (make run) can stop it again.
BROKER_STARTED_FILE=${BROKER_STARTED_FILE:-}
AMQP_URI=${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}
hostport=$(python3 - "$AMQP_URI" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
print(f"{u.hostname or '127.0.0.1'} {u.port or 5672}")
PY
)
read -r host port <<<"$hostport"

answers() { python3 -c "import socket,sys; socket.create_connection(('$host', $port), 2).close()" 2>/dev/null; }
local_broker() { [ "$host" = "127.0.0.1" ] || [ "$host" = "localhost" ]; }

enable_management() {
  command -v rabbitmq-plugins >/dev/null 2>&1 || return 0
  rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_management && return 0
  rabbitmq-plugins enable rabbitmq_management >/dev/null
}

wait_for_management() {
  for _ in $(seq 1 60); do
    python3 -c "import urllib.request as r; r.urlopen('http://127.0.0.1:15672/', timeout=2)" 2>/dev/null && return 0
    sleep 1
  done
  echo "ensure-broker: the RabbitMQ management API did not come up on 127.0.0.1:15672" >&2
  return 1
}

noted() { [ -z "$BROKER_STARTED_FILE" ] || echo "$1" > "$BROKER_STARTED_FILE"; }

start_installed() {
  echo "ensure-broker: starting the local rabbitmq-server" >&2
  rabbitmq-server -detached >/dev/null 2>&1 || true
  # await_startup fails at once while the node has not registered yet: ask again until it has.
  for _ in $(seq 1 60); do
    rabbitmqctl await_startup >/dev/null 2>&1 && { noted rabbitmq-server; return 0; }
    sleep 1
  done
  echo "ensure-broker: rabbitmq-server did not start" >&2
  return 1
}

if answers; then
  if local_broker && command -v rabbitmqctl >/dev/null 2>&1; then
    enable_management
    wait_for_management
  fi
  exit 0
fi

if ! local_broker; then
  echo "ensure-broker: no broker answers at $host:$port (AMQP_URI); start it, or unset AMQP_URI to use a local one" >&2
  exit 1
fi

if ! command -v rabbitmq-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-broker: installing Debian's rabbitmq-server" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi

if command -v rabbitmq-server >/dev/null 2>&1; then
  enable_management
  start_installed
  wait_for_management
elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "ensure-broker: starting RabbitMQ in a container" >&2
  docker run -d --rm --name partner-portal-rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:3-management >/dev/null
  noted docker
  wait_for_management
else
  echo "ensure-broker: no RabbitMQ here: install rabbitmq-server (Debian: apt-get install rabbitmq-server) or run Docker" >&2
  exit 1
fi

for _ in $(seq 1 60); do answers && exit 0; sleep 1; done
echo "ensure-broker: RabbitMQ did not start answering on $host:$port" >&2
exit 1
