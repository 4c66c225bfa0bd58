"""jobs/airflow/normnews_dag.py in a real Airflow, from the venv scripts/airflow-env.sh builds.

Set NORMNEWS_AIRFLOW_PYTHON to that venv's python to run these; they skip without it. Each
Airflow command runs in a subprocess with AIRFLOW_HOME (and its SQLite database) under a
temporary directory, so nothing leaks between runs or into ~/airflow.

``airflow dags test`` (Airflow 3.3) runs the tasks in-process without a scheduler, exits 1 only
when the DAG run failed, and replaces an earlier run of the same logical date. Task states are
read back with ``airflow tasks states-for-dag-run``.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from normnews.schema import read_table

ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = ROOT / "jobs" / "airflow"
SAMPLE = ROOT / "data" / "sample"
AIRFLOW_PYTHON = os.environ.get("NORMNEWS_AIRFLOW_PYTHON", "")
DAG_ID = "normnews"
RUN_DATE = "2026-11-24"
# Generous: a task failing on a slow machine must show up as a failure, not a hang.
TIMEOUT_S = 240

pytestmark = [
    pytest.mark.airflow,
    pytest.mark.slow,
    pytest.mark.skipif(
        not AIRFLOW_PYTHON,
        reason="NORMNEWS_AIRFLOW_PYTHON is not set: build Airflow's venv with "
        "scripts/airflow-env.sh and export NORMNEWS_AIRFLOW_PYTHON=<venv>/bin/python",
    ),
]

# Runs inside Airflow's venv: parse the DAG folder the way the DAG processor does.
DAGBAG_PROBE = """
import json, sys
try:
    from airflow.dag_processing.dagbag import DagBag
except ImportError:  # Airflow 3.0
    from airflow.models.dagbag import DagBag

bag = DagBag(dag_folder=sys.argv[1])
report = {
    "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
    "warnings": {str(k): list(v) for k, v in getattr(bag, "captured_warnings", {}).items()},
}
dag = bag.dags.get(sys.argv[2])
if dag is not None:
    run = dag.get_task("run_normnews")
    report.update(
        task_ids=sorted(dag.task_ids),
        max_active_runs=dag.max_active_runs,
        catchup=dag.catchup,
        skip_on_exit_code=sorted(run.skip_on_exit_code),
        retries=run.retries,
        retry_delay_s=run.retry_delay.total_seconds(),
        do_xcom_push=run.do_xcom_push,
        bash_command=run.bash_command,
        check_upstream=sorted(dag.get_task("check_summary").upstream_task_ids),
    )
print(json.dumps(report))
"""


@dataclass
class Airflow:
    """Runs Airflow commands against one temporary AIRFLOW_HOME."""

    python: Path
    env: dict[str, str]
    logs: Path

    def run(self, *args: str, name: str) -> subprocess.CompletedProcess[str]:
        """Run ``python -m airflow ARGS``, assert it exits 0; keep its output in ``logs/``."""
        proc = subprocess.run(
            [str(self.python), "-m", "airflow", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=TIMEOUT_S,
            check=False,
        )
        (self.logs / f"{name}.log").write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
        assert proc.returncode == 0, (
            f"airflow {' '.join(args)} exited {proc.returncode}:\n"
            + (proc.stdout + proc.stderr)[-6000:]
        )
        return proc

    def run_json(self, *args: str, name: str) -> list[dict[str, str]]:
        """Run an ``airflow ... -o json`` listing and parse it."""
        stdout = self.run(*args, "-o", "json", name=name).stdout
        # Airflow prints warnings (e.g. "Could not import graphviz") on stdout before the JSON.
        listing = [line for line in stdout.splitlines() if line.startswith("[")]
        assert listing, f"no JSON listing in the output of airflow {' '.join(args)}:\n{stdout}"
        return list(json.loads(listing[-1]))

    def task_states(self, name: str) -> dict[str, str]:
        """The task states of this DAG's run for RUN_DATE, by task id."""
        runs = self.run_json("dags", "list-runs", DAG_ID, name=f"{name}-runs")
        run_ids = [r["run_id"] for r in runs if r["logical_date"].startswith(RUN_DATE)]
        assert len(run_ids) == 1, runs
        states = self.run_json(
            "tasks", "states-for-dag-run", DAG_ID, run_ids[0], name=f"{name}-states"
        )
        return {ti["task_id"]: ti["state"] for ti in states}


