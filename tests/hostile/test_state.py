"""Broken or tampered state under OUT: ledger, publish journal, state Parquet, the lock."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import run_cli
from normnews import pipeline
from normnews.errors import AlreadyPublished, NothingToDo, StateCorrupt
from normnews.state import RunLock

from .common import DAY, counts, feed_lines, published_bytes, rows, run_job


@pytest.mark.slow
def test_rerun_after_the_ledger_is_deleted_destroys_nothing(tmp_path: Path):
    """Item 1, with a real rerun: the same day rerun without its ledger refuses (exit 74) and
    leaves every published byte as it was; ``--reprocess`` then rebuilds the day with the same
    articles, and no article is ever a duplicate of itself."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "feed.jsonl").write_text(feed_lines(40), encoding="utf-8")
    first = run_cli("run", inp, "--out", out, "--run-date", DAY, "--workers", "1")
    assert first.code == 0, first.stderr
    before = published_bytes(out)
    articles = sorted(r["article_id"] for r in rows(out, "articles"))
    assert len(articles) == 40

    shutil.rmtree(out / "_state" / "ledger")
    again = run_cli("run", inp, "--out", out, "--run-date", DAY, "--workers", "1")
    assert again.code == 74, again.stderr
    assert "--reprocess" in again.summary["message"]
    assert {k: v for k, v in published_bytes(out).items() if "_state/ledger" not in k} == {
        k: v for k, v in before.items() if "_state/ledger" not in k
    }

    rebuilt = run_cli("run", inp, "--out", out, "--run-date", DAY, "--workers", "1", "--reprocess")
    assert rebuilt.code == 0, rebuilt.stderr
    assert sorted(r["article_id"] for r in rows(out, "articles")) == articles
    assert not [d for d in rows(out, "duplicates") if d["article_id"] == d["duplicate_of"]]


def test_input_published_by_a_run_the_ledger_lost_is_refused_on_any_day(tmp_path: Path):
    """With the ledger gone, a run on a later day would publish the same articles again: it
    refuses (AlreadyPublished, exit 74) and names the day to rebuild; rebuilding that day with
    ``--reprocess`` gives back the same articles, once."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "feed.jsonl").write_text(feed_lines(30), encoding="utf-8")
    run_job(inp, out)
    first = sorted(r["article_id"] for r in rows(out, "articles"))
    shutil.rmtree(out / "_state" / "ledger")
    with pytest.raises(AlreadyPublished, match=f"--reprocess --run-date {DAY}"):
        run_job(inp, out, day="2026-01-02")
    assert AlreadyPublished.exit_code == 74
    run_job(inp, out, reprocess=True)
    assert sorted(r["article_id"] for r in rows(out, "articles")) == first
    with pytest.raises(NothingToDo):
        run_job(inp, out, day="2026-01-02")


def test_an_article_is_never_a_duplicate_of_itself(tmp_path: Path):
    """With ledger and manifests both gone, only the history still holds the articles: a run
    on a later day meets its own records there and keeps them (nothing says they were
    published), never writing a duplicate row that points at itself."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "feed.jsonl").write_text(feed_lines(30), encoding="utf-8")
    run_job(inp, out)
    shutil.rmtree(out / "_state" / "ledger")
    shutil.rmtree(out / "_runs")
    result = run_job(inp, out, day="2026-01-02")
    assert result.counts["records_in"] == 30
    assert not [d for d in rows(out, "duplicates") if d["article_id"] == d["duplicate_of"]]
    found = counts(out)
    assert found["articles"] + found["duplicates"] + found["rejects"] == 60


