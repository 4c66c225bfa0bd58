#!/usr/bin/env bash
# Run `normnews run` once, for cron (see jobs/crontab).
#
# Environment:
#   NORMNEWS_INPUT     input directory (required)
#   NORMNEWS_OUT       output root (required)
#   NORMNEWS_BIN       the normnews executable (default: normnews on PATH)
#   NORMNEWS_RUN_DATE  YYYY-MM-DD partition to write (default: today in UTC, like Airflow's ds)
# Extra arguments are passed to `normnews run` (e.g. --config FILE, --workers 2).
#
# Exit status: normnews' own, except that "nothing new to do" (99) and "another run holds the
# lock" (75) become 0. Neither is a failure for an hourly job: the next run picks up whatever
# the busy one did not. Everything else (1 error, 2 usage/config, 65 bad or missing input,
# 74 disk full / read-only / damaged state) passes through.
#
# No flock(1) here: normnews locks its output root itself and exits 75 for the loser.
set -uo pipefail

if [[ -z "${NORMNEWS_INPUT:-}" || -z "${NORMNEWS_OUT:-}" ]]; then
  echo "normnews-cron: set NORMNEWS_INPUT (input directory) and NORMNEWS_OUT (output root)" >&2
  exit 2
fi
bin="${NORMNEWS_BIN:-normnews}"
run_date="${NORMNEWS_RUN_DATE:-$(date -u +%F)}"

"$bin" run "$NORMNEWS_INPUT" --out "$NORMNEWS_OUT" --run-date "$run_date" --log-format json "$@"
status=$?

case $status in
  99)
    echo "normnews-cron: nothing new in $NORMNEWS_INPUT (normnews exit 99); ok" >&2
    exit 0
    ;;
  75)
    echo "normnews-cron: another run holds the lock on $NORMNEWS_OUT (normnews exit 75);" \
      "the next run will pick up the files; ok" >&2
    exit 0
    ;;
  *)
    exit "$status"
    ;;
esac