@pytest.fixture(scope="module")
def airflow(tmp_path_factory: pytest.TempPathFactory) -> Airflow:
    """A migrated SQLite Airflow home whose DAG points at data/sample and a fresh output root."""
    python = Path(AIRFLOW_PYTHON)
    assert python.is_file(), f"NORMNEWS_AIRFLOW_PYTHON={AIRFLOW_PYTHON} does not exist"
    base = tmp_path_factory.mktemp("airflow")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "NORMNEWS_"))}
    env.update(
        AIRFLOW_HOME=str(base / "home"),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS_FOLDER),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{base / 'airflow.db'}",
        # The checkout under test wins over whatever normnews the venv was built from.
        PYTHONPATH=str(ROOT / "src"),
        NORMNEWS_INPUT=str(SAMPLE),
        NORMNEWS_OUT=str(base / "out"),
        # A failing try must fail the run now, not wait out the DAG's 5-minute retry delay.
        NORMNEWS_RETRIES="0",
    )
    logs = base / "logs"
    logs.mkdir()
    flow = Airflow(python, env, logs)
    flow.run("db", "migrate", name="db-migrate")
    return flow


@pytest.fixture(scope="module")
def first_run(airflow: Airflow) -> dict[str, str]:
    """Task states after the first ``airflow dags test`` for RUN_DATE."""
    airflow.run("dags", "test", DAG_ID, RUN_DATE, name="dags-test-1")
    return airflow.task_states("first")


def out_root(airflow: Airflow) -> Path:
    """The output root the DAG writes to."""
    return Path(airflow.env["NORMNEWS_OUT"])


def article_parts(airflow: Airflow) -> list[Path]:
    """The article Parquet files of RUN_DATE's partition."""
    return sorted((out_root(airflow) / "articles" / f"run_date={RUN_DATE}").glob("*.parquet"))


def test_dag_parses_with_the_promised_settings(airflow: Airflow) -> None:
    """It imports without errors and has both tasks, skip on 99, one run at a time, retries."""
    proc = subprocess.run(
        [str(airflow.python), "-c", DAGBAG_PROBE, str(DAGS_FOLDER), DAG_ID],
        capture_output=True,
        text=True,
        env={**airflow.env, "NORMNEWS_RETRIES": "3"},
        timeout=TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["import_errors"] == {}
    assert report["warnings"] == {}
    assert report["task_ids"] == ["check_summary", "run_normnews"]
    assert report["check_upstream"] == ["run_normnews"]
    assert report["skip_on_exit_code"] == [99]
    assert report["max_active_runs"] == 1
    assert report["catchup"] is False
    assert report["retries"] == 3
    assert report["retry_delay_s"] > 0
    assert report["do_xcom_push"] is True
    assert "--run-date" in report["bash_command"]
    assert "--report" in report["bash_command"]


def test_dag_run_publishes_the_run_date_partition(
    airflow: Airflow, first_run: dict[str, str]
) -> None:
    """A dags test run succeeds, checks the summary and writes articles for its logical date."""
    assert first_run == {"run_normnews": "success", "check_summary": "success"}
    parts = article_parts(airflow)
    assert parts, f"no Parquet under {out_root(airflow)}/articles"
    assert sum(read_table(part, columns=["article_id"]).num_rows for part in parts) > 0
    manifests = list((out_root(airflow) / "_runs").glob("*.json"))
    assert manifests, "no run manifest"
    (manifest,) = manifests
    report = manifest.with_suffix(".html")
    assert report.is_file(), "the run's report is kept beside its manifest"
    assert "<svg" in report.read_text(encoding="utf-8")


def test_rerun_with_nothing_new_is_skipped(airflow: Airflow, first_run: dict[str, str]) -> None:
    """A second run of the same date finds nothing new: normnews exits 99, the tasks skip."""
    assert first_run["run_normnews"] == "success"
    before = article_parts(airflow)
    airflow.run("dags", "test", DAG_ID, RUN_DATE, name="dags-test-2")
    assert airflow.task_states("second") == {
        "run_normnews": "skipped",
        "check_summary": "skipped",
    }
    assert article_parts(airflow) == before