def test_a_file_deleted_after_planning_is_not_recorded_as_processed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Item 3: a file removed between planning and reading is one ``unreadable`` reject and is
    not in the ledger; when it comes back, the next run reads its records."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(5), encoding="utf-8")
    (inp / "b.jsonl").write_text(feed_lines(5, start=100), encoding="utf-8")
    real_plan = pipeline._plan

    def plan_then_delete(*args: object, **kwargs: object) -> pipeline._Plan:
        planned = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        (inp / "b.jsonl").rename(tmp_path / "b.jsonl")  # a real file, really gone
        return planned

    monkeypatch.setattr(pipeline, "_plan", plan_then_delete)
    run_job(inp, out)
    monkeypatch.undo()
    rejects = rows(out, "rejects")
    assert [(r["source"], r["reason"]) for r in rejects] == [("b.jsonl", "unreadable")]
    ledger = rows(out, "_state/ledger")
    assert [r["relpath"] for r in ledger] == ["a.jsonl"]

    (tmp_path / "b.jsonl").rename(inp / "b.jsonl")
    result = run_job(inp, out, day="2026-01-02")
    assert result.counts["articles"] == 5
    assert {r["source"] for r in rows(out, "articles")} == {"a.jsonl", "b.jsonl"}


def test_content_edited_with_the_same_size_and_mtime_is_seen(tmp_path: Path):
    """Item 5: change detection reads the content, so an edit that keeps size and mtime
    (``touch -r``) is processed, not skipped as done."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    path = inp / "a.jsonl"
    path.write_text(feed_lines(3), encoding="utf-8")
    run_job(inp, out)
    st = path.stat()
    original = path.read_text(encoding="utf-8")
    edited = original.replace("Story 0", "Story X").replace("Story 1", "Story Y")
    assert edited != original and len(edited) == st.st_size
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns and path.stat().st_size == st.st_size
    result = run_job(inp, out, day="2026-01-02")
    assert result.counts["records_in"] == 3


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me", encoding="utf-8")
    return victim


@pytest.mark.parametrize(
    "journal",
    [
        {
            "staging": "../../victim",
            "moves": ["articles"],
            "manifest": "_runs/x.json",
            "manifest_bytes": "{}",
        },
        {
            "staging": ".staging-20260101-0123456789ab",
            "moves": ["../victim"],
            "manifest": "_runs/20260101-0123456789ab.json",
            "manifest_bytes": "{}",
        },
        {
            "staging": ".staging-20260101-0123456789ab",
            "moves": ["articles"],
            "manifest": "../victim/x.json",
            "manifest_bytes": "{}",
        },
        {},
        [],
    ],
    ids=["staging-escapes", "move-escapes", "manifest-escapes", "empty-object", "not-object"],
)
def test_a_crafted_publish_journal_is_refused(tmp_path: Path, journal: object):
    """Item 9: a journal naming paths outside OUT, or missing keys, stops the run with a
    StateCorrupt naming the journal; nothing outside OUT is deleted or written."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(2), encoding="utf-8")
    victim = _victim(tmp_path)
    (out / "_state").mkdir(parents=True)
    journal_path = out / "_state" / "publish-journal.json"
    journal_path.write_text(json.dumps(journal), encoding="utf-8")
    outside = [tmp_path, inp, victim]
    before = sorted(p for folder in outside for p in folder.iterdir())
    with pytest.raises(StateCorrupt, match=r"publish-journal\.json"):
        run_job(inp, out)
    assert (victim / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p for folder in outside for p in folder.iterdir()) == before
    assert journal_path.exists()  # kept for the operator to look at
    assert not (out / "articles").exists()


