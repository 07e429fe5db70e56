#!/usr/bin/env bash
# The production stack under test (docs/scaling.md): gunicorn with 2 workers on the production settings, a Celery
# worker and beat, Redis (database 5 unless KITU_STACK_REDIS says otherwise), PostgreSQL (a fresh database,
# dropped at the end) and a local SMTP sink; tests/stack/drive.py then logs in (password + TOTP), places and
# approves an order, waits for the openTRANS mail, issues a billing run, waits for the XRechnung mail and checks
# /healthz. Everything started here is stopped on exit, also on failure. Needs: make install, PostgreSQL, Redis.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
PG="${KITU_STACK_PG:-postgres://postgres@127.0.0.1:5432}"
DB="${KITU_STACK_DB:-kitu_h_stack_run}"
REDIS="${KITU_STACK_REDIS:-redis://127.0.0.1:6379/5}"
WEB_PORT="${KITU_STACK_PORT:-8731}"
SMTP_PORT="${KITU_STACK_SMTP_PORT:-8725}"
WORK="$(mktemp -d /tmp/kitu-stack.XXXXXX)"
PIDS=()
STARTED=$(date +%s)

stop_all() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        local alive=0
        for pid in "${PIDS[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.2
    done
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    if [ "$status" != 0 ]; then
        echo "stack: FAILED after $(($(date +%s) - STARTED)) s; logs:" >&2
        for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }; done
    fi
    psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$WORK"
    exit "$status"
}
trap stop_all EXIT
trap 'exit 143' INT TERM

start() {  # start "name" cmd...: in its own process group, so that stopping it stops its children too
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=("$!")
}

export DJANGO_SETTINGS_MODULE=config.settings.production
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1 DATABASE_URL="$PG/$DB" REDIS_URL="$REDIS" CELERY_BROKER_URL="$REDIS"
export EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1 EMAIL_PORT="$SMTP_PORT"
export KITU_BASE_URL="https://127.0.0.1:$WEB_PORT" KITU_SITE_DOMAIN="127.0.0.1:$WEB_PORT"
export MEDIA_ROOT="$WORK/media" LOG_LEVEL=WARNING LOG_FORMAT=plain

psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
psql -q "$PG/postgres" -c "CREATE DATABASE \"$DB\"" >/dev/null
"$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS"  # no task left from a run before

"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0  # the manifest that whitenoise's storage needs in production
"$PY" manage.py check --deploy --fail-level ERROR >/dev/null
"$PY" tests/stack/world.py >"$WORK/world.json"
echo "stack: prepared in $(($(date +%s) - STARTED)) s"

start smtp "$PY" tests/stack/smtp_sink.py "$SMTP_PORT" "$WORK/mail"
start worker .venv/bin/celery -A config worker -Q celery,mail,documents,imports -c 2 -l WARNING \
    --without-gossip --without-mingle --without-heartbeat
start beat .venv/bin/celery -A config beat -l WARNING -s "$WORK/beat-schedule"
start web .venv/bin/gunicorn config.wsgi -w 2 -b "127.0.0.1:$WEB_PORT" --access-logfile - --timeout 60

for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/healthz" 2>/dev/null && break
    sleep 0.3
done
"$PY" tests/stack/drive.py "http://127.0.0.1:$WEB_PORT" "$WORK/mail" "$WORK/world.json"
for pid in "${PIDS[@]}"; do kill -0 "$pid" || { echo "stack: a process ended early" >&2; exit 1; }; done
echo "stack: passed in $(($(date +%s) - STARTED)) s"
