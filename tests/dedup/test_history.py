"""History index: as-of semantics, header checks, probing and compaction."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from dedup.dedup_helpers import article, edit_words, run_dedup
from normnews.config import DedupConfig
from normnews.dedup import (
    Deduper,
    EvidenceMaker,
    HistoryIndex,
    Signer,
    compact,
    exact_key,
    rebuild_partition_from_texts,
    stats,
    write_partition,
)
from normnews.dedup.evidence import FLAG_CORRECTION, FLAGS, WIDTH
from normnews.errors import StateCorrupt, StateMismatch

D1, D2, D3 = date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)


def _write(state, day, ids, texts, cfg):
    signer = Signer(cfg)
    rows = np.concatenate(
        [signer.signatures(texts), EvidenceMaker(cfg).rows([None] * len(texts), texts)], 1
    )
    return write_partition(state, day, ids, [exact_key(t) for t in texts], rows, cfg)


def test_new_copies_of_history_articles_are_removed(tmp_path):
    """It removes exact and near copies of articles kept by an earlier run, pointing to them."""
    cfg = DedupConfig()
    old = [article(10 + i) for i in range(5)]
    _write(tmp_path, D1, [f"h{i}" for i in range(5)], old, cfg)
    history = HistoryIndex.open(tmp_path, cfg, before=D2)
    new = [old[0], edit_words(old[1], 3, 3), article(99)]
    out = run_dedup(new, cfg, history=history, published=[None, 1, 2])
    assert out[0].duplicate_of == "h0" and out[0].method == "exact"
    assert out[1].duplicate_of == "h1" and out[1].method == "near"
    assert 2 not in out


def test_history_wins_over_an_earlier_published_new_article(tmp_path):
    """It keeps the history article even when the new copy claims an earlier date."""
    cfg = DedupConfig()
    old = article(20)
    _write(tmp_path, D1, ["h0"], [old], cfg)
    history = HistoryIndex.open(tmp_path, cfg, before=D2)
    out = run_dedup(
        [edit_words(old, 1, 2), edit_words(old, 2, 2)], cfg, history=history, published=[0, 1]
    )
    assert {m.duplicate_of for m in out.values()} == {"h0"}


def test_as_of_reads_only_earlier_partitions(tmp_path):
    """It ignores partitions of the run date itself and later ones (reruns see the same)."""
    cfg = DedupConfig()
    a, b = article(30), article(31)
    _write(tmp_path, D1, ["h-a"], [a], cfg)
    _write(tmp_path, D2, ["h-b"], [b], cfg)
    on_d2 = HistoryIndex.open(tmp_path, cfg, before=D2)
    assert run_dedup([a, b], cfg, history=on_d2).keys() == {0}
    on_d3 = HistoryIndex.open(tmp_path, cfg, before=D3)
    assert run_dedup([a, b], cfg, history=on_d3).keys() == {0, 1}


@pytest.mark.parametrize(
    "changed",
    [
        DedupConfig(seed=2),
        DedupConfig(num_perm=64),
        DedupConfig(bands=16, rows=8),
        DedupConfig(shingle_size=4),
    ],
)
def test_header_mismatch_refuses_to_run(tmp_path, changed):
    """It raises StateMismatch, naming the rebuild command, when settings differ."""
    _write(tmp_path, D1, ["h0"], [article(40)], DedupConfig())
    with pytest.raises(StateMismatch, match="normnews index rebuild"):
        HistoryIndex.open(tmp_path, changed, before=D2)


def test_tampered_header_file_is_refused(tmp_path):
    """It refuses an index whose header records another datasketch version."""
    cfg = DedupConfig()
    _write(tmp_path, D1, ["h0"], [article(41)], cfg)
    path = tmp_path / "history" / "_header.json"
    header = json.loads(path.read_text())
    header["datasketch_version"] = "1.6.5"
    path.write_text(json.dumps(header))
    with pytest.raises(StateMismatch, match="datasketch_version"):
        HistoryIndex.open(tmp_path, cfg, before=D2)


def test_partition_without_header_is_refused(tmp_path):
    """It refuses partitions whose header file is missing, as damaged state."""
    cfg = DedupConfig()
    _write(tmp_path, D1, ["h0"], [article(42)], cfg)
    (tmp_path / "history" / "_header.json").unlink()
    with pytest.raises(StateCorrupt, match=r"no _header\.json"):
        HistoryIndex.open(tmp_path, cfg, before=D2)


def test_truncated_header_is_damaged_state_named_with_its_path(tmp_path):
    """A header cut short (a truncated copy) is damaged state: the error names the file and
    the rebuild command, and maps to exit 74, not to a settings mismatch."""
    cfg = DedupConfig()
    _write(tmp_path, D1, ["h0"], [article(43)], cfg)
    path = tmp_path / "history" / "_header.json"
    path.write_text(path.read_text()[:40])
    with pytest.raises(StateCorrupt, match="index rebuild") as caught:
        HistoryIndex.open(tmp_path, cfg, before=D2)
    assert str(path) in str(caught.value) and caught.value.exit_code == 74


def test_empty_state_is_an_empty_history(tmp_path):
    """It opens a missing history as empty and dedups the run alone."""
    history = HistoryIndex.open(tmp_path / "nothing", DedupConfig(), before=D1)
    assert len(history) == 0
    a = article(50)
    assert run_dedup([a, a], history=history).keys() == {1}


def test_write_history_round_trip_and_compact(tmp_path):
    """It writes kept articles only, and compaction keeps rows, order and as-of partitions."""
    cfg = DedupConfig()
    texts = [article(60), article(61), article(60)]
    signer = Signer(cfg)
    d = Deduper(cfg)
    d.add_batch(
        ["x", "y", "z"],
        [exact_key(t) for t in texts],
        signer.signatures(texts),
        [None] * 3,
        [len(t) for t in texts],
    )
    removed = d.resolve()
    d.write_history(tmp_path, D1, removed)
    extra = tmp_path / "history" / "run_date=2026-11-01" / "part-1.parquet"
    write_partition(
        tmp_path / "other",
        D1,
        ["w"],
        [exact_key(article(62))],
        signer.signatures([article(62)]),
        cfg,
    ).rename(extra)
    assert stats(tmp_path)["rows"] == 3
    before = HistoryIndex.open(tmp_path, cfg, before=D2)
    ids_before = before._fetch(np.arange(3))[0]
    assert compact(tmp_path)
    after = HistoryIndex.open(tmp_path, cfg, before=D2)
    assert [p.name for p in after.files] == ["part-0.parquet"]
    assert after._fetch(np.arange(3))[0] == ids_before == ["x", "y", "w"]


def test_rebuild_from_texts_matches_direct_write(tmp_path):
    """It re-signs texts into a partition equal to one written from signatures."""
    cfg = DedupConfig()
    texts = [article(70), article(71)]
    rebuild_partition_from_texts(tmp_path / "a", D1, ["p", "q"], texts, cfg)
    _write(tmp_path / "b", D1, ["p", "q"], texts, cfg)
    ha = HistoryIndex.open(tmp_path / "a", cfg, before=D2)._fetch(np.arange(2))
    hb = HistoryIndex.open(tmp_path / "b", cfg, before=D2)._fetch(np.arange(2))
    assert ha[0] == hb[0]
    np.testing.assert_array_equal(ha[1], hb[1])


def test_probe_caps_huge_history_buckets(tmp_path):
    """It keeps at most ``bucket_cap`` history rows per key while still finding the copy."""
    cfg = DedupConfig(bucket_cap=4)
    base = article(80)
    texts = [base] * 1 + [edit_words(base, i, 1) for i in range(1, 30)]
    _write(tmp_path, D1, [f"h{i}" for i in range(30)], texts, cfg)
    history = HistoryIndex.open(tmp_path, cfg, before=D2)
    out = run_dedup([edit_words(base, 99, 1)], cfg, history=history)
    assert out[0].duplicate_of.startswith("h")


def test_history_without_evidence_is_refused_and_rebuilt(tmp_path):
    """It refuses an index written before the dedup evidence (no ``evidence`` in its header),
    naming the rebuild command; a rebuilt index carries the evidence and is used."""
    cfg = DedupConfig()
    text = article(43)
    _write(tmp_path, D1, ["h0"], [text], cfg)
    path = tmp_path / "history" / "_header.json"
    header = json.loads(path.read_text())
    del header["evidence"]
    path.write_text(json.dumps(header))
    with pytest.raises(StateMismatch, match=r"evidence.*normnews index rebuild"):
        HistoryIndex.open(tmp_path, cfg, before=D2)
    fresh = tmp_path / "rebuilt"
    rebuild_partition_from_texts(fresh, D1, ["h0"], [text], cfg, ["CORRECTED - A STORY"])
    history = HistoryIndex.open(fresh, cfg, before=D2)
    _, rows = history._fetch(np.arange(1))
    assert rows.shape == (1, cfg.num_perm + WIDTH)
    assert rows[0, cfg.num_perm + FLAGS] & FLAG_CORRECTION
    out = run_dedup([edit_words(text, 7, 3)], history=history)
    assert out[0].duplicate_of == "h0"
