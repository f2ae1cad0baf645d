#!/usr/bin/env bash
# Start the desk on the embedded defaults: a SQLite file and a filesystem broker under var/,
# emails written to var/sent-emails/. Web, worker and beat run until Ctrl-C stops all three.
# Called by `make run`, which has already installed the requirements into the virtualenv.
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
CELERY="$VENV/bin/celery"
HOST="127.0.0.1:8000"

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput --verbosity 0
seed_output="$("$PY" manage.py seed_demo)"
"$PY" manage.py reports_backfill > /dev/null  # the reports' roll-ups of the demo data; the worker keeps them up

pids=()
stop() {
    trap - EXIT INT TERM
    if ((${#pids[@]})); then
        echo
        echo "Stopping web, worker and beat..."
        kill -TERM "${pids[@]}" 2>/dev/null || true
        # Give Celery its warm shutdown, then make sure nothing is left behind.
        for _ in $(seq 20); do
            kill -0 "${pids[@]}" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
        wait 2>/dev/null || true
    fi
}
trap stop EXIT
trap 'exit 130' INT TERM

"$PY" manage.py runserver "$HOST" &
pids+=($!)
# SQLite allows one writer at a time: one worker process running one task at a time, consuming
# every queue (sweep, mail, notices, background: README, "Workers and queues").
"$CELERY" -A helpdesk worker --pool=solo --concurrency=1 -Q sweep,mail,notices,background --loglevel=INFO &
pids+=($!)
"$CELERY" -A helpdesk beat --loglevel=INFO &
pids+=($!)

# Print the addresses once the web server answers (at most about 20 seconds).
"$PY" - "$HOST" <<'PYTHON' || true
import sys, time, urllib.error, urllib.request
for _ in range(40):
    try:
        urllib.request.urlopen(f"http://{sys.argv[1]}/healthz", timeout=1)
        break
    except urllib.error.HTTPError:  # it answers, even if not healthy yet
        break
    except OSError:
        time.sleep(0.5)
PYTHON
cat <<BANNER

============================================================================
 Help desk is running (Ctrl-C stops web, worker and beat)

   Customer form   http://$HOST/support/new/
   Agent desk      http://$HOST/desk/
   Admin           http://$HOST/admin/

$(sed 's/^/   /' <<<"$seed_output")

   Emails are written to var/sent-emails/ (unless EMAIL_URL says otherwise).
============================================================================

BANNER

# Stop everything as soon as any one of the three exits. (`kill -0 a b c` succeeds while any
# one is alive, so each is checked on its own; a poll rather than `wait -n` keeps bash 3.2 working.)
while true; do
    for pid in "${pids[@]}"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "Web, worker or beat exited; stopping the others." >&2
            exit 1
        fi
    done
    sleep 1
done
