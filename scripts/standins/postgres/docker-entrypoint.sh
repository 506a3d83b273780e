#!/bin/sh
# The official image's first-start contract, for the stand-in: on an empty $PGDATA, initdb with
# $POSTGRES_USER/$POSTGRES_PASSWORD (scram-sha-256 over TCP), create $POSTGRES_DB, run
# /docker-entrypoint-initdb.d/*.sql and *.sh against a server that listens on its socket only,
# then run PostgreSQL on 0.0.0.0:5432.
set -eu
if [ "${1:-}" != postgres ]; then exec "$@"; fi
shift

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
SOCKETS=/var/run/postgresql

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo 'Error: Database is uninitialized and superuser password is not specified (POSTGRES_PASSWORD), as the official image says.' >&2
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
  rm -f "$pwfile"
  printf "listen_addresses = '*'\nunix_socket_directories = '%s'\n" "$SOCKETS" >> "$PGDATA/postgresql.conf"
  echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"

  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$SOCKETS" -w start
  psql() { command psql -v ON_ERROR_STOP=1 --no-psqlrc -h "$SOCKETS" -U "$POSTGRES_USER" "$@"; }
  if [ "$POSTGRES_DB" != postgres ]; then psql -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\""; fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "running $f"; psql -d "$POSTGRES_DB" -f "$f" ;;
      *.sh) echo "running $f"; . "$f" ;;
      */\*) ;;
      *) echo "ignoring $f (the stand-in runs *.sql and *.sh)" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi
exec postgres -D "$PGDATA" "$@"
