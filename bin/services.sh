#!/usr/bin/env bash
# PostgreSQL and Redis for the test suite, on 127.0.0.1 with the authentication it expects (`make test`, `.ci/run`).
#
# For each of them: when it answers on 127.0.0.1, nothing is done. When it is installed but down, it is started.
# When it is missing and this runs as root on Debian (apt-get), Debian's package is installed (postgresql,
# redis-server) and started; PostgreSQL is then given `trust` for local TCP connections (127.0.0.1 and ::1), the
# suite's DATABASE_URL having no password. Otherwise one line says what to install, and the script fails.
# A DATABASE_URL (or CELERY_BROKER_URL) naming another host, or SQLite, is left alone.
#
# SERVICES_DRY_RUN=1 prints the commands that would change the machine instead of running them. The commands and
# probes can be replaced from the environment (tests/test_services_script.py runs every case this way, without
# installing or stopping anything): APT_GET, PG_CTLCLUSTER, REDIS_SERVER, POSTGRES_ETC, SERVICES_UID,
# SERVICES_PG_PORT, SERVICES_REDIS_PORT, SERVICES_WAIT (seconds to wait for a service to answer).
set -euo pipefail

APT_GET=${APT_GET:-apt-get}
PG_CTLCLUSTER=${PG_CTLCLUSTER:-pg_ctlcluster}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
POSTGRES_ETC=${POSTGRES_ETC:-/etc/postgresql}
SERVICES_UID=${SERVICES_UID:-$(id -u)}
PG_PORT=${SERVICES_PG_PORT:-5432}
REDIS_PORT=${SERVICES_REDIS_PORT:-6379}
WAIT=${SERVICES_WAIT:-60}
DRY_RUN=${SERVICES_DRY_RUN:-}
APT_UPDATED=

run() {  # run <command…>: the command, or in a dry run its line
  if [ -n "$DRY_RUN" ]; then printf '+'; printf ' %q' "$@"; printf '\n'; else "$@"; fi
}

local_url() {  # local_url <url>: true when the URL is empty or names 127.0.0.1 / localhost (not SQLite)
  case "${1:-}" in
    "") return 0 ;;
    sqlite*) return 1 ;;
    *@127.0.0.1[:/]* | *@localhost[:/]* | *://127.0.0.1[:/]* | *://localhost[:/]*) return 0 ;;
    *) return 1 ;;
  esac
}

postgres_up() {  # something accepts TCP connections on 127.0.0.1:PG_PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null
}

redis_up() {  # Redis answers PONG on 127.0.0.1:REDIS_PORT
  (
    exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [ "${reply%$'\r'}" = "+PONG" ]
  ) 2>/dev/null
}

wait_until() {  # wait_until <what> <probe>
  local what=$1 probe=$2
  if [ -n "$DRY_RUN" ]; then return 0; fi
  for _ in $(seq "$WAIT"); do
    if "$probe"; then echo "$what is up."; return 0; fi
    sleep 1
  done
  echo "*** $what did not answer on 127.0.0.1 within ${WAIT}s." >&2
  return 1
}

may_install() {  # root on a machine with apt-get
  [ "$SERVICES_UID" = 0 ] && command -v "$APT_GET" >/dev/null
}

apt_install() {  # apt_install <package…>
  echo "Installing Debian's $*…"
  if [ -z "$APT_UPDATED" ]; then run "$APT_GET" update -qq; APT_UPDATED=1; fi
  run env DEBIAN_FRONTEND=noninteractive "$APT_GET" install -y -qq --no-install-recommends "$@"
}

postgres_version() {  # the newest cluster version under POSTGRES_ETC
  ls "$POSTGRES_ETC" 2>/dev/null | sort -V | tail -n 1
}

postgres_trust() {  # the suite connects as postgres without a password over TCP: trust 127.0.0.1 and ::1
  local hba
  hba="$POSTGRES_ETC/$(postgres_version)/main/pg_hba.conf"
  echo "Letting the local TCP connections in without a password (trust for 127.0.0.1 and ::1, $hba)…"
  run sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
}

postgres() {
  if ! local_url "${DATABASE_URL:-}"; then echo "DATABASE_URL is not a PostgreSQL on 127.0.0.1: left alone."; return 0; fi
  if postgres_up; then echo "PostgreSQL is up on 127.0.0.1:$PG_PORT."; return 0; fi
  local installed=yes
  if ! command -v "$PG_CTLCLUSTER" >/dev/null || [ -z "$(postgres_version)" ]; then
    if ! may_install; then
      echo "*** PostgreSQL is not running on 127.0.0.1:$PG_PORT: install it (Debian: apt-get install postgresql, as root) and start it, or set DATABASE_URL." >&2
      return 1
    fi
    apt_install postgresql
    installed=
  fi
  local version
  version=$(postgres_version || true)
  if [ -z "$installed" ]; then postgres_trust; fi
  if [ -z "$DRY_RUN" ] && postgres_up; then  # the package started it: read the new pg_hba.conf
    run "$PG_CTLCLUSTER" --skip-systemctl-redirect "$version" main reload
  else
    echo "Starting PostgreSQL…"
    run "$PG_CTLCLUSTER" --skip-systemctl-redirect "$version" main start || true
  fi
  wait_until PostgreSQL postgres_up
}

redis() {
  if ! local_url "${CELERY_BROKER_URL:-}"; then echo "CELERY_BROKER_URL is not a Redis on 127.0.0.1: left alone."; return 0; fi
  if redis_up; then echo "Redis is up on 127.0.0.1:$REDIS_PORT."; return 0; fi
  if ! command -v "$REDIS_SERVER" >/dev/null; then
    if ! may_install; then
      echo "*** Redis is not running on 127.0.0.1:$REDIS_PORT: install it (Debian: apt-get install redis-server, as root) and start it." >&2
      return 1
    fi
    apt_install redis-server
  fi
  if [ -z "$DRY_RUN" ] && redis_up; then return 0; fi  # the package started it
  echo "Starting Redis…"
  run mkdir -p /var/lib/redis /var/log/redis
  run "$REDIS_SERVER" --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/grappe.log
  wait_until Redis redis_up
}

status=0
postgres || status=1
redis || status=1
exit "$status"
