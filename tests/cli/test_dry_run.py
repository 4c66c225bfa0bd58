"""`normnews run --dry-run` lists what a run would read, reprocess and skip, writes nothing and
takes no lock."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import SAMPLE, run_cli
from normnews.state import RunLock

DAY = "2026-11-24"
SAMPLE_FILES = 10


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def _listed(stdout: str, verb: str) -> list[str]:
    prefix = f"would {verb}: "
    return [line[len(prefix) :] for line in stdout.splitlines() if line.startswith(prefix)]


def test_first_dry_run_lists_every_file_and_creates_nothing(tmp_path):
    """Before any run every input file would be read; OUT is not even created."""
    out = tmp_path / "out"
    done = run_cli("run", SAMPLE, "--out", out, "--dry-run")
    assert done.code == 0
    assert done.summary == {
        "status": "dry_run",
        "out": str(out),
        "would_read": SAMPLE_FILES,
        "would_reprocess": 0,
        "would_skip": 0,
    }
    assert "wire/central-bank-holds.txt" in _listed(done.stdout, "read")
    assert not out.exists()


def test_dry_run_after_a_run_agrees_with_the_next_run(tmp_path):
    """After a run, a changed file would be reprocessed, a new one read, the rest skipped; the
    dry run writes nothing, and the run that follows processes exactly those files."""
    data = tmp_path / "in"
    shutil.copytree(SAMPLE, data)
    out = tmp_path / "out"
    assert run_cli("run", data, "--out", out, "--run-date", DAY).code == 0
    (data / "wire" / "central-bank-holds.txt").write_text(
        "Central bank holds\n\nThe central bank held its rate at 3.5 percent on Thursday.\n"
    )
    (data / "blog" / "new-pier.txt").write_text(
        "New pier opens\n\nThe new pier opened to walkers on Saturday morning.\n"
    )
    before = _tree(out)
    done = run_cli("run", data, "--out", out, "--dry-run", "--run-date", "2026-11-25")
    assert _tree(out) == before, "a dry run must write nothing"
    assert _listed(done.stdout, "read") == ["blog/new-pier.txt"]
    assert _listed(done.stdout, "reprocess") == ["wire/central-bank-holds.txt"]
    assert done.summary["would_skip"] == SAMPLE_FILES - 1
    real = run_cli("run", data, "--out", out, "--run-date", "2026-11-25")
    assert real.summary["files"] == 2 and real.summary["files_skipped"] == SAMPLE_FILES - 1


def test_dry_run_with_nothing_new_and_with_reprocess(tmp_path):
    """Nothing new: everything skipped and the listing says a run would exit 99. With
    --reprocess, the run date's files would all be reprocessed."""
    out = tmp_path / "out"
    assert run_cli("run", SAMPLE, "--out", out, "--run-date", DAY).code == 0
    idle = run_cli("run", SAMPLE, "--out", out, "--run-date", DAY, "--dry-run")
    assert idle.summary["would_skip"] == SAMPLE_FILES and idle.summary["would_read"] == 0
    assert "the run would exit 99" in idle.stdout
    again = run_cli("run", SAMPLE, "--out", out, "--run-date", DAY, "--dry-run", "--reprocess")
    assert again.summary["would_reprocess"] == SAMPLE_FILES


def test_dry_run_takes_no_lock(tmp_path):
    """While another run holds the lock, a dry run still answers, and says a run may hold it."""
    out = tmp_path / "out"
    out.mkdir()
    with RunLock(out):
        done = run_cli("run", SAMPLE, "--out", out, "--dry-run")
    assert done.code == 0 and done.summary["status"] == "dry_run"
    assert "a run may hold the lock now (pid " in done.stdout
