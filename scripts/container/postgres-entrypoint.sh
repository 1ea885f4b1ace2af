#!/bin/sh
# The official postgres image's first-start behaviour, the part compose.yaml relies on.
set -eu
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
[ -n "${POSTGRES_PASSWORD:-}" ] || { echo "POSTGRES_PASSWORD is not set" >&2; exit 1; }
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 0700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
	printf '%s\n' "$POSTGRES_PASSWORD" >/tmp/pwfile
	chown postgres /tmp/pwfile
	as_postgres initdb --username="$POSTGRES_USER" --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 >/dev/null
	rm /tmp/pwfile
	echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
	as_postgres pg_ctl --wait --options="-c listen_addresses=''" start >/dev/null
	[ "$POSTGRES_DB" = postgres ] || as_postgres createdb --username="$POSTGRES_USER" "$POSTGRES_DB"
	as_postgres pg_ctl --wait stop >/dev/null
	echo "database $POSTGRES_DB created"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -c listen_addresses='*'
