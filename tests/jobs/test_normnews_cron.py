"""jobs/normnews-cron.sh for real: the normnews CLI on data/sample, exit codes mapped for cron."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from normnews.schema import read_table
from normnews.state import RunLock

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = ROOT / "jobs" / "normnews-cron.sh"
CRONTAB = ROOT / "jobs" / "crontab"
RUN_DATE = "2026-11-24"

pytestmark = pytest.mark.slow


@dataclass
class Finished:
    """A finished wrapper process."""

    code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def normnews_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An executable running this checkout's CLI (``python -m normnews``), as NORMNEWS_BIN."""
    shim = tmp_path_factory.mktemp("bin") / "normnews"
    pythonpath = f'PYTHONPATH="{ROOT / "src"}${{PYTHONPATH:+:$PYTHONPATH}}"'
    shim.write_text(f'#!/bin/sh\nexport {pythonpath}\nexec "{sys.executable}" -m normnews "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    return shim


def run_wrapper(env: dict[str, str], *args: str) -> Finished:
    """Run jobs/normnews-cron.sh with ``env`` on top of a copy of this process' environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("NORMNEWS_")}
    proc = subprocess.run(
        ["bash", str(WRAPPER), *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=300,
        check=False,
    )
    return Finished(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cron_env(normnews_bin: Path, sample_dir: Path, tmp_path: Path) -> dict[str, str]:
    """The environment jobs/crontab sets, pointed at data/sample and a fresh output root."""
    return {
        "NORMNEWS_BIN": str(normnews_bin),
        "NORMNEWS_INPUT": str(sample_dir),
        "NORMNEWS_OUT": str(tmp_path / "out"),
        "NORMNEWS_RUN_DATE": RUN_DATE,
    }


def parquet_parts(out: Path) -> list[Path]:
    """The article Parquet files of RUN_DATE's partition."""
    return sorted((out / "articles" / f"run_date={RUN_DATE}").glob("*.parquet"))


def test_first_run_publishes_the_partition(cron_env: dict[str, str]) -> None:
    """It runs normnews on the sample, exits 0 and publishes articles for the run date."""
    done = run_wrapper(cron_env)
    assert done.code == 0, done.stderr
    out = Path(cron_env["NORMNEWS_OUT"])
    parts = parquet_parts(out)
    assert parts, f"no articles under {out}; stderr:\n{done.stderr}"
    assert sum(read_table(part, columns=["article_id"]).num_rows for part in parts) > 0
    assert list((out / "_runs").glob("*.json")), "no run manifest"
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["status"] == "ok"
    assert summary["run_date"] == RUN_DATE


def test_second_run_with_nothing_new_is_a_success(cron_env: dict[str, str]) -> None:
    """It maps normnews' exit 99 (nothing new to do) to 0 and publishes nothing more."""
    assert run_wrapper(cron_env).code == 0
    out = Path(cron_env["NORMNEWS_OUT"])
    before = parquet_parts(out)
    again = run_wrapper(cron_env)
    assert again.code == 0, again.stderr
    assert "normnews exit 99" in again.stderr
    assert json.loads(again.stdout.strip().splitlines()[-1])["status"] == "nothing_to_do"
    assert parquet_parts(out) == before


def test_a_busy_output_root_is_a_success(cron_env: dict[str, str]) -> None:
    """It maps normnews' exit 75 (another run holds the lock) to 0 and writes nothing."""
    out = Path(cron_env["NORMNEWS_OUT"])
    with RunLock(out):
        busy = run_wrapper(cron_env)
    assert busy.code == 0, busy.stderr
    assert "normnews exit 75" in busy.stderr
    assert not parquet_parts(out)


def test_failures_pass_through(cron_env: dict[str, str], tmp_path: Path) -> None:
    """It passes normnews' other exit codes through: a missing input directory stays 2."""
    done = run_wrapper({**cron_env, "NORMNEWS_INPUT": str(tmp_path / "no-such-dir")})
    assert done.code == 2, done.stderr
    assert "normnews exit" not in done.stderr


def test_extra_arguments_reach_normnews(cron_env: dict[str, str]) -> None:
    """It passes its own arguments on to ``normnews run`` (a bad flag is a usage error)."""
    done = run_wrapper(cron_env, "--no-such-flag")
    assert done.code == 2
    assert "--no-such-flag" in done.stderr


def test_missing_settings_are_a_usage_error(cron_env: dict[str, str]) -> None:
    """It refuses to run without NORMNEWS_INPUT and NORMNEWS_OUT, with exit 2 and the fix."""
    env = {k: v for k, v in cron_env.items() if k != "NORMNEWS_OUT"}
    done = run_wrapper(env)
    assert done.code == 2
    assert "NORMNEWS_OUT" in done.stderr


def test_run_date_defaults_to_today_in_utc(cron_env: dict[str, str]) -> None:
    """Without NORMNEWS_RUN_DATE it writes the partition of the current UTC day."""
    env = {k: v for k, v in cron_env.items() if k != "NORMNEWS_RUN_DATE"}
    before = datetime.now(UTC).date().isoformat()
    done = run_wrapper(env)
    after = datetime.now(UTC).date().isoformat()
    assert done.code == 0, done.stderr
    # A run that straddles midnight may pick either day.
    assert json.loads(done.stdout.strip().splitlines()[-1])["run_date"] in {before, after}


def test_crontab_runs_the_wrapper_hourly() -> None:
    """The example crontab has one active entry: the wrapper, hourly, stdout and stderr kept."""
    entries = [
        line
        for line in CRONTAB.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#") and "=" not in line.split()[0]
    ]
    assert len(entries) == 1, entries
    minute, hour, dom, month, dow, *command = entries[0].split()
    assert (hour, dom, month, dow) == ("*", "*", "*", "*") and minute.isdigit()
    assert command[0].endswith("jobs/normnews-cron.sh")
    assert any(part.startswith(">>") for part in command)
    assert any(part.startswith("2>>") for part in command)
