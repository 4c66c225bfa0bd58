"""Runs the way cron and Airflow make them: again and again over a growing directory."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from helpers import near_copy, run_cli, story_text


def _write(folder: Path, name: str, records: list[dict[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(r) + "\n" for r in records)
    (folder / name).write_text(lines, encoding="utf-8")


def _article(story: int, *, copy: int | None = None, title: str | None = None) -> dict[str, str]:
    text = story_text(story)
    if copy is not None:
        text = near_copy(text, copy)
    return {"title": title or f"Story {story}", "text": text, "guid": f"s{story}-c{copy}"}


def _rows(out: Path, dataset: str) -> list[dict[str, object]]:
    folder = out / dataset
    if not folder.exists():
        return []
    return pq.read_table(folder).to_pylist()


def test_three_growing_runs_keep_every_story_once(tmp_path):
    """Across three days with re-sends and near-copies of earlier days, each story is kept once
    and every copy points at the article kept first."""
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src, "day1.jsonl", [_article(s) for s in range(0, 10)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-20").code == 0

    # Day 2: exact re-sends and near-copies of day-1 stories, plus new stories.
    _write(
        src,
        "day2.jsonl",
        [
            _article(1),
            _article(2, copy=1),
            _article(3, copy=2, title="Rewritten headline"),
            *[_article(s) for s in range(10, 15)],
        ],
    )
    second = run_cli("run", src, "--out", out, "--run-date", "2026-11-21")
    assert second.code == 0, second.stderr
    assert second.summary["files"] == 1 and second.summary["files_skipped"] == 1

    # Day 3: copies of both earlier days, a copy within the day, and new stories.
    _write(
        src,
        "day3.jsonl",
        [
            _article(12, copy=5),
            _article(4, copy=6),
            _article(20),
            _article(20, copy=7),
            _article(21),
        ],
    )
    third = run_cli("run", src, "--out", out, "--run-date", "2026-11-22")
    assert third.code == 0, third.stderr

    articles = _rows(out, "articles")
    duplicates = _rows(out, "duplicates")
    kept_titles = sorted(str(a["title"]) for a in articles)
    assert len(articles) == 17  # stories 0-14, 20, 21
    assert len({a["article_id"] for a in articles}) == len(articles)
    assert len(duplicates) == 6
    kept_ids = {a["article_id"]: a for a in articles}
    for dup in duplicates:
        original = kept_ids[dup["duplicate_of"]]
        assert str(original["run_date"]) <= str(dup["run_date"])
    by_day: dict[str, list[str]] = {}
    for d in duplicates:
        by_day.setdefault(str(d["run_date"]), []).append(str(d["method"]))
    assert sorted(by_day["2026-11-21"]) == ["exact", "near", "near"]  # re-send, 2 near-copies
    assert sorted(by_day["2026-11-22"]) == ["near", "near", "near"]
    assert "Rewritten headline" not in kept_titles
    # Nothing new on a fourth run.
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-23").code == 99


def test_hourly_runs_on_one_date_dedup_against_each_other(tmp_path):
    """Two runs with the same run_date add parts to the same partition, and the second removes
    copies of what the first kept."""
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src, "08h.jsonl", [_article(s) for s in range(5)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-24").code == 0
    _write(src, "09h.jsonl", [_article(0, copy=3), _article(1), _article(7)])
    second = run_cli("run", src, "--out", out, "--run-date", "2026-11-24")
    assert second.code == 0, second.stderr
    assert second.summary["articles"] == 1 and second.summary["duplicates"] == 2
    parts = sorted((out / "articles" / "run_date=2026-11-24").glob("*.parquet"))
    assert len(parts) == 2
    assert len(_rows(out, "articles")) == 6

    # Compacting the history merges the two runs' parts without changing what it holds.
    before = json.loads(run_cli("index", "stats", "--out", out).stdout)
    assert run_cli("index", "compact", "--out", out).code == 0
    after = json.loads(run_cli("index", "stats", "--out", out).stdout)
    assert after["rows"] == before["rows"] == 6
    assert [p["files"] for p in after["partitions"]] == [1]
    _write(src, "10h.jsonl", [_article(7, copy=4)])
    third = run_cli("run", src, "--out", out, "--run-date", "2026-11-24")
    assert third.summary["duplicates"] == 1, third.stderr


def test_reprocessing_a_date_replaces_it_without_a_second_copy(tmp_path):
    """--reprocess rebuilds the run date: the partition holds one copy of each article."""
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src, "a.jsonl", [_article(s) for s in range(4)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-24").code == 0
    _write(src, "b.jsonl", [_article(9)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-24").code == 0
    again = run_cli("run", src, "--out", out, "--run-date", "2026-11-24", "--reprocess")
    assert again.code == 0, again.stderr
    articles = _rows(out, "articles")
    assert len(articles) == 5
    assert len(list((out / "articles" / "run_date=2026-11-24").glob("*.parquet"))) == 1


def test_backfilling_an_earlier_date_does_not_see_later_history(tmp_path):
    """Run D dedups only against history before D: a backfill of an earlier day keeps its own
    articles even if a later day already kept copies of them."""
    later_src, early_src, out = tmp_path / "later", tmp_path / "early", tmp_path / "out"
    _write(later_src, "x.jsonl", [_article(1), _article(2)])
    assert run_cli("run", later_src, "--out", out, "--run-date", "2026-11-24").code == 0
    _write(early_src, "y.jsonl", [_article(1, copy=1), _article(3)])
    back = run_cli("run", early_src, "--out", out, "--run-date", "2026-11-01")
    assert back.code == 0, back.stderr
    assert back.summary["articles"] == 2 and back.summary["duplicates"] == 0


def test_a_changed_history_setting_refuses_to_run(tmp_path):
    """A history built with other dedup settings is never used silently: exit 2, with the fix."""
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src, "a.jsonl", [_article(1)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-20").code == 0
    _write(src, "b.jsonl", [_article(2)])
    cfg = tmp_path / "normnews.toml"
    cfg.write_text("[dedup]\nnum_perm = 64\n")
    result = run_cli("run", src, "--out", out, "--run-date", "2026-11-21", "--config", cfg)
    assert result.code == 2
    assert "index rebuild" in result.summary["message"]
    rebuilt = run_cli("index", "rebuild", "--out", out, "--config", cfg)
    assert rebuilt.code == 0, rebuilt.stderr
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-21", "--config", cfg).code == 0
    stats = json.loads(run_cli("index", "stats", "--out", out).stdout)
    assert stats["rows"] == 2
    assert stats["header"]["num_perm"] in (64, "64")


def test_a_history_from_the_xxh32_version_is_refused_until_rebuilt(tmp_path):
    """Upgrading: a history whose header names the earlier shingle hash (xxh32) is refused with
    exit 2 and the rebuild command; after `index rebuild` the nightly run goes on."""
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src, "a.jsonl", [_article(1)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-20").code == 0
    header_path = out / "_state" / "history" / "_header.json"
    header = json.loads(header_path.read_text())
    header["shingle_hash"] = "xxh32(seed=0)"
    header_path.write_text(json.dumps(header))
    _write(src, "b.jsonl", [_article(2), _article(1, copy=1)])
    refused = run_cli("run", src, "--out", out, "--run-date", "2026-11-21")
    assert refused.code == 2 and "index rebuild" in refused.summary["message"]
    assert run_cli("index", "rebuild", "--out", out).code == 0
    after = run_cli("run", src, "--out", out, "--run-date", "2026-11-21")
    assert after.code == 0, after.stderr
    assert after.summary["articles"] == 1 and after.summary["duplicates"] == 1


def test_reprocessing_without_dedup_leaves_no_stale_history(tmp_path):
    """Rebuilding a day with dedup off also replaces that day's history: a story the rebuilt
    day no longer has is not a phantom original for later days."""
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src, "a.jsonl", [_article(0)])
    _write(src, "b.jsonl", [_article(1)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-20").code == 0
    (src / "a.jsonl").unlink()
    rebuilt = run_cli(
        "run", src, "--out", out, "--run-date", "2026-11-20", "--reprocess", "--no-dedup"
    )
    assert rebuilt.code == 0, rebuilt.stderr
    _write(src, "c.jsonl", [_article(0, copy=9)])
    later = run_cli("run", src, "--out", out, "--run-date", "2026-11-21")
    assert later.code == 0, later.stderr
    assert later.summary["articles"] == 1 and later.summary["duplicates"] == 0


def test_a_rewritten_file_gets_new_ids(tmp_path):
    """A file rewritten under the same name with other content: its records get new ids, so
    two different articles never share an article_id."""
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src, "feed.jsonl", [_article(0)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-20").code == 0
    _write(src, "feed.jsonl", [_article(5)])
    assert run_cli("run", src, "--out", out, "--run-date", "2026-11-21").code == 0
    ids = [a["article_id"] for a in _rows(out, "articles")]
    assert len(ids) == 2 and len(set(ids)) == 2
