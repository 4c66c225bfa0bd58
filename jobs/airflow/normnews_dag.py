"""Airflow 3 DAG `normnews`: run `normnews run` once a day and check its summary.

(Written as Markdown: Airflow shows this docstring as the DAG's documentation.)

Tasks:

- `run_normnews`: a BashOperator calling the normnews CLI with `--run-date` set to the run's
  logical date, so a backfill writes the partition of the day it stands for. Exit 99
  ("nothing new to do") leaves the task *skipped*; exit 75 ("another run holds the lock")
  fails the try and Airflow retries it after `retry_delay`. The last stdout line, the
  one-line JSON summary, is pushed to XCom. `--report` makes normnews write the run's HTML
  report beside its manifest (`OUT/_runs/<run_id>.html`).
- `check_summary`: parses that summary and fails loudly unless it is the JSON object with
  `"status": "ok"` that the CLI promises and the report it names exists. The report is the
  task's artifact: its path is in the summary this task returns to XCom (`report`) and in its
  log, so the run's page is one click from the task. It is skipped together with
  `run_normnews`.

Where things are: the Airflow Variable, else the worker's environment variable, else the
default. A Variable can itself come from the environment (`AIRFLOW_VAR_NORMNEWS_INPUT`).

| Variable          | environment       | default                               |
|-------------------|-------------------|---------------------------------------|
| `normnews_input`  | `NORMNEWS_INPUT`  | `/srv/normnews/incoming`              |
| `normnews_out`    | `NORMNEWS_OUT`    | `/srv/normnews/out`                   |
| `normnews_bin`    | `NORMNEWS_BIN`    | `normnews` beside Airflow's python    |
| `normnews_config` | `NORMNEWS_CONFIG` | none: normnews' own config discovery  |

`NORMNEWS_RETRIES` (environment, default 3) sets how often a failed try is retried, 5 minutes
apart.

Scheduling notes:

- `max_active_runs=1`: runs share one output root; normnews' own lock would turn a second
  concurrent run into exit 75 anyway, this keeps Airflow from trying.
- `catchup=False`: normnews finds new files with its ledger, not by date, so a missed day
  needs no catch-up run: the next run picks its files up. To run past dates on purpose,
  create a backfill (`airflow backfill create --dag-id normnews --from-date 2026-11-01
  --to-date 2026-11-03`). Each run writes `run_date=<its logical date>`; a date whose files
  were already processed exits 99 and shows as skipped.
- The task is idempotent: normnews rerun on the same `--run-date` with the same inputs and
  config produces the same output, and publishes atomically.
- Retries apply to every failure of `run_normnews`, not only exit 75. That is harmless: usage
  errors (2) and bad input (65) fail again within seconds, and normnews never half-publishes.
- Following Airflow's Best Practices, parsing this file only reads a few environment
  variables: Variables are looked up through Jinja when the task runs, not with
  `Variable.get` at the top level.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, task

log = logging.getLogger(__name__)

DAG_ID = "normnews"

# Exit codes of the normnews CLI that the DAG acts on.
EXIT_NOTHING_NEW = 99

# run_date: the logical date's day. A run triggered without a logical date (allowed in
# Airflow 3) falls back to the day it was queued for.
RUN_DATE = "{{ ds if logical_date is defined and logical_date else dag_run.run_after | ds }}"

# Bash reads paths from the environment (set below through templated ``env``): values pasted
# into the command line would need shell quoting. ``exec`` hands normnews' exit code and any
# kill signal straight through.
BASH_COMMAND = (
    'exec "$NORMNEWS_BIN" run "$NORMNEWS_INPUT" --out "$NORMNEWS_OUT"'
    f' --run-date "{RUN_DATE}" --log-format json --report'
    ' ${NORMNEWS_CONFIG:+--config "$NORMNEWS_CONFIG"}'
)


def _default_bin() -> str:
    """The normnews installed beside Airflow (scripts/airflow-env.sh does that), else PATH's."""
    beside = Path(sys.executable).with_name("normnews")
    return str(beside) if beside.exists() else "normnews"


def _setting(variable: str, env: str, default: str) -> str:
    """A Jinja expression for Variable ``variable``, defaulting to ``$env`` then ``default``."""
    fallback = os.environ.get(env, default)
    # JSON string literals are valid Jinja string literals, whatever the path contains.
    return "{{ var.value.get(" + json.dumps(variable) + ", " + json.dumps(fallback) + ") }}"


NORMNEWS_ENV = {
    "NORMNEWS_INPUT": _setting("normnews_input", "NORMNEWS_INPUT", "/srv/normnews/incoming"),
    "NORMNEWS_OUT": _setting("normnews_out", "NORMNEWS_OUT", "/srv/normnews/out"),
    "NORMNEWS_BIN": _setting("normnews_bin", "NORMNEWS_BIN", _default_bin()),
    "NORMNEWS_CONFIG": _setting("normnews_config", "NORMNEWS_CONFIG", ""),
}

with DAG(
    dag_id=DAG_ID,
    description="Clean and deduplicate newly arrived news articles into Parquet (normnews run).",
    schedule="@daily",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": int(os.environ.get("NORMNEWS_RETRIES", "3")),
        "retry_delay": timedelta(minutes=5),
        # A wedged run keeps the output root locked; give up well before the next day's run.
        "execution_timeout": timedelta(hours=6),
    },
    tags=["normnews"],
    doc_md=__doc__,
) as dag:
    run_normnews = BashOperator(
        task_id="run_normnews",
        bash_command=BASH_COMMAND,
        env=NORMNEWS_ENV,
        append_env=True,
        skip_on_exit_code=EXIT_NOTHING_NEW,
        do_xcom_push=True,
    )

    # A pure check: retrying it would only repeat the same verdict.
    @task(retries=0)
    def check_summary(summary_line: str) -> dict[str, object]:
        """Parse the run's one-line JSON summary; fail unless it reports a finished run.

        normnews prints ``{"status": "ok", "run_id": ..., "run_date": ..., <counts>}`` on
        exit 0. Anything else after a zero exit means the CLI broke its own contract.

        Args:
            summary_line: the last stdout line of ``normnews run``, from XCom.

        Returns:
            The summary as a dict, pushed to XCom for downstream tasks.
        """
        try:
            summary = json.loads(summary_line)
        except (TypeError, json.JSONDecodeError) as error:
            raise ValueError(
                f"normnews' last stdout line is not JSON ({error}): {summary_line!r}; "
                "the CLI must print exactly one summary line on stdout, last"
            ) from None
        if not isinstance(summary, dict) or summary.get("status") != "ok":
            raise ValueError(
                f"normnews exited 0 but its summary is not an object with status 'ok': "
                f"{summary_line!r}"
            )
        report = summary.get("report")
        if not report or not Path(str(report)).is_file():
            raise ValueError(
                f"normnews ran with --report but its report {report!r} is missing: the run is "
                "published; `normnews report OUT` can write the page again"
            )
        log.info("normnews summary: %s", json.dumps(summary, sort_keys=True))
        log.info("normnews report (this task's artifact): %s", report)
        return summary

    check_summary(run_normnews.output)
