#!/usr/bin/env bash
# `npm run container:test`: builds Podium's image (Dockerfile) and runs compose.yaml's stack with podman,
# offline: the base image comes from Debian's packages (debootstrap), PostgreSQL and nginx from Debian's
# packages too (postgres.Dockerfile, nginx.Dockerfile here, standing in for the official images). Then
# checks what an operator would: the image's facts, the one-shot migration, two healthy replicas behind
# nginx, sign-in end to end through the proxy, a replica going down, data kept across a restart.
#
# Needs root, podman, podman-compose and debootstrap (Debian: apt-get install podman podman-compose
# debootstrap runc), the npm registry and Debian's mirror. Takes several minutes: not part of CI.
# KEEP=1 leaves the stack running; HTTP_PORT (default 4365) is where nginx listens.
set -uo pipefail
cd "$(dirname "$0")/../.."
here=scripts/container
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/$here/containers.conf}
export BASE_IMAGE=${BASE_IMAGE:-localhost/podium-base:bookworm}
export PODIUM_IMAGE=localhost/podium:test POSTGRES_IMAGE=localhost/podium-test-postgres NGINX_IMAGE=localhost/podium-test-nginx
export POSTGRES_PASSWORD=podium${RANDOM}test
export HTTP_PORT=${HTTP_PORT:-4365}
export ORIGIN=http://127.0.0.1:$HTTP_PORT MAIL_TRANSPORT=outbox MAIL_OUTBOX_DIR=/app/.data/outbox LOG_LEVEL=info
project=podium_test
origin=$ORIGIN
work=$(mktemp -d)
passed=0
failed=0
step() { printf '\n=== %s ===\n' "$*"; }
check() { # check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
compose() { podman-compose -p "$project" -f compose.yaml "$@" >>"$work/compose.log" 2>&1; }
timed() { # timed LABEL LOG COMMAND...: runs it with its output in LOG, says how long it took
	local label=$1 log=$2 start=$SECONDS status
	shift 2
	"$@" >"$log" 2>&1
	status=$?
	echo "$label: $((SECONDS - start)) s"
	[ "$status" -eq 0 ] || tail -30 "$log"
	return $status
}
healthy() { # healthy CONTAINER [TRIES]: runs the image's HEALTHCHECK until it passes (no systemd timers here)
	for _ in $(seq 1 "${2:-60}"); do
		podman healthcheck run "$1" >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}
finish() {
	if [ "${KEEP:-0}" != 1 ]; then compose down -v; fi
	echo "compose log: $work/compose.log"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

step "images"
timed "base image (debootstrap)" "$work/base.log" bash "$here/build-base.sh" || { failed=1; finish; }
timed "podium image" "$work/build.log" \
	podman build --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$PODIUM_IMAGE" . || { failed=1; finish; }
for stand_in in postgres nginx; do
	image=$POSTGRES_IMAGE
	[ $stand_in = nginx ] && image=$NGINX_IMAGE
	timed "$stand_in image" "$work/$stand_in-build.log" podman build --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" \
		-t "$image" -f "$here/$stand_in.Dockerfile" "$here" || { failed=1; finish; }
done
echo "podium image: $(($(podman image inspect --format '{{.Size}}' "$PODIUM_IMAGE") / 1000000)) MB"

step "the image"
check "runs as the non-root user podium" \
	test "$(podman run --rm --no-healthcheck "$PODIUM_IMAGE" sh -c 'echo "$(id -un) $(id -u)"')" = "podium 10001"
check "its HEALTHCHECK asks /health" \
	grep -q '/health' <<<"$(podman image inspect --format '{{json .Config.Healthcheck}}' "$PODIUM_IMAGE")"
check "Node.js 24" grep -q '^v24\.' <<<"$(podman run --rm --no-healthcheck "$PODIUM_IMAGE" node --version)"
check "production dependencies only (no vite, no svelte-check)" \
	podman run --rm --no-healthcheck "$PODIUM_IMAGE" sh -c '! test -e node_modules/vite && ! test -e node_modules/svelte-check && test -e node_modules/prisma'
check "the app cannot write its own code" podman run --rm --no-healthcheck "$PODIUM_IMAGE" sh -c '! touch build/index.js 2>/dev/null'
check "without ORIGIN it refuses to start, saying why" \
	grep -q 'Podium cannot start: ORIGIN is not set' <<<"$(podman run --rm --no-healthcheck -e MAIL_TRANSPORT=outbox "$PODIUM_IMAGE" 2>&1)"

step "the stack (compose.yaml with podman-compose)"
compose down -v
compose up -d --no-deps db
db=${project}_db_1
check "PostgreSQL is healthy" healthy "$db"
# podman-compose does not wait for depends_on conditions: the order is given here, as docker compose
# would give it (migrate after a healthy db, the app after a successful migrate, the proxy last).
compose up -d --no-deps migrate
migrate_status=$(podman wait "${project}_migrate_1")
podman logs "${project}_migrate_1" >"$work/migrate.log" 2>&1
check "the one-shot migration succeeds" test "$migrate_status" = 0
check "it applied every migration" grep -q 'All migrations have been successfully applied' "$work/migrate.log"
migrations=$(ls -d prisma/migrations/*/ | wc -l)
check "the database has all $migrations migrations" test "$(podman exec "$db" psql -U podium -d podium -tAc \
	'SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL')" = "$migrations"
compose up -d --no-deps app
check "app replica 1 is healthy" healthy "${project}_app_1"
check "app replica 2 is healthy" healthy "${project}_app_2"
check "the replicas run as podium" test "$(podman top "${project}_app_1" user | tail -n +2 | sort -u)" = podium
compose up -d --no-deps proxy
for _ in $(seq 1 30); do curl -sf -o /dev/null "$origin/health" && break; sleep 1; done

step "through the proxy"
check "/health through nginx" grep -q '"database":"reachable"' <<<"$(curl -sf "$origin/health")"
check "the home page, compressed" \
	grep -qi '^content-encoding: gzip' <<<"$(curl -sf -o /dev/null -D - -H 'accept-encoding: gzip' -H 'accept: text/html' "$origin/")"
check "the request id comes back" \
	grep -qi '^x-request-id: stack-test-0001' <<<"$(curl -sf -o /dev/null -D - -H 'x-request-id: stack-test-0001' "$origin/")"
for i in $(seq 1 12); do curl -sf -o /dev/null -H 'accept: text/html' "$origin/?n=$i"; done
check "both replicas serve requests" bash -c "podman logs ${project}_app_1 2>&1 | grep -q '\"path\":\"/\"' &&
	podman logs ${project}_app_2 2>&1 | grep -q '\"path\":\"/\"'"
check "nginx logs the same request id" \
	bash -c "podman logs ${project}_proxy_1 2>&1 | grep -q 'request_id=stack-test-0001'"

# Sign in over plain HTTP as a browser without JavaScript: the link is mailed (outbox) by whichever
# replica took the request; the session then works on both (one database).
email="stack-$RANDOM@example.test"
curl -sf -o /dev/null -H "Origin: $origin" --data-urlencode "email=$email" "$origin/sign-in"
token=""
for _ in $(seq 1 20); do
	for n in 1 2; do
		token=$(podman exec "${project}_app_$n" sh -c 'cat /app/.data/outbox/*.eml 2>/dev/null' | tr -d '\r' |
			sed -e ':a' -e '/=$/N; s/=\n//; ta' -e 's/=3D/=/g' | grep -o 'verify?token=[a-z2-7]\{32\}' | head -n 1 | cut -d= -f2)
		[ -n "$token" ] && break 2
	done
	sleep 0.5
done
check "a sign-in link was mailed" test -n "$token"
curl -sf -o /dev/null -c "$work/cookies" -H "Origin: $origin" --data-urlencode "token=$token" "$origin/sign-in/verify?token=$token"
signed_in() { for _ in 1 2 3 4; do grep -qF "$email" <<<"$(curl -sf -b "$work/cookies" "$origin/welcome")" || return 1; done; }
check "signed in; the session holds on both replicas (round robin)" signed_in

podman stop -t 5 "${project}_app_1" >/dev/null
check "with one replica stopped, every request is still answered" bash -c \
	"for i in \$(seq 1 8); do curl -sf -o /dev/null '$origin/health' || exit 1; done"
podman start "${project}_app_1" >/dev/null

step "restart: the data is kept in the volume"
users_before=$(podman exec "$db" psql -U podium -d podium -tAc 'SELECT count(*) FROM users')
compose down
compose up -d --no-deps db
healthy "$db" || true
compose up -d --no-deps migrate
migrate_status=$(podman wait "${project}_migrate_1")
check "the migration runs again and finds nothing to do" test "$migrate_status" = 0
compose up -d --no-deps app
healthy "${project}_app_1" || true
healthy "${project}_app_2" || true
compose up -d --no-deps proxy
for _ in $(seq 1 30); do curl -sf -o /dev/null "$origin/health" && break; sleep 1; done
check "the users are still there ($users_before)" \
	test "$(podman exec "$db" psql -U podium -d podium -tAc 'SELECT count(*) FROM users')" = "$users_before"
check "and the session still works" signed_in

finish
