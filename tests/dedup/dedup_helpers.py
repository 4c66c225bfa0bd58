"""Helpers for dedup tests: synthetic articles written by the test code itself."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from normnews.config import DedupConfig
from normnews.dedup import Deduper, EvidenceMaker, Match, Signer, exact_key

_SYLLABLES = ["ka", "to", "ri", "men", "sa", "lo", "vi", "dun", "pe", "ra", "ne", "mo", "li", "ta"]


def words(seed: int, n: int) -> list[str]:
    """``n`` pseudo-words drawn from a large made-up vocabulary (deterministic)."""
    rng = random.Random(seed)
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(n)]


def article(seed: int, n_words: int = 300, paragraphs: int = 5) -> str:
    """A made-up article of ``n_words`` words in ``paragraphs`` paragraphs."""
    w = words(seed, n_words)
    size = max(1, n_words // paragraphs)
    paras = [" ".join(w[i : i + size]) + "." for i in range(0, n_words, size)]
    return "\n\n".join(p.capitalize() for p in paras)


def edit_words(text: str, seed: int, n: int) -> str:
    """Replace ``n`` random words of ``text`` by other made-up words."""
    rng = random.Random(seed)
    toks = text.split(" ")
    for i in rng.sample(range(len(toks)), n):
        toks[i] = "zq" + toks[i][::-1]
    return " ".join(toks)


def run_dedup(
    texts: Sequence[str],
    cfg: DedupConfig | None = None,
    *,
    published: Sequence[int | None] | None = None,
    ids: Sequence[str] | None = None,
    batch: int = 1000,
    history=None,
    titles: Sequence[str | None] | None = None,
    evidence: bool = True,
) -> dict[int, Match]:
    """Dedup ``texts`` in one run and return what was removed (with evidence, as workers
    compute it, unless ``evidence`` is false)."""
    cfg = cfg or DedupConfig()
    signer = Signer(cfg)
    maker = EvidenceMaker(cfg)
    all_titles = list(titles) if titles is not None else [None] * len(texts)
    d = Deduper(cfg, history=history)
    ids = list(ids) if ids is not None else [f"a{i}" for i in range(len(texts))]
    pub = list(published) if published is not None else [None] * len(texts)
    for s in range(0, len(texts), batch):
        chunk = list(texts[s : s + batch])
        d.add_batch(
            ids[s : s + batch],
            [exact_key(t) for t in chunk],
            signer.signatures(chunk) if chunk else np.empty((0, cfg.num_perm), np.uint32),
            pub[s : s + batch],
            [len(t) for t in chunk],
            maker.rows(all_titles[s : s + batch], chunk) if evidence else None,
        )
    return d.resolve()
