"""The worker side of a run: one parked batch in, articles to scratch, the rest returned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from normnews.config import load_config
from normnews.model import Article, RawRecord, Reject
from normnews.process import WorkerSetup, init_worker, process_batch
from normnews.schema import iter_ipc_windows, read_ipc
from normnews.scratch import park, write_articles

BODY = "The council approved the plan on Tuesday. Work starts in March next year."


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    init_worker(WorkerSetup(load_config(None, input_dir=tmp_path, out_dir=tmp_path / "out")))
    return tmp_path


def test_a_batch_keeps_input_order_and_removes_its_raw_file(worker: Path):
    """It returns readers' rejects and its own (empty after cleaning) in input order, writes
    the articles in input order, and deletes the raw batch file it read."""
    items = [
        RawRecord("a.jsonl", 0, "One", BODY),
        Reject("a.jsonl", 1, "bad_json", "line 2 column 1: Expecting value"),
        RawRecord("a.jsonl", 2, "Empty", "Leave a Reply"),
        RawRecord("a.jsonl", 3, "Two", BODY.replace("March", "April")),
    ]
    batch = park(items, worker, seq=3)
    result = process_batch(batch)
    assert not Path(batch.path).exists()
    assert [(r.record, r.reason) for r in result.rejects] == [
        (1, "bad_json"),
        (2, "empty_after_cleaning"),
    ]
    assert result.articles_path is not None
    table = read_ipc(Path(result.articles_path))
    assert table.column("record").to_pylist() == [0, 3]
    assert table.column("article_id").to_pylist() == result.article_ids
    assert result.signatures.shape == (2, 128) and len(result.exact_keys) == 2


def test_a_batch_with_no_article_writes_no_file(worker: Path):
    """It writes nothing when every item of the batch is rejected."""
    batch = park([Reject("b.jsonl", None, "unreadable", "permission denied")], worker, seq=0)
    result = process_batch(batch)
    assert result.articles_path is None and [r.reason for r in result.rejects] == ["unreadable"]


def test_scratch_articles_round_trip_and_cut_into_fixed_windows(tmp_path: Path):
    """It keeps exact keys above 2**63 and times before 1970 to the microsecond, and reads
    several files back as windows of exactly the asked size whatever the files' sizes."""

    def article(i: int) -> Article:
        return Article(f"id{i}", "s", i, "T", "x", None, None, None, "utf-8", [])

    paths = []
    start = 0
    for part, n in enumerate((3, 0, 5, 1)):
        path = tmp_path / f"articles-{part}.arrow"
        when = datetime(1969, 7, 20, 20, 17, 40, 123456, tzinfo=UTC)
        micros = (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        arts = [article(i) for i in range(start, start + n)]
        write_articles(arts, [2**64 - 1 - i for i in range(n)], [micros] * n, path)
        paths.append(path)
        start += n
    windows = list(iter_ipc_windows(paths, 4))
    assert [w.num_rows for w in windows] == [4, 4, 1]
    rows = [r for w in windows for r in w.to_pylist()]
    assert [r["record"] for r in rows] == list(range(9))
    assert rows[0]["exact_key"] == 2**64 - 1
    assert rows[0]["published"] == datetime(1969, 7, 20, 20, 17, 40, 123456, tzinfo=UTC)


def test_a_record_without_a_title_gets_a_null_title(worker: Path):
    """No title in the input (or only whitespace) is written as null, never as ``""``."""
    items = [
        RawRecord("t.jsonl", 0, None, BODY),
        RawRecord("t.jsonl", 1, "   ", BODY.replace("March", "May")),
        RawRecord("t.jsonl", 2, "Plan approved", BODY.replace("March", "June")),
    ]
    result = process_batch(park(items, worker, seq=0))
    assert result.articles_path is not None
    titles = read_ipc(Path(result.articles_path)).column("title").to_pylist()
    assert titles == [None, None, "Plan approved"]
