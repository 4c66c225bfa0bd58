"""The containment rule, containment estimates, and pages whose own text is a dateline."""

from __future__ import annotations

import numpy as np

from dedup.dedup_helpers import article, run_dedup, words
from normnews.config import DedupConfig
from normnews.dedup import Signer, effective_params, estimates, shingles


def _exact(a: str, b: str) -> tuple[float, float]:
    sa, sb = set(shingles(a)), set(shingles(b))
    inter = len(sa & sb)
    return inter / len(sa | sb), inter / min(len(sa), len(sb))


def test_copy_that_dropped_most_of_a_paragraph_block_is_removed():
    """It removes a copy that kept only the first 3 of 5 paragraphs (Jaccard ~0.6)."""
    base = article(11, 300, paragraphs=5)
    cut = "\n\n".join(base.split("\n\n")[:3])
    j, c = _exact(base, cut)
    assert 0.5 < j < 0.7 and c == 1.0
    out = run_dedup([base, cut, article(12, 300)], published=[1, 2, 3])
    assert set(out) == {1} and out[1].duplicate_of == "a0"


def test_short_text_inside_a_much_longer_one_is_kept():
    """It keeps a text wholly contained in one three times its length (Jaccard < 0.5)."""
    base = article(13, 300, paragraphs=3)
    part = base.split("\n\n")[0]
    j, c = _exact(base, part)
    assert j < 0.4 and c == 1.0
    assert run_dedup([base, part]) == {}


def test_floor_at_threshold_turns_the_rule_off():
    """It keeps a 3-of-5-paragraph copy when containment_min_jaccard is the threshold."""
    cfg = DedupConfig(containment_min_jaccard=0.7)
    base = article(11, 300, paragraphs=5)
    cut = "\n\n".join(base.split("\n\n")[:3])
    assert effective_params(cfg) == (25, 5)
    assert run_dedup([base, cut], cfg) == {}


def test_containment_estimate_tracks_exact_containment():
    """It estimates containment of the smaller text within 0.1 of the exact value."""
    cfg = DedupConfig()
    signer = Signer(cfg)
    w = words(21, 600)
    big = " ".join(w)
    no = np.zeros((1, cfg.num_perm), dtype=bool)
    for start, stop in ((0, 400), (100, 500), (0, 300), (300, 650)):
        small = " ".join(w[start:stop]) + (" extra words here" if stop > 600 else "")
        sig = signer.signatures([big, small])
        _, _, cont = estimates(sig[:1], sig[1:], no, no)
        assert abs(float(cont[0]) - _exact(big, small)[1]) <= 0.1


def test_pages_whose_own_text_is_a_dateline_stay_apart():
    """It keeps 30 template pages whose only own text is a two- or three-word dateline."""
    template = article(950, 120, paragraphs=1)
    places = [" ".join(words(3000 + i, 2 + i % 2)).title() for i in range(30)]
    texts = [f"{p}\n\n{template}" for p in places]
    assert run_dedup(texts) == {}
