"""Run-level dedup: exact and near copies, non-chaining, templates, survivors, determinism."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.dedup_helpers import article, edit_words, run_dedup, words
from normnews.config import DedupConfig
from normnews.dedup import Deduper, EvidenceMaker, Signer, deduper, exact_key


def test_exact_copies_are_removed_once():
    """It keeps the first of three identical articles and removes the other two as exact."""
    a, b = article(1), article(2)
    out = run_dedup([a, b, a, a.upper()])
    assert set(out) == {2, 3}
    assert all(m.method == "exact" and m.duplicate_of == "a0" for m in out.values())


def test_reheadlined_copy_is_removed():
    """It removes a copy whose headline line was rewritten but whose body is the same."""
    body = article(3)
    out = run_dedup(
        [
            "China continues breakneck growth\n\n" + body,
            "China continues rapid growth\n\n" + body,
            article(4),
        ]
    )
    assert list(out) == [1]
    assert out[1].method == "near" and out[1].similarity >= 0.9


def test_edited_copy_and_dropped_paragraph_are_removed():
    """It removes a copy with a few words edited and one with a paragraph dropped."""
    base = article(5, 400)
    dropped = "\n\n".join(base.split("\n\n")[:-1])
    out = run_dedup(
        [base, edit_words(base, 1, 6), dropped, article(6, 400)], published=[1, 2, 3, 4]
    )
    assert set(out) == {1, 2}
    assert all(m.duplicate_of == "a0" for m in out.values())


def test_chain_does_not_merge_far_ends():
    """It keeps A and C when A~B and B~C but A is far from C (no transitive merge)."""
    w = words(7, 400)
    a = " ".join(w[:300])
    b = " ".join(w[50:350])
    c = " ".join(w[100:400])
    # A~B and B~C are near 0.71; A~C is 0.5.
    cfg = DedupConfig(threshold=0.65)
    out = run_dedup([a, b, c], cfg, published=[1, 2, 3])
    assert set(out) == {1}
    assert out[1].duplicate_of == "a0"


def test_distinct_short_articles_in_one_heavy_template_are_kept():
    """It keeps 60 different short stories that share a 200-word site template."""
    template = article(900, 200)
    texts = [" ".join(words(1000 + i, 30)) + ".\n\n" + template for i in range(60)]
    assert run_dedup(texts) == {}


def test_copy_inside_a_template_is_still_found():
    """It removes a real copy of a story even when both copies carry the site template."""
    template = article(901, 200)
    texts = [" ".join(words(2000 + i, 60)) + ".\n\n" + template for i in range(40)]
    texts.append(texts[7].replace(".\n\n", " today.\n\n", 1))
    out = run_dedup(texts)
    assert list(out) in ([40], [7])


def test_distinct_short_texts_are_kept_and_identical_ones_removed():
    """It keeps different one-line texts and removes an identical one."""
    out = run_dedup(["Storm hits coast", "Storm hits city", "Storm hits coast", "Rates held"])
    assert out.keys() == {2}


def test_cjk_near_copies_are_removed():
    """It removes a Chinese near-copy and keeps a different Chinese story."""
    base = (
        "台风今天登陆浙江沿海地区\uff0c造成大面积停电\uff0c数万居民被紧急转移\uff0c交通一度中断。"
        * 3
    )
    near = base.replace("数万", "五万", 1)
    other = (
        "央行宣布维持基准利率不变\uff0c市场反应平淡\uff0c股市小幅上涨\uff0c分析人士预计年内不会降息。"
        * 3
    )
    out = run_dedup([base, near, other], published=[1, 2, 3])
    assert out.keys() == {1}


@pytest.mark.parametrize(
    "survivor,expected_kept",
    [
        (("published", "length", "input_order"), 2),
        (("length", "published", "input_order"), 1),
        (("input_order",), 0),
    ],
)
def test_survivor_policy(survivor, expected_kept):
    """It keeps the copy the configured survivor keys rank first."""
    base = article(8, 300)
    longer = base + " Extra closing words."
    texts = [base, longer, base.replace(".", "!", 1)]
    out = run_dedup(texts, DedupConfig(survivor=survivor), published=[30, 20, 10])
    kept = {0, 1, 2} - set(out)
    assert kept == {expected_kept}


def test_unknown_published_ranks_last():
    """It prefers a copy with a publication time over one without."""
    base = article(9)
    out = run_dedup([base, base], published=[None, 5])
    assert out[0].duplicate_of == "a1"


def _dataset(seed: int) -> list[str]:
    rng = random.Random(seed)
    base = [article(seed * 100 + i, 120) for i in range(30)]
    texts = list(base)
    for i in range(30):
        src = base[rng.randrange(len(base))]
        texts.append(src if rng.random() < 0.3 else edit_words(src, i, rng.randint(1, 4)))
    rng.shuffle(texts)
    return texts


def test_same_input_twice_and_other_batch_sizes_give_the_same_result():
    """It returns identical decisions for repeated runs and any batch boundaries."""
    texts = _dataset(1)
    first = run_dedup(texts, batch=1000)
    assert run_dedup(texts, batch=1000) == first
    assert run_dedup(texts, batch=7) == first
    assert run_dedup(texts, batch=1) == first


def test_spill_dir_gives_the_same_result(tmp_path):
    """It decides the same with signatures spilled to disk as in memory."""
    cfg = DedupConfig()
    texts = _dataset(2)
    signer = Signer(cfg)
    d = Deduper(cfg, spill_dir=tmp_path)
    d.add_batch(
        [f"a{i}" for i in range(len(texts))],
        [exact_key(t) for t in texts],
        signer.signatures(texts),
        [None] * len(texts),
        [len(t) for t in texts],
        EvidenceMaker(cfg).rows([None] * len(texts), texts),
    )
    assert d.resolve() == run_dedup(texts)
    d.close()
    assert not list(tmp_path.iterdir())


def test_bad_signature_shape_is_refused():
    """It raises a ValueError naming the expected shape when signatures do not fit."""
    d = Deduper(DedupConfig())
    with pytest.raises(ValueError, match=r"\(1, 128\)"):
        d.add_batch(["a"], [1], np.zeros((1, 64), np.uint32), [None], [1])


@settings(max_examples=25, deadline=None)
@given(
    picks=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), min_size=1, max_size=25),
    published=st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=25, max_size=25),
)
def test_every_cluster_keeps_exactly_one(picks, published):
    """It never removes an article in favour of a removed one, and keeps one per cluster."""
    bases = [article(3000 + i, 80) for i in range(6)]
    texts = [bases[b] if e == 0 else edit_words(bases[b], e, e) for b, e in picks]
    out = run_dedup(texts, published=published[: len(texts)])
    ids = [f"a{i}" for i in range(len(texts))]
    kept = {ids[i] for i in range(len(texts)) if i not in out}
    for i, m in out.items():
        assert m.duplicate_of in kept
        assert ids[i] not in kept
        assert m.method in ("exact", "near")
    # every group of identical texts keeps exactly one member or is removed entirely
    by_text: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        by_text.setdefault(t, []).append(i)
    for members in by_text.values():
        assert sum(1 for i in members if i not in out) <= 1


def test_candidate_pairs_merged_early_give_the_same_decisions(monkeypatch):
    """It decides the same when the bands' candidate pairs are merged band by band (the path a
    run takes when they would exceed the memory budget) as when merged once at the end."""
    base = [article(s, 300) for s in range(20)]
    texts = base + [edit_words(t, s, 5) for s, t in enumerate(base[:10])] + base[:5]
    expected = run_dedup(texts, published=list(range(len(texts))))
    assert len(expected) == 15
    monkeypatch.setattr(deduper, "_PAIR_BUDGET", 1)
    assert run_dedup(texts, published=list(range(len(texts)))) == expected
