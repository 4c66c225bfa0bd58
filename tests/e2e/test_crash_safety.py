"""SIGKILL a real ``normnews run`` inside each stage; the next run must finish the job, and the
output must equal that of a run that was never interrupted."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest

from helpers import PUBLISH_POINTS, STAGES, near_copy, run_cli, story_text

DAY = "2026-11-24"


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough articles (about 1,200 in 6 files) that each stage takes a moment."""
    src = tmp_path_factory.mktemp("crash-in")
    n = 0
    for f in range(6):
        with (src / f"feed-{f:02d}.jsonl").open("w", encoding="utf-8") as fh:
            for _ in range(200):
                story = n if n % 7 else n - 3  # every 7th article copies an earlier story
                text = story_text(story) if n % 7 else near_copy(story_text(story), n)
                fh.write(json.dumps({"title": f"Story {n}", "text": text}) + "\n")
                n += 1
    return src


@pytest.fixture(scope="module")
def reference(big_input: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of an uninterrupted run."""
    out = tmp_path_factory.mktemp("crash-ref") / "out"
    result = run_cli("run", big_input, "--out", out, "--run-date", DAY, "--workers", "2")
    assert result.code == 0, result.stderr
    return out


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every published data and state file with its bytes (manifests hold timings: left out)."""
    files = {}
    for path in sorted(out.rglob("*.parquet")):
        rel = path.relative_to(out)
        if rel.parts[0].startswith("."):
            continue
        files[rel.as_posix()] = path.read_bytes()
    return files


def _assert_no_partial_files(out: Path) -> None:
    """Whatever is visible to readers right after a crash is complete, readable Parquet."""
    for path in out.rglob("*.parquet"):
        if any(part.startswith(".") for part in path.relative_to(out).parts):
            continue
        pq.read_table(path)  # a half-written file would fail here


def _kill_in_stage(src: Path, out: Path, stage: str, rng: random.Random) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "normnews",
            "run",
            str(src),
            "--out",
            str(out),
            "--run-date",
            DAY,
            "--workers",
            "2",
            "--log-format",
            "json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if json.loads(line).get("msg") == f"stage {stage}":
            time.sleep(rng.uniform(0.0, 0.25))
            break
        assert time.monotonic() < deadline
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    # Orphaned pool workers notice the dead parent and exit on their own (the lock does not
    # depend on them: POSIX record locks are not inherited).
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers outlived their killed parent: {alive}"


@pytest.mark.slow
@pytest.mark.parametrize("stage", STAGES)
def test_a_kill_inside_any_stage_is_finished_by_the_next_run(stage, big_input, reference, tmp_path):
    """Killed at a random moment after a stage starts, then rerun: the same output as a run
    that was never interrupted, nothing lost and nothing twice."""
    rng = random.Random(f"{stage}-{os.getpid()}")
    for trial in range(2):
        out = tmp_path / f"out-{trial}"
        _kill_in_stage(big_input, out, stage, rng)
        _assert_no_partial_files(out)
        again = run_cli("run", big_input, "--out", out, "--run-date", DAY, "--workers", "2")
        assert again.code in (0, 99), again.stderr
        assert _snapshot(out) == _snapshot(reference)
        assert not list(out.glob(".staging-*")) and not list(out.glob(".trash-*"))
        assert list((out / "_runs").glob("*.json"))


@pytest.mark.slow
@pytest.mark.parametrize("point", PUBLISH_POINTS)
def test_a_kill_between_two_renames_of_a_publish_is_rolled_forward(
    point, big_input, reference, tmp_path
):
    """A crash in the middle of publishing (between two renames) is finished by the next run:
    the journal is rolled forward, and that run then has nothing new to do."""
    out = tmp_path / "out"
    env = {"NORMNEWS_FAILPOINTS": point}
    crashed = run_cli("run", big_input, "--out", out, "--run-date", DAY, "--workers", "2", env=env)
    assert crashed.code == -signal.SIGKILL
    _assert_no_partial_files(out)
    again = run_cli("run", big_input, "--out", out, "--run-date", DAY, "--workers", "2")
    assert again.code in (0, 99), again.stderr
    assert _snapshot(out) == _snapshot(reference)


@pytest.mark.slow
def test_a_kill_while_replacing_a_day_keeps_old_or_new(big_input, reference, tmp_path):
    """--reprocess replaces whole partitions; killed between two of those moves, the next run
    completes it: the day ends up exactly as an uninterrupted run over the new input leaves it,
    with none of the old day's parts mixed in."""
    src = tmp_path / "in"
    shutil.copytree(big_input, src)
    held_back = sorted(src.glob("*.jsonl"))[-1]
    kept_aside = held_back.read_bytes()
    held_back.unlink()
    out = tmp_path / "out"
    assert run_cli("run", src, "--out", out, "--run-date", DAY).code == 0
    old = _snapshot(out)
    held_back.write_bytes(kept_aside)
    shutil.copystat(big_input / held_back.name, held_back)
    env = {"NORMNEWS_FAILPOINTS": "publish.aside:2"}
    crashed = run_cli("run", src, "--out", out, "--run-date", DAY, "--reprocess", env=env)
    assert crashed.code == -signal.SIGKILL
    assert run_cli("run", src, "--out", out, "--run-date", DAY).code in (0, 99)
    final = _snapshot(out)
    assert final != old
    assert final == _snapshot(reference)


@pytest.mark.slow
@pytest.mark.parametrize(
    "point", ["publish.move:1:raise", "publish.move:3:raise", "publish.manifest:1:raise"]
)
def test_an_error_in_the_middle_of_a_publish_loses_nothing(point, big_input, reference, tmp_path):
    """An error the process survives (a full disk) half-way through a publish: the run fails
    with exit 74 (environment), keeps its staged data for the journal, and the next run
    completes it."""
    out = tmp_path / "out"
    env = {"NORMNEWS_FAILPOINTS": point}
    failed = run_cli("run", big_input, "--out", out, "--run-date", DAY, env=env)
    assert failed.code == 74, failed.stderr
    assert "no space left" in failed.summary["message"]
    again = run_cli("run", big_input, "--out", out, "--run-date", DAY)
    assert again.code in (0, 99), again.stderr
    assert _snapshot(out) == _snapshot(reference)
    assert not list(out.glob(".staging-*")) and not list(out.glob(".trash-*"))