@pytest.mark.slow
def test_a_crafted_journal_exits_74_with_the_path(tmp_path: Path):
    """Item 9 at the CLI: exit 74 (not 0, not a KeyError's 1), the message names the file."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(2), encoding="utf-8")
    (out / "_state").mkdir(parents=True)
    (out / "_state" / "publish-journal.json").write_text("{}", encoding="utf-8")
    result = run_cli("run", inp, "--out", out, "--run-date", DAY, "--workers", "1")
    assert result.code == 74, result.stderr
    assert "publish-journal.json" in result.summary["message"]


@pytest.mark.parametrize("part", ["ledger", "history", "lines"])
def test_corrupt_state_parquet_is_an_environment_error_naming_the_file(tmp_path: Path, part: str):
    """Item 12: a truncated state part stops the next run with StateCorrupt (exit 74) whose
    message names the damaged file and the fix; nothing is published."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(3), encoding="utf-8")
    run_job(inp, out)
    (damaged,) = (out / "_state" / part).rglob("*.parquet")
    damaged.write_bytes(damaged.read_bytes()[:-20])
    (inp / "b.jsonl").write_text(feed_lines(3, start=10), encoding="utf-8")
    with pytest.raises(StateCorrupt) as caught:
        run_job(inp, out, day="2026-01-02")
    assert str(damaged) in str(caught.value)
    assert "--reprocess" in str(caught.value)
    assert StateCorrupt.exit_code == 74
    assert not (out / "articles" / "run_date=2026-01-02").exists()


def test_deleting_the_lock_file_does_not_let_a_second_run_in(tmp_path: Path):
    """Item 13: while a run holds OUT, removing ``_state/lock`` does not free it: the output
    root itself is locked, so a second run is refused (LockHeld, exit 75)."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(2), encoding="utf-8")
    out.mkdir()
    with RunLock(out) as lock:
        lock.path.unlink()
        result = run_cli("run", inp, "--out", out, "--run-date", DAY, "--workers", "1")
    assert result.code == 75, result.stderr
    assert not (out / "articles").exists()


def test_a_second_run_is_refused_unless_reprocess(tmp_path: Path):
    """A run whose id already has a manifest (ledger restored from an older copy) refuses with
    AlreadyPublished; nothing to do stays exit 99 when the ledger is intact."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(3), encoding="utf-8")
    run_job(inp, out)
    with pytest.raises(NothingToDo):
        run_job(inp, out)
    shutil.rmtree(out / "_state" / "ledger")
    with pytest.raises(AlreadyPublished):
        run_job(inp, out)
    assert run_job(inp, out, reprocess=True).counts["articles"] == 3


def test_a_file_dropped_by_a_rebuild_and_back_is_not_refused(tmp_path: Path):
    """The runs a ``--reprocess`` replaced have manifests but no ledger part; they do not make
    a later run refuse a file that the rebuild left out and that came back unchanged."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(3), encoding="utf-8")
    (inp / "b.jsonl").write_text(feed_lines(3, start=10), encoding="utf-8")
    run_job(inp, out)
    (inp / "b.jsonl").rename(tmp_path / "b.jsonl")
    run_job(inp, out, reprocess=True)
    (tmp_path / "b.jsonl").rename(inp / "b.jsonl")
    result = run_job(inp, out)
    assert result.counts["articles"] == 3
    assert len(rows(out, "articles")) == 6


def test_a_file_that_stays_unopenable_does_not_block_later_runs_of_the_day(tmp_path: Path):
    """A dangling link is never recorded as processed, so every run of the day tries it again
    and rejects it again. Its run id repeats once it is the only input left, and its manifest
    is published, but the ledger still holds that run's part: the ledger lost nothing, so the
    rerun is no AlreadyPublished (exit 74) and the reject stays counted once."""
    inp, out = tmp_path / "in", tmp_path / "o"
    inp.mkdir()
    (inp / "a.jsonl").write_text(feed_lines(3), encoding="utf-8")
    (inp / "dangling.jsonl").symlink_to("missing.jsonl")
    run_job(inp, out, max_error_rate=1.0)
    second = run_job(inp, out, max_error_rate=1.0)
    third = run_job(inp, out, max_error_rate=1.0)
    assert third.run_id == second.run_id
    assert third.counts["rejects"] == 1
    assert counts(out) == {"articles": 3, "duplicates": 0, "rejects": 2}
    assert [r["reason"] for r in rows(out, "rejects")] == ["unreadable", "unreadable"]
